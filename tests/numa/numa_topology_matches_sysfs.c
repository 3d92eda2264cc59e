/* numa_topology_matches_sysfs - the loaded topology is the one the kernel publishes:
 * the nodes with CPUs or memory (memoryless CPU nodes included, as in the kernel), each node's
 * CPU list and MemTotal, hugepage pools, online and possible CPUs.
 */
#include <numamm/topology.h>

#include "sysfs_probe.h"
#include "test.h"

static struct nmm_numa_topology topo;
static int ids[NMM_MAX_CPUS + 1];

int main(void)
{
	int mem_nodes[NMM_MAX_NODES + 1], cpu_nodes[NMM_MAX_NODES + 1], nodes[NMM_MAX_NODES + 1];
	int nr_mem, nr_cpu_nodes, nr = 0, nr_online, nr_possible;
	char path[160];

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);

	/* the nodes: has_cpu | has_memory, and logical ids are them in OS id order */
	nr_mem = probe_list_file("/sys/devices/system/node/has_memory", mem_nodes, NMM_MAX_NODES + 1);
	nr_cpu_nodes = probe_list_file("/sys/devices/system/node/has_cpu", cpu_nodes,
				       NMM_MAX_NODES + 1);
	REQUIRE(nr_mem > 0 && nr_cpu_nodes > 0);
	for (int id = 0, a = 0, b = 0; a < nr_mem || b < nr_cpu_nodes; id++) {
		bool in = false;

		if (a < nr_mem && mem_nodes[a] == id)
			in = true, a++;
		if (b < nr_cpu_nodes && cpu_nodes[b] == id)
			in = true, b++;
		if (in)
			nodes[nr++] = id;
	}
	CHECK_EQ(topo.nr_phys_nodes, nr);
	CHECK_EQ(topo.nr_nodes, nr);
	CHECK_EQ(topo.fake, 0);

	int cpus_seen = 0;
	for (int i = 0; i < topo.nr_nodes && i < nr; i++) {
		const struct nmm_numa_node *nd = &topo.node[i];
		int n;

		CHECK_EQ(nd->id, i);
		CHECK_EQ(nd->phys_node, nodes[i]);
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
		CHECK(nd->mem_free <= nd->mem_total);
		CHECK(nd->mem_total == 0 || nd->mem_free > 0);

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
