/* numa_topology_matches_sysfs - the loaded topology is the one the kernel publishes:
 * memory nodes, each node's CPU list and MemTotal, hugepage pools, online and possible CPUs.
 */
#include <numamm/numa.h>

#include "sysfs_probe.h"
#include "test.h"

static struct nmm_numa_topology topo;
static int ids[NMM_MAX_CPUS + 1];

int main(void)
{
	int mem_nodes[NMM_MAX_NODES + 1], nr_mem, nr_online, nr_possible;
	char path[160];

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);

	/* hwloc's NUMA nodes are the nodes with memory; logical ids are them in OS id order. */
	nr_mem = probe_list_file("/sys/devices/system/node/has_memory", mem_nodes, NMM_MAX_NODES + 1);
	REQUIRE(nr_mem > 0);
	CHECK_EQ(topo.nr_phys_nodes, nr_mem);
	CHECK_EQ(topo.nr_nodes, nr_mem);
	CHECK_EQ(topo.fake, 0);

	int cpus_seen = 0;
	for (int i = 0; i < topo.nr_nodes && i < nr_mem; i++) {
		const struct nmm_numa_node *nd = &topo.node[i];
		int n;

		CHECK_EQ(nd->id, i);
		CHECK_EQ(nd->phys_node, mem_nodes[i]);
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", nd->phys_node);
		n = probe_list_file(path, ids, NMM_MAX_CPUS + 1);
		REQUIRE(n >= 0);
		CHECK_EQ(nd->nr_cpus, n);
		for (int c = 0; c < n && c < nd->nr_cpus; c++) {
			CHECK_EQ(nd->cpus[c], ids[c]);
			CHECK_EQ(topo.cpu_to_node[ids[c]], i);
		}
		cpus_seen += nd->nr_cpus;
		CHECK_EQ(nd->mem_total, probe_node_meminfo(nd->phys_node, "MemTotal"));
		CHECK(nd->mem_free > 0 && nd->mem_free <= nd->mem_total);

		CHECK_EQ(nd->huge[0].page_size, 2ULL << 20);
		CHECK_EQ(nd->huge[1].page_size, 1ULL << 30);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages",
			 nd->phys_node);
		long nr2m = probe_ulong(path);
		if (nr2m >= 0)
			CHECK_EQ(nd->huge[0].total, nr2m);
		CHECK(nd->huge[0].free <= nd->huge[0].total);
	}

	nr_online = probe_list_file("/sys/devices/system/cpu/online", ids, NMM_MAX_CPUS + 1);
	REQUIRE(nr_online > 0);
	CHECK_EQ(topo.nr_cpus, nr_online);
	CHECK_EQ(cpus_seen, nr_online);
	for (int c = 0; c < nr_online; c++)
		CHECK(topo.cpu_to_node[ids[c]] >= 0);

	nr_possible = probe_list_file("/sys/devices/system/cpu/possible", ids, NMM_MAX_CPUS + 1);
	REQUIRE(nr_possible > 0);
	CHECK_EQ(topo.max_cpu, ids[nr_possible - 1] + 1);
	for (int c = topo.max_cpu; c < NMM_MAX_CPUS; c++)
		CHECK_EQ(topo.cpu_to_node[c], -1);

	CHECK(topo.cpu_model[0] != '\0');
	return test_done();
}
