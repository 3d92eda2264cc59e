/* boot_without_hugepages: with an empty pool, auto boots on THP and says why; hugepages=on and
 * backing=hugetlb fail at boot with -ENOMEM and a message naming what is missing, leaving
 * nothing booted; a pool too small for a second node is caught for that node. */
#include <errno.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "hugepool.h"

int main(void)
{
	REQUIRE(set_pool(0) == 0);
	REQUIRE(nmm_boot("mem=64M") == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_THP);
	CHECK(strstr(ni.backing_why, "not enough free hugepages") != NULL);
	nmm_shutdown();

	CHECK_EQ(nmm_boot("mem=64M hugepages=on"), -ENOMEM);
	CHECK(strstr(nmm_boot_strerror(), "hugetlb needs 32 free 2 MiB pages on node 0, 0 are free"));
	CHECK(!nmm_booted());
	CHECK_EQ(nmm_boot("mem=64M backing=hugetlb"), -ENOMEM);
	CHECK(!nmm_booted());

	/* 20 pages: enough for fake node 0 (16), not for node 1 as well. Auto: node 0 hugetlb, node 1 thp. */
	long got = set_pool(20);
	if (got != 20)
		SKIP("the kernel granted %ld of 20 hugepages", got);
	REQUIRE(nmm_boot("mem=64M numa=fake=2") == 0);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_HUGETLB);
	REQUIRE(nmm_node_info(1, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_THP);
	nmm_shutdown();
	CHECK_EQ(nmm_boot("mem=64M numa=fake=2 hugepages=on"), -ENOMEM);
	CHECK(strstr(nmm_boot_strerror(), "node 1: hugetlb needs 16 free 2 MiB pages on node 0, 4 are free"));
	return test_done();
}
