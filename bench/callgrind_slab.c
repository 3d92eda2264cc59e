/* bench/callgrind_slab.c - a driver for counting the instructions of the slab fast path under
 * callgrind (tools/callgrind-fastpath slab), and for timing it natively.
 *
 *	bench-callgrind_slab <subject> <K>
 *	bench-callgrind_slab --time [<subject>] [K]
 *
 * Boots numamm ($NUMAMM_BOOT, or "mem=512M"; slab= chooses the back end, SLUB by default),
 * creates the cache, warms up (the CPU or thread freelist is filled and the slab touched),
 * then calls measured_loop(), which runs K pairs of the subject:
 *   slab64     kmem_cache_alloc(64-byte cache, GFP_KERNEL) + kmem_cache_free()
 *   kmalloc64  kmalloc(64, GFP_KERNEL) + kfree()
 *   mempool64  mempool_alloc(GFP_KERNEL) + mempool_free() on a slab pool (min_nr 16) of the cache
 * Run under `valgrind --tool=callgrind --toggle-collect=measured_loop` with two values of K: the
 * difference of the two instruction counts divided by the difference of K is the cost of one
 * pair, with the call into measured_loop, any one-off refill and the loop setup cancelled.
 * Valgrind has no rseq, so under callgrind this is the per-thread fast path.
 *
 * --time runs the same loop natively (rseq when the kernel and glibc give it) and prints
 * ns/pair, the best of 5 runs of K pairs (default 10^7): a quick look, not a benchmark
 * (bench/slab.c is the benchmark).
 *
 * The bench CMake glob builds it as bench-callgrind_slab; it is not a Google Benchmark binary
 * (tools/numamm-bench skips bench-callgrind_*), so any --benchmark* flag is ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <numamm/cpu.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

enum subject { SUBJ_SLAB64, SUBJ_KMALLOC64, SUBJ_MEMPOOL64 };
static const char *const subject_names[] = { "slab64", "kmalloc64", "mempool64" };

static struct kmem_cache *cache;
static mempool_t *pool;

/* The sink keeps the compiler from proving the pointers unused. */
static void *volatile sink;

static noinline void measured_loop(enum subject subj, long k)
{
	if (subj == SUBJ_SLAB64) {
		struct kmem_cache *s = cache;
		for (long i = 0; i < k; i++) {
			void *p = kmem_cache_alloc(s, GFP_KERNEL);

			sink = p;
			kmem_cache_free(s, p);
		}
	} else if (subj == SUBJ_KMALLOC64) {
		for (long i = 0; i < k; i++) {
			void *p = kmalloc(64, GFP_KERNEL);

			sink = p;
			kfree(p);
		}
	} else {
		mempool_t *mp = pool;
		for (long i = 0; i < k; i++) {
			void *p = mempool_alloc(mp, GFP_KERNEL);

			sink = p;
			mempool_free(p, mp);
		}
	}
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	bool timing = false;
	enum subject subj = SUBJ_SLAB64;
	long k = 10000000;
	int err;

	if (argc >= 2 && !strncmp(argv[1], "--benchmark", 11))
		return 0;   /* asked as a Google Benchmark binary: nothing to list or run */
	int a = 1;
	if (argc > a && !strcmp(argv[a], "--time")) {
		timing = true;
		a++;
	}
	if (argc > a) {
		int found = -1;
		for (int i = 0; i < (int)(sizeof(subject_names) / sizeof(subject_names[0])); i++)
			if (!strcmp(argv[a], subject_names[i]))
				found = i;
		if (found >= 0) {
			subj = (enum subject)found;
			a++;
		} else {
			a = -1;
		}
	} else if (!timing) {
		a = -1;
	}
	if (a > 0 && argc > a)
		k = strtol(argv[a++], NULL, 0);
	if (a < 0 || a != argc || k <= 0 || (!timing && argc < 3)) {
		fprintf(stderr, "usage: %s slab64|kmalloc64|mempool64 K\n       %s --time [slab64|kmalloc64|mempool64] [K]\n",
			argv[0], argv[0]);
		return 2;
	}
	if (!line || !*line)
		line = "mem=512M";
	err = nmm_boot(line);
	if (err) {
		fprintf(stderr, "nmm_boot(\"%s\"): %s: %s\n", line, strerror(-err), nmm_boot_strerror());
		return 1;
	}
	cache = kmem_cache_create("callgrind-64", 64, 0, 0, NULL);
	if (!cache) {
		fprintf(stderr, "kmem_cache_create failed\n");
		return 1;
	}
	pool = mempool_create_slab_pool(16, cache);
	if (!pool) {
		fprintf(stderr, "mempool_create_slab_pool failed\n");
		return 1;
	}
	/* Warm-up: the first allocation makes the CPU (thread) slab; the same pairs once, untimed. */
	measured_loop(subj, 1000);
	if (timing) {
		double best = 0;
		for (int r = 0; r < 5; r++) {
			double t0 = now_ns();
			measured_loop(subj, k);
			double ns = (now_ns() - t0) / (double)k;
			if (!r || ns < best)
				best = ns;
		}
		printf("%s %.2f ns/pair (best of 5 x %ld pairs, %s)\n", subject_names[subj],
		       best, k, nmm_cpu_has_rseq() ? "rseq" : "no rseq");
	} else {
		measured_loop(subj, k);
	}
	mempool_destroy(pool);
	kmem_cache_destroy(cache);
	nmm_shutdown();
	return 0;
}
