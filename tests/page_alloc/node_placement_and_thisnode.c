/* node_placement_and_thisnode: with numa=fake=4, alloc_pages_node(nid) takes pages from nid;
 * when nid runs out, allocations fall back to the nearest node by distance (zonelist order) and
 * count numa_miss there and numa_foreign at home, while __GFP_THISNODE fails instead; pages of
 * every node are really placed on the (real) node backing it. */
#include "pa_test.h"
#include "stats/stats.h"

static struct page *held[70000];

int main(void)
{
	REQUIRE(nmm_boot("memmap=32M@0x100000000:0,32M@0x140000000:1,32M@0x180000000:2,32M@0x1c0000000:3 numa=fake=4") == 0);
	REQUIRE(nr_node_ids == 4);
	for (int nid = 0; nid < 4; nid++) {
		struct page *p = alloc_pages_node(nid, GFP_KERNEL, 0);
		REQUIRE(p);
		CHECK_EQ(page_to_nid(p), nid);
		unsigned long on = 0;
		*(volatile char *)page_address(p) = 1;
		CHECK_EQ(nmm_numa_verify(page_address(p), PAGE_SIZE, nmm_topology()->node[nid].phys_node, &on, NULL, NULL), 0);
		CHECK_EQ(on, 1);
		__free_page(p);
	}
	/* Exhaust node 2 with __GFP_THISNODE: it fails rather than leaving the node. */
	int n = 0;
	while (n < 70000 && (held[n] = alloc_pages_node(2, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))) {
		CHECK_EQ(page_to_nid(held[n]), 2);
		n++;
	}
	CHECK(n > 0 && n < 70000);
	/* Without it, node 2's next pages come from node 1 (distance 12, lower id wins over 3). */
	struct zone *z1 = &NODE_DATA(1)->node_zones[ZONE_NORMAL];
	struct page *p = alloc_pages_node(2, GFP_KERNEL | __GFP_NOWARN, 0);
	REQUIRE(p);
	CHECK_EQ(page_to_nid(p), 1);
	struct zone_cpu_events ev1, ev2;
	nmm_zone_events(z1, &ev1);
	nmm_zone_events(&NODE_DATA(2)->node_zones[ZONE_NORMAL], &ev2);
	unsigned long miss = ev1.numa_miss, foreign = ev2.numa_foreign;
	CHECK(miss >= 1);
	CHECK(foreign >= 1);
	__free_page(p);
	while (n--)
		__free_page(held[n]);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
