/* numa_hugepages_reserve_and_release - as root, growing node 0's 2 MiB pool by 4 is granted
 * and seen by sysfs (total and free), and asking for the old size gives them back.
 * Changes the machine's hugepage pool: serialised by the "hugepages" resource lock.
 */
#include <unistd.h>

#include <numamm/topology.h>

#include "sysfs_probe.h"
#include "test.h"

#define SZ_2M (2ULL << 20)

static struct nmm_numa_topology topo;

int main(void)
{
	struct nmm_hugepage_info before, during, after;
	char path[160];
	long got;
	int node;

	if (geteuid() != 0)
		SKIP("changing nr_hugepages needs root");
	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	node = topo.node[0].phys_node;
	REQUIRE(nmm_numa_hugepages_query(node, SZ_2M, &before) == 0);
	CHECK_EQ(before.page_size, SZ_2M);
	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages", node);

	got = nmm_numa_hugepages_reserve(node, SZ_2M, before.total + 4);
	if (got >= 0 && got < (long)before.total + 4) {
		nmm_numa_hugepages_reserve(node, SZ_2M, before.total);
		SKIP("kernel granted only %ld of %lu hugepages (memory fragmented)", got,
		     before.total + 4);
	}
	CHECK_EQ(got, before.total + 4);
	CHECK_EQ(probe_ulong(path), got);
	REQUIRE(nmm_numa_hugepages_query(node, SZ_2M, &during) == 0);
	CHECK_EQ(during.total, before.total + 4);
	/* the 4 new pages are free; other processes may use the rest of the pool meanwhile,
	 * so free counts are only compared with what this test itself added */
	CHECK(during.free >= 4 && during.free <= during.total);

	got = nmm_numa_hugepages_reserve(node, SZ_2M, before.total);
	CHECK_EQ(got, before.total);
	CHECK_EQ(probe_ulong(path), before.total);
	REQUIRE(nmm_numa_hugepages_query(node, SZ_2M, &after) == 0);
	CHECK_EQ(after.total, before.total);
	CHECK(after.free <= after.total);
	return test_done();
}
