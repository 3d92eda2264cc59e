/* bench/malloc/mstress_common.h - what the allocator stress programs share: argument parsing
 * ([THREADS] [SCALE]), a fast per-thread random generator, and a checksum sink so no
 * allocation can be optimised away. Each program is plain C over malloc/free: bench-malloc runs
 * it under LD_PRELOAD of each allocator and measures wall time and max RSS. */
#ifndef NUMAMM_BENCH_MSTRESS_COMMON_H
#define NUMAMM_BENCH_MSTRESS_COMMON_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t ms_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static volatile uint64_t ms_sink;

/* With MSTRESS_WHO set, say on stderr which file the malloc we call lives in (bench-malloc checks
 * that the allocator it preloaded is the one in use). */
static void __attribute__((constructor)) ms_who(void)
{
	Dl_info info;
	void *(*volatile m)(size_t) = malloc;
	if (getenv("MSTRESS_WHO") && dladdr((void *)m, &info) && info.dli_fname)
		fprintf(stderr, "mstress-malloc: %s\n", info.dli_fname);
}

static inline void ms_args(int argc, char **argv, int *threads, long *scale, int dthreads, long dscale)
{
	*threads = argc > 1 ? atoi(argv[1]) : dthreads;
	*scale = argc > 2 ? atol(argv[2]) : dscale;
	if (*threads < 1 || *threads > 256 || *scale < 1) {
		fprintf(stderr, "usage: %s [THREADS 1..256] [SCALE >= 1]\n", argv[0]);
		exit(2);
	}
}

#endif
