/* bench/numa_bw.c - STREAM-style memory bandwidth matrix (issue 9): threads on node i, memory on
 * node j, for numamm node memory (hugetlb and 4 KiB shmem backings) and numa_alloc_onnode memory
 * in the same run.
 *
 *   bw/<kernel>/<memory>/cpu_node:i/mem_node:j/threads:T   (real time)
 *
 * kernel: McCalpin's STREAM kernels over three arrays of doubles a, b, c on node j:
 *   copy c = a, scale b = s*c, add c = a + b, triad a = b + s*c
 * counted as STREAM counts them (copy/scale 2 arrays of traffic, add/triad 3; no write-allocate
 * traffic). memory: numamm_hugetlb / numamm_4k (alloc_pages_node(j, __GFP_THISNODE) 4 MiB blocks
 * of a node booted with backing=hugetlb / backing=shmem) or numa_alloc_onnode (libnuma, 4 KiB
 * pages). The arrays are lists of 4 MiB chunks (bench_numa_mem.h), so all three memories run
 * the same loop. T threads pinned to the CPUs of node i; thread t takes every T-th chunk.
 * bytes_per_second is all threads' traffic over the wall time; counter wrong_node counts 4 KiB
 * (hugetlb: 2 MiB) granules move_pages found off node j (0 expected).
 *
 * Arrays: 64 MiB each in quick mode (2x this machine's 32 MiB L3 per array, 6x for the three),
 * 256 MiB with NUMAMM_BENCH_MODE=full or NUMAMM_BENCH_BW_MIB=N. numamm boots with the node
 * memory the three arrays need plus 64 MiB. A failed boot (e.g. no free hugepages) skips.
 */
#include "bench_numa_mem.h"
#include "gbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kernel { K_COPY, K_SCALE, K_ADD, K_TRIAD, K_NR };
static const char *const kernel_name[K_NR] = { "copy", "scale", "add", "triad" };
static const int kernel_arrays[K_NR] = { 2, 2, 3, 3 };

struct bw_case {
	enum kernel k;
	enum numa_mem_kind mem;
	int cpu_node, mem_node, threads;
};

/* Array i starts i * PAD bytes into each of its chunks (STREAM's OFFSET): the chunks of all
 * three arrays are 4 MiB aligned — physically contiguous on numamm memory — so without it the
 * three streams fall into the same cache sets and alias at 4 KiB (measured: copy at 0.4x of
 * numa_alloc_onnode, whose 4 KiB pages are scattered physically). Same offsets for every memory. */
#define PAD (1024 + 64)

static struct numa_mem arr[3];
static int arr_ok;
static char skip_msg[600];

static size_t array_mib(void)
{
	const char *s = getenv("NUMAMM_BENCH_BW_MIB"), *mode = getenv("NUMAMM_BENCH_MODE");

	if (s && atoi(s) > 0)
		return (size_t)atoi(s);
	return mode && !strcmp(mode, "full") ? 256 : 64;
}

static void setup(gbench_state *st, const struct bw_case *c)
{
	size_t mib = array_mib();
	int rc;

	arr_ok = 0;
	if (arr[0].nr_chunks && arr[0].kind == c->mem && arr[0].node == c->mem_node) {
		arr_ok = 1;
		return;
	}
	for (int i = 0; i < 3; i++)
		if (arr[i].nr_chunks)
			numa_mem_free(&arr[i]);
	rc = numa_bench_boot(c->mem, 3 * mib + 64, skip_msg, sizeof(skip_msg));
	if (rc) {
		gbench_skip(st, skip_msg);
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (numa_mem_alloc(&arr[i], c->mem, c->mem_node, mib << 20)) {
			snprintf(skip_msg, sizeof(skip_msg), "%s: %zu MiB on node %d: no memory",
				 numa_mem_name[c->mem], mib, c->mem_node);
			for (int j = 0; j < i; j++)
				numa_mem_free(&arr[j]);
			gbench_skip(st, skip_msg);
			return;
		}
		for (int ch = 0; ch < arr[i].nr_chunks; ch++) {
			double *d = arr[i].ptr[ch];

			for (size_t x = 0; x < arr[i].chunk / sizeof(double); x++)
				d[x] = i == 0 ? 1.0 : i == 1 ? 2.0 : 0.0;
		}
	}
	arr_ok = 1;
}

static void run_chunk(enum kernel k, double *restrict a, double *restrict b, double *restrict c,
		      size_t n)
{
	const double s = 3.0;

	switch (k) {
	case K_COPY:
		for (size_t i = 0; i < n; i++)
			c[i] = a[i];
		break;
	case K_SCALE:
		for (size_t i = 0; i < n; i++)
			b[i] = s * c[i];
		break;
	case K_ADD:
		for (size_t i = 0; i < n; i++)
			c[i] = a[i] + b[i];
		break;
	default:
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] + s * c[i];
		break;
	}
}

static void bm_bw(gbench_state *st, void *user)
{
	const struct bw_case *c = user;
	int t = gbench_thread_index(st), nt = gbench_threads_count(st);
	size_t bytes = 0;

	if (t == 0)
		setup(st, c);
	numa_bench_pin(c->cpu_node, t);
	while (gbench_keep_running(st)) {
		if (!arr_ok) {
			if (t)
				gbench_skip(st, "setup failed (thread 0)");
			continue;
		}
		for (int ch = t; ch < arr[0].nr_chunks; ch += nt) {
			size_t n = (arr[0].chunk - 2 * PAD) / sizeof(double);

			run_chunk(c->k, (double *)arr[0].ptr[ch], (double *)((char *)arr[1].ptr[ch] + PAD),
				  (double *)((char *)arr[2].ptr[ch] + 2 * PAD), n);
			bytes += n * sizeof(double) * (size_t)kernel_arrays[c->k];
		}
		gbench_clobber_memory();
	}
	gbench_set_bytes_processed(st, (int64_t)bytes);
	if (t == 0 && arr_ok) {
		gbench_counter(st, "wrong_node", (double)(arr[0].wrong_node + arr[1].wrong_node +
							 arr[2].wrong_node), GBENCH_COUNTER_DEFAULT);
		gbench_counter(st, "array_MiB", (double)(arr[0].bytes >> 20), GBENCH_COUNTER_DEFAULT);
	}
}

GBENCH_CONSTRUCTOR(register_bw)
{
	int nodes = numa_bench_nodes();

	/* Memory kind outermost: one boot per kind and node in a whole-binary run. */
	for (int m = 0; m < NUMA_MEM_NR; m++)
		for (int j = 0; j < nodes; j++)
			for (int i = 0; i < nodes; i++) {
				int cpus[1024], ncpu = numa_bench_node_cpus(i, cpus, 1024);

				if (ncpu <= 0)
					continue;
				for (int k = 0; k < K_NR; k++)
					for (int nt = 1; nt <= ncpu; nt = nt == ncpu ? ncpu + 1 :
					     (nt * 2 > ncpu ? ncpu : nt * 2)) {
						struct bw_case *c = calloc(1, sizeof(*c));
						char name[160];
						gbench_b *b;

						*c = (struct bw_case){ k, m, i, j, nt };
						snprintf(name, sizeof(name), "bw/%s/%s/cpu_node:%d/mem_node:%d",
							 kernel_name[k], numa_mem_name[m], i, j);
						b = gbench_register(name, bm_bw, c);
						gbench_threads(b, nt);
						gbench_use_real_time(b);
						gbench_unit(b, GBENCH_MS);
					}
			}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
