/* node_placement_and_thisnode: with numa=fake=4, alloc_pages_node(nid) takes pages from nid;
 * when nid runs out, allocations fall back to the nearest node by distance (zonelist order) and
 * count numa_miss there and numa_foreign at home, while __GFP_THISNODE fails instead; pages of
 * every node are really placed on the (real) node backing it. Every real node is split in four,
 * each logical node gets 32M on its own 1 GiB boundary above 4G, and the node node 2 falls back
 * to is the nearest by node_distance() (ties by id): node 1 on a one-node host. */
#include "pa_test.h"
#include "stats/stats.h"

static struct page *held[70000];

int main(void)
{
	static struct nmm_numa_topology topo;
	char line[2048];
	int len = 0;
	REQUIRE(nmm_numa_topology_load(&topo, 4) == 0);
	for (int nid = 0; nid < topo.nr_nodes; nid++)
		if (!topo.node[nid].mem_total)
			SKIP("node %d has no memory: the test gives every node 32M", nid);
	/* "memmap=32M@0x100000000:0,32M@0x140000000:1,... numa=fake=4" */
	len += snprintf(line + len, sizeof(line) - len, "memmap=");
	for (int nid = 0; nid < topo.nr_nodes; nid++)
		len += snprintf(line + len, sizeof(line) - len, "%s32M@%#llx:%d", nid ? "," : "",
				0x100000000ULL + 0x40000000ULL * (unsigned)nid, nid);
	snprintf(line + len, sizeof(line) - len, " numa=fake=4");
	REQUIRE(nmm_boot(line) == 0);
	REQUIRE(nr_node_ids == topo.nr_nodes && nr_node_ids % 4 == 0);
	for (int nid = 0; nid < nr_node_ids; nid++) {
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
	/* Without it, node 2's next pages come from node 1 (distance 12, lower id wins over 3),
	 * or whichever node is nearest by the SLIT. */
	int next = -1;
	for (int j = 0; j < nr_node_ids; j++)
		if (j != 2 && (next < 0 || node_distance(2, j) < node_distance(2, next)))
			next = j;
	if (next != 1)
		printf("node 2 falls back to node %d (distance %d), not node 1\n", next, node_distance(2, next));
	if (nmm_topology()->nr_phys_nodes == 1)
		CHECK_EQ(next, 1);
	struct zone *z1 = &NODE_DATA(next)->node_zones[ZONE_NORMAL];
	struct page *p = alloc_pages_node(2, GFP_KERNEL | __GFP_NOWARN, 0);
	REQUIRE(p);
	CHECK_EQ(page_to_nid(p), next);
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
