/* tests/vm/vm_numa_nodes_and_placement.c - the guest kernel's NUMA view equals what QEMU was told.
 *
 * Runs inside the test guest (tools/vm/run-guest) in every topology, before anything of numamm:
 * it proves the rig, so a numamm test failing in the guest is numamm's fault, not the guest's.
 *   - /sys/devices/system/node: the online nodes, which have memory and CPUs, each node's
 *     cpulist and distance row are exactly the runner's topology (an asymmetric SLIT included);
 *   - placement: on every memory node, mbind(MPOL_BIND) + first touch puts every page there and
 *     move_pages() says so; move_pages() can migrate them to another memory node; binding to a
 *     memoryless node is refused with EINVAL;
 *   - CPUs: pinned with sched_setaffinity, getcpu() reports the expected CPU and node, and a
 *     default-policy first touch lands on the CPU's node - or, on a memoryless node, on the
 *     nearest node that has memory.
 * Raw syscalls only: this must not depend on libnuma getting things right.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "vm_guest.h"

#define NPAGES 64

static long page_size;

static long sys_mbind(void *addr, size_t len, int mode, unsigned long mask)
{
	return syscall(SYS_mbind, addr, len, mode, &mask, 8 * sizeof(mask), 0);
}

/* Where are the NPAGES pages at @p? Fills @status (node or -errno per page). */
static int where(char *p, int *status)
{
	void *pages[NPAGES];

	for (int i = 0; i < NPAGES; i++)
		pages[i] = p + i * page_size;
	return (int)syscall(SYS_move_pages, 0, NPAGES, pages, NULL, status, 0);
}

static int count_on(const int *status, int node)
{
	int n = 0;

	for (int i = 0; i < NPAGES; i++)
		n += status[i] == node;
	return n;
}

static void check_sysfs(const struct vm_expect *e)
{
	char path[128], buf[512], want[512];
	int map[VM_MAX_CPUS];

	REQUIRE(vm_read_line("/sys/devices/system/node/online", buf, sizeof(buf)));
	CHECK(vm_parse_list(buf, map, VM_MAX_NODES) == 0);
	for (int n = 0; n < VM_MAX_NODES; n++)
		CHECK_EQ(map[n], n < e->nr_nodes);

	REQUIRE(vm_read_line("/sys/devices/system/node/has_memory", buf, sizeof(buf)));
	CHECK(vm_parse_list(buf, map, VM_MAX_NODES) == 0);
	for (int n = 0; n < e->nr_nodes; n++)
		if (map[n] != e->has_memory[n]) {
			fprintf(stderr, "node %d: has_memory=%d, expected %d\n", n, map[n], e->has_memory[n]);
			test_failures++;
		}

	for (int n = 0; n < e->nr_nodes; n++) {
		int len = 0;

		for (int j = 0; j < e->nr_nodes; j++)
			len += snprintf(want + len, sizeof(want) - len, "%s%d", j ? " " : "", e->dist[n][j]);
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", n);
		REQUIRE(vm_read_line(path, buf, sizeof(buf)));
		if (strcmp(buf, want)) {
			fprintf(stderr, "node %d distance row \"%s\", expected \"%s\"\n", n, buf, want);
			test_failures++;
		}

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", n);
		REQUIRE(vm_read_line(path, buf, sizeof(buf)));
		CHECK(vm_parse_list(buf, map, VM_MAX_CPUS) == 0);
		for (int c = 0; c < VM_MAX_CPUS; c++) {
			int expected = c < e->nr_cpus && e->cpu_node[c] == n;

			if (map[c] != expected) {
				fprintf(stderr, "node %d cpulist \"%s\": cpu %d %s\n", n, buf, c,
					expected ? "missing" : "unexpected");
				test_failures++;
			}
		}
	}
}

static void check_bind_and_migrate(const struct vm_expect *e)
{
	size_t len = NPAGES * page_size;
	int status[NPAGES], nodes[NPAGES];

	for (int n = 0; n < e->nr_nodes; n++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int to = -1;

		REQUIRE(p != MAP_FAILED);
		if (!e->has_memory[n]) {
			errno = 0;
			CHECK(sys_mbind(p, len, MPOL_BIND, 1UL << n) == -1 && errno == EINVAL);
			munmap(p, len);
			continue;
		}
		REQUIRE(sys_mbind(p, len, MPOL_BIND, 1UL << n) == 0);
		memset(p, 0x5a, len);
		REQUIRE(where(p, status) == 0);
		if (count_on(status, n) != NPAGES) {
			fprintf(stderr, "node %d: bound and touched %d pages, %d are on it (page 0 on %d)\n",
				n, NPAGES, count_on(status, n), status[0]);
			test_failures++;
		}

		/* Migrate to the next memory node: the query must follow the pages. */
		for (int k = 1; k < e->nr_nodes && to < 0; k++)
			if (e->has_memory[(n + k) % e->nr_nodes])
				to = (n + k) % e->nr_nodes;
		if (to >= 0) {
			void *pages[NPAGES];

			/* The binding to n would pull them back on the next fault: unbind first. */
			REQUIRE(syscall(SYS_mbind, p, len, MPOL_DEFAULT, NULL, 0, 0) == 0);
			for (int i = 0; i < NPAGES; i++) {
				pages[i] = p + i * page_size;
				nodes[i] = to;
			}
			CHECK(syscall(SYS_move_pages, 0, NPAGES, pages, nodes, status, MPOL_MF_MOVE) == 0);
			REQUIRE(where(p, status) == 0);
			if (count_on(status, to) != NPAGES) {
				fprintf(stderr, "node %d -> %d: %d of %d pages moved\n", n, to,
					count_on(status, to), NPAGES);
				test_failures++;
			}
			CHECK(p[len - 1] == 0x5a && p[0] == 0x5a);
		}
		printf("node %d: %d pages bound and placed%s", n, NPAGES, to >= 0 ? "" : "\n");
		if (to >= 0)
			printf(", migrated to node %d\n", to);
		munmap(p, len);
	}
}

/* The node a default-policy first touch on a CPU of @node must land on. */
static int nearest_memory_node(const struct vm_expect *e, int node)
{
	int best = -1;

	for (int m = 0; m < e->nr_nodes; m++)
		if (e->has_memory[m] && (best < 0 || e->dist[node][m] < e->dist[node][best]))
			best = m;
	return best;
}

static void check_cpus(const struct vm_expect *e)
{
	size_t len = NPAGES * page_size;
	int status[NPAGES];

	CHECK_EQ(sysconf(_SC_NPROCESSORS_ONLN), e->nr_cpus);
	for (int c = 0; c < e->nr_cpus; c++) {
		unsigned int cpu = ~0u, node = ~0u;
		int want = nearest_memory_node(e, e->cpu_node[c]);
		cpu_set_t set;
		char *p;

		CPU_ZERO(&set);
		CPU_SET(c, &set);
		REQUIRE(sched_setaffinity(0, sizeof(set), &set) == 0);
		REQUIRE(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
		CHECK_EQ(cpu, c);
		CHECK_EQ(node, e->cpu_node[c]);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		REQUIRE(p != MAP_FAILED);
		memset(p, 1, len);
		REQUIRE(where(p, status) == 0);
		if (count_on(status, want) != NPAGES) {
			fprintf(stderr, "cpu %d (node %d): first touch put %d of %d pages on node %d "
				"(page 0 on %d)\n", c, e->cpu_node[c], count_on(status, want), NPAGES,
				want, status[0]);
			test_failures++;
		}
		printf("cpu %d -> node %u; first touch lands on node %d\n", c, node, status[0]);
		munmap(p, len);
	}
}

int main(void)
{
	struct vm_expect e;

	vm_expect_load(&e);
	page_size = sysconf(_SC_PAGESIZE);
	printf("topology %s: %d nodes, %d cpus\n", e.topo, e.nr_nodes, e.nr_cpus);
	check_sysfs(&e);
	check_bind_and_migrate(&e);
	check_cpus(&e);
	return test_done();
}
