/* tests/vm/vm_bench_numa_matrices.c - the bench suite's NUMA matrices run in full in a
 * multi-node guest (issue 9: "in the 4node guest they run in full"; TCG figures are for
 * correctness only).
 *
 * Runs bench-numa_locality (every layer, every alloc node x free node), bench-numa_bw (triad,
 * numamm 4 KiB memory and numa_alloc_onnode, every cpu node x mem node) and bench-numa_lat
 * (numamm 4 KiB memory and numa_alloc_onnode, 16 KiB and 1 MiB, every pair) with short
 * minimum times, and checks that every (i, j) pair of the guest's nodes ran, none reported an
 * error, every locality object was on the node asked for (on_node=1) and no bandwidth or
 * latency page was found off its node (wrong_node=0). The console tables are echoed.
 */
#include <stdint.h>

#include "vm_guest.h"

static char out[1 << 18];

static int run(const char *cmd)
{
	size_t len = 0, n;
	FILE *p = popen(cmd, "r");

	if (!p)
		return -1;
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = 0;
	printf("---- %s ----\n%s---- end ----\n", cmd, out);
	return pclose(p);
}

/* Does @line hold @token as a whole blank-separated word (a counter at the end of the line has
 * no blank after it)? */
static int has_token(const char *line, const char *token)
{
	size_t tlen = strlen(token);

	for (const char *p = line; (p = strstr(p, token)); p += tlen)
		if ((p == line || p[-1] == ' ') && (p[tlen] == 0 || p[tlen] == ' '))
			return 1;
	return 0;
}

/* Lines of out that start with @prefix: how many, and how many also hold the word @must. */
static int count_lines(const char *prefix, const char *must, int *with)
{
	int n = 0;
	size_t plen = strlen(prefix);

	*with = 0;
	for (const char *l = out; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		if (!strncmp(l, prefix, plen)) {
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), l);
			n++;
			if (has_token(line, must))
				(*with)++;
		}
		l += len + (end ? 1 : 0);
	}
	return n;
}

static void check_pairs(const char *what, const char *fmt, int nodes, const char *must)
{
	for (int i = 0; i < nodes; i++)
		for (int j = 0; j < nodes; j++) {
			char prefix[160];
			int with, n;
			snprintf(prefix, sizeof(prefix), fmt, i, j);
			n = count_lines(prefix, must, &with);
			if (n == 0 || with != n) {
				fprintf(stderr, "%s: %d result line(s) start with \"%s\", %d of them with \"%s\"\n",
					what, n, prefix, with, must);
				test_failures++;
			}
		}
}

int main(void)
{
	struct vm_expect e;
	char cmd[512];
	int nodes = 0;

	vm_expect_load(&e);
	for (int i = 0; i < e.nr_nodes; i++)
		if (e.has_memory[i])
			nodes++;
	if (nodes != e.nr_nodes) {
		printf("skip: a memoryless node (the matrices assume memory on every node)\n");
		return 77;
	}

	/* Locality: a real multi-node guest, so no numa=fake. */
	snprintf(cmd, sizeof(cmd),
		 "NUMAMM_BENCH_LOCALITY_BOOT='mem=%dM hugepages=off' NUMAMM_BENCH_LOCALITY_NODES=%d "
		 "bench-numa_locality --benchmark_min_time=0.005 2>&1", 96 * nodes, nodes);
	CHECK_EQ(run(cmd), 0);
	CHECK(!strstr(out, "ERROR OCCURRED"));
	static const char *const layers[] = { "page", "kmalloc", "vmalloc", "mempool" };
	for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); l++) {
		char fmt[96];
		snprintf(fmt, sizeof(fmt), "locality/%s/alloc_node:%%d/free_node:%%d ", layers[l]);
		check_pairs("locality", fmt, nodes, "on_node=1");
	}

	snprintf(cmd, sizeof(cmd),
		 "NUMAMM_BENCH_BW_MIB=4 bench-numa_bw --benchmark_min_time=0.005 "
		 "--benchmark_filter='^bw/triad/(numamm_4k|numa_alloc_onnode)/' 2>&1");
	CHECK_EQ(run(cmd), 0);
	CHECK(!strstr(out, "ERROR OCCURRED"));
	check_pairs("bandwidth", "bw/triad/numamm_4k/cpu_node:%d/mem_node:%d/", nodes, "wrong_node=0");
	check_pairs("bandwidth", "bw/triad/numa_alloc_onnode/cpu_node:%d/mem_node:%d/", nodes, "wrong_node=0");

	snprintf(cmd, sizeof(cmd),
		 "NUMAMM_BENCH_LAT_MAX_KIB=1024 bench-numa_lat --benchmark_min_time=0.005 "
		 "--benchmark_filter='^lat/(numamm_4k|numa_alloc_onnode)/.*/KiB:(16|1024)$' 2>&1");
	CHECK_EQ(run(cmd), 0);
	CHECK(!strstr(out, "ERROR OCCURRED"));
	check_pairs("latency", "lat/numamm_4k/cpu_node:%d/mem_node:%d/KiB:1024 ", nodes, "wrong_node=0");
	check_pairs("latency", "lat/numa_alloc_onnode/cpu_node:%d/mem_node:%d/KiB:1024 ", nodes, "wrong_node=0");
	return test_done();
}
