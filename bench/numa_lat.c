/* bench/numa_lat.c - memory latency matrix and loaded latency (issue 9), lmbench lat_mem_rd /
 * Intel MLC idle-latency style.
 *
 *   lat/<memory>/cpu_node:i/mem_node:j/KiB:S
 *       One thread on node i chases pointers through S KiB of node-j memory: one pointer per
 *       64-byte line, the lines linked in one random cycle (Sattolo's shuffle), so every load
 *       depends on the one before and the prefetchers cannot guess the next line. One
 *       iteration is one load: the time per iteration is the load-to-use latency (ns).
 *       memory: numamm_hugetlb (2 MiB pages), numamm_4k (4 KiB shmem pages), numa_alloc_onnode
 *       (4 KiB anonymous pages) — the 4 KiB vs 2 MiB difference past the TLB reach is the
 *       page-walk cost. Sizes: 16 KiB (L1) … 256 MiB in quick mode; up to 1 GiB in full.
 *   loaded/<memory>/delay:D (delay:-1: no load thread, the idle point)
 *       Thread 0 chases through 128 MiB (4x the L3 here) on node 0 while a load thread (the
 *       node's next CPU) streams reads and writes over two other 64 MiB arrays of the same memory with D
 *       empty loop turns per 64-byte line (D = 0: flat out; larger D: lighter load) — MLC's
 *       loaded-latency curve. Counters: lat_ns (ns per load) and load_GBps (the load thread's
 *       traffic, read + write). The curve is lat_ns against load_GBps.
 */
#include "bench_numa_mem.h"
#include "gbench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE 64
#define CHASE_BATCH 1000

struct lat_case {
	enum numa_mem_kind mem;
	int cpu_node, mem_node;
	size_t kib;
	int delay;        /* loaded/: -1 for lat/ */
};

static struct numa_mem chase_mem, load_mem[2];
static void *chase_head;
static int setup_ok;
static char skip_msg[600];
static atomic_int stop_load;

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Link the lines of the first @bytes of @m into one random cycle. */
static void *build_chain(struct numa_mem *m, size_t bytes)
{
	size_t n = bytes / LINE;
	uint32_t *perm = malloc(n * sizeof(*perm));
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (!perm)
		return NULL;
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {      /* Sattolo: a single cycle through all n */
		size_t j = rng_next(&seed) % i;
		uint32_t x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	/* perm as a cycle: line i points to line perm[i]. */
	for (size_t i = 0; i < n; i++)
		*(void **)numa_mem_at(m, (size_t)i * LINE) = numa_mem_at(m, (size_t)perm[i] * LINE);
	free(perm);
	return numa_mem_at(m, 0);
}

/* The largest working set: 256 MiB (1 GiB with --full); NUMAMM_BENCH_LAT_MAX_KIB caps it (the
 * guest run of tests/vm keeps its boots small this way). */
static size_t max_kib(void)
{
	const char *mode = getenv("NUMAMM_BENCH_MODE"), *cap = getenv("NUMAMM_BENCH_LAT_MAX_KIB");
	size_t kib = mode && !strcmp(mode, "full") ? 1024 * 1024 : 256 * 1024;

	if (cap && strtoul(cap, NULL, 10) >= 16 && strtoul(cap, NULL, 10) < kib)
		kib = strtoul(cap, NULL, 10);
	return kib;
}

static void setup(gbench_state *st, const struct lat_case *c)
{
	size_t bytes = c->kib << 10, boot_mib = (max_kib() >> 10) + 192;

	setup_ok = 0;
	if (chase_mem.nr_chunks)
		numa_mem_free(&chase_mem);
	for (int i = 0; i < 2; i++)
		if (load_mem[i].nr_chunks)
			numa_mem_free(&load_mem[i]);
	if (numa_bench_boot(c->mem, boot_mib, skip_msg, sizeof(skip_msg))) {
		gbench_skip(st, skip_msg);
		return;
	}
	if (numa_mem_alloc(&chase_mem, c->mem, c->mem_node, bytes) ||
	    (c->delay >= 0 && (numa_mem_alloc(&load_mem[0], c->mem, c->mem_node, 64 << 20) ||
			       numa_mem_alloc(&load_mem[1], c->mem, c->mem_node, 64 << 20))) ||
	    !(chase_head = build_chain(&chase_mem, bytes))) {
		snprintf(skip_msg, sizeof(skip_msg), "%s: no memory for %zu KiB on node %d",
			 numa_mem_name[c->mem], c->kib, c->mem_node);
		gbench_skip(st, skip_msg);
		return;
	}
	setup_ok = 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CHASE_BATCH dependent loads from @p, ten per iteration; returns where the chase stopped. */
static inline void *chase_batch(void *p)
{
	for (int i = 0; i < CHASE_BATCH; i += 10) {
		p = *(void **)p; p = *(void **)p; p = *(void **)p; p = *(void **)p;
		p = *(void **)p; p = *(void **)p; p = *(void **)p; p = *(void **)p;
		p = *(void **)p; p = *(void **)p;
	}
	return p;
}

static void bm_lat(gbench_state *st, void *user)
{
	const struct lat_case *c = user;
	void *p;

	setup(st, c);
	numa_bench_pin(c->cpu_node, 0);
	p = chase_head;
	while (gbench_keep_running_batch(st, CHASE_BATCH)) {
		if (!setup_ok)
			continue;
		p = chase_batch(p);
	}
	gbench_do_not_optimize(p);
	if (setup_ok)
		gbench_counter(st, "wrong_node", (double)chase_mem.wrong_node, GBENCH_COUNTER_DEFAULT);
}

/* The load thread: read load_mem[0], write load_mem[1], @delay empty turns per line. */
static uint64_t load_until_stop(int delay)
{
	uint64_t bytes = 0, sum = 0;

	while (!atomic_load_explicit(&stop_load, memory_order_relaxed)) {
		for (int ch = 0; ch < load_mem[0].nr_chunks; ch++) {
			uint64_t *src = load_mem[0].ptr[ch], *dst = load_mem[1].ptr[ch];
			size_t n = load_mem[0].chunk / sizeof(uint64_t);

			for (size_t i = 0; i < n; i += LINE / sizeof(uint64_t)) {
				for (size_t w = 0; w < LINE / sizeof(uint64_t); w++)
					dst[i + w] = src[i + w] + 1;
				for (int d = 0; d < delay; d++)
					__asm__ volatile("" ::: "memory");
			}
			bytes += 2 * load_mem[0].chunk;
			sum += dst[0];
			if (atomic_load_explicit(&stop_load, memory_order_relaxed))
				break;
		}
	}
	gbench_do_not_optimize_value(sum);
	return bytes;
}

struct load_arg {
	int node, delay;
	double gbps;
};

static void *load_thread(void *p)
{
	struct load_arg *a = p;
	double t0;
	uint64_t bytes;

	numa_bench_pin(a->node, 1);
	t0 = now_ns();
	bytes = load_until_stop(a->delay);
	a->gbps = (double)bytes / (now_ns() - t0);
	return NULL;
}

/* Thread 0 chases; the load runs in a pthread of its own on the node's next CPU from before the
 * timed loop until after it (a Google Benchmark thread could not be stopped at thread 0's end:
 * both wait in the end barrier). */
static void bm_loaded(gbench_state *st, void *user)
{
	const struct lat_case *c = user;
	struct load_arg la = { c->cpu_node, c->delay, 0 };
	pthread_t tid;
	int started = 0;
	void *p;
	double t0;
	int64_t loads = 0;

	setup(st, c);
	numa_bench_pin(c->cpu_node, 0);
	atomic_store(&stop_load, 0);
	if (setup_ok && c->delay >= 0)
		started = !pthread_create(&tid, NULL, load_thread, &la);
	p = chase_head;
	t0 = now_ns();
	while (gbench_keep_running_batch(st, CHASE_BATCH)) {
		if (!setup_ok)
			continue;
		p = chase_batch(p);
		loads += CHASE_BATCH;
	}
	gbench_do_not_optimize(p);
	atomic_store(&stop_load, 1);
	if (started)
		pthread_join(tid, NULL);
	if (setup_ok && loads) {
		gbench_counter(st, "lat_ns", (now_ns() - t0) / (double)loads, GBENCH_COUNTER_DEFAULT);
		gbench_counter(st, "load_GBps", la.gbps, GBENCH_COUNTER_DEFAULT);
	}
}

GBENCH_CONSTRUCTOR(register_lat)
{
	static const int delays[] = { -1, 0, 20, 100, 400, 2000 };
	int nodes = numa_bench_nodes();

	for (int m = 0; m < NUMA_MEM_NR; m++)
		for (int j = 0; j < nodes; j++)
			for (int i = 0; i < nodes; i++)
				for (size_t kib = 16; kib <= max_kib(); kib *= 4) {
					struct lat_case *c = calloc(1, sizeof(*c));
					char name[160];
					gbench_b *b;

					*c = (struct lat_case){ m, i, j, kib, -1 };
					snprintf(name, sizeof(name), "lat/%s/cpu_node:%d/mem_node:%d/KiB:%zu",
						 numa_mem_name[m], i, j, kib);
					b = gbench_register(name, bm_lat, c);
					gbench_unit(b, GBENCH_NS);
				}
	for (int m = 0; m < NUMA_MEM_NR; m++)
		for (size_t d = 0; d < sizeof(delays) / sizeof(delays[0]); d++) {
			struct lat_case *c = calloc(1, sizeof(*c));
			char name[160];
			gbench_b *b;

			*c = (struct lat_case){ m, 0, 0, 128 << 10, delays[d] };
			snprintf(name, sizeof(name), "loaded/%s/delay:%d", numa_mem_name[m], delays[d]);
			b = gbench_register(name, bm_loaded, c);
			gbench_use_real_time(b);
			gbench_unit(b, GBENCH_NS);
		}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
