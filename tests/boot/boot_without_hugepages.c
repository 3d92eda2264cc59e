/* boot_without_hugepages: with an empty pool, auto boots on THP and says why; hugepages=on and
 * backing=hugetlb fail at boot with -ENOMEM and a message naming what is missing, leaving
 * nothing booted; a pool too small for a second node is caught for that node. On a machine
 * with more nodes every memory node gets the same memory (mem= is the total) and the same pool,
 * so each real node's pool is shared by its own two fake nodes only. */
#include <errno.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "hugepool.h"

int main(void)
{
	char line[128];
	REQUIRE(set_pool(0) == 0);
	int nodes = pool_nodes();
	snprintf(line, sizeof(line), "mem=%dM", 64 * nodes);   /* "mem=64M" on one node */
	REQUIRE(nmm_boot(line) == 0);
	struct nmm_node_info ni;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		if (!ni.nr_ranges)
			continue;
		CHECK_EQ(ni.backing, NMM_BACKING_THP);
		CHECK(strstr(ni.backing_why, "not enough free hugepages") != NULL);
	}
	nmm_shutdown();

	snprintf(line, sizeof(line), "mem=%dM hugepages=on", 64 * nodes);
	CHECK_EQ(nmm_boot(line), -ENOMEM);
	CHECK(strstr(nmm_boot_strerror(), "hugetlb needs 32 free 2 MiB pages on node 0, 0 are free"));
	CHECK(!nmm_booted());
	snprintf(line, sizeof(line), "mem=%dM backing=hugetlb", 64 * nodes);
	CHECK_EQ(nmm_boot(line), -ENOMEM);
	CHECK(!nmm_booted());

	/* 20 pages per real node: enough for its first fake node (16), not for its second as well.
	 * Auto: fake nodes 0, 2, ... hugetlb, 1, 3, ... thp. */
	long got = set_pool(20);
	if (got != 20)
		SKIP("the kernel granted %ld of 20 hugepages", got);
	snprintf(line, sizeof(line), "mem=%dM numa=fake=2", 64 * nodes);
	REQUIRE(nmm_boot(line) == 0);
	CHECK_EQ(nr_node_ids, 2 * nmm_topology()->nr_phys_nodes);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		if (!ni.nr_ranges)
			continue;
		CHECK_EQ(ni.mem_bytes, 16 * HUGE_2M);
		CHECK_EQ(ni.backing, nid % 2 ? NMM_BACKING_THP : NMM_BACKING_HUGETLB);
	}
	nmm_shutdown();
	snprintf(line, sizeof(line), "mem=%dM numa=fake=2 hugepages=on", 64 * nodes);
	CHECK_EQ(nmm_boot(line), -ENOMEM);
	CHECK(strstr(nmm_boot_strerror(), "node 1: hugetlb needs 16 free 2 MiB pages on node 0, 4 are free"));
	return test_done();
}
