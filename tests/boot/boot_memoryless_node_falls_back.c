/* boot_memoryless_node_falls_back: a node without memory (node_mem=...,0) is online, has a
 * pg_data_t with no populated zone and an empty NOFALLBACK list, and its fallback zonelist
 * starts at the nearest node that has memory. numa=fake=3 splits every real node into three
 * and node_mem= gives 64M,0,64M to each real node's three, so on any machine fake nodes 1, 4,
 * 7, ... are memoryless; each one's zonelist visits the memory nodes in (distance, id) order. */
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

int main(void)
{
	static struct nmm_numa_topology topo;
	char line[512];
	int len;
	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	for (int i = 0; i < topo.nr_nodes; i++)
		if (!topo.node[i].mem_total)
			SKIP("node %d has no memory: the test needs memory on every real node", i);
	len = snprintf(line, sizeof(line), "numa=fake=3 node_mem=");
	for (int i = 0; i < topo.nr_nodes; i++)   /* "numa=fake=3 node_mem=64M,0,64M" on one node */
		len += snprintf(line + len, sizeof(line) - len, "%s64M,0,64M", i ? "," : "");
	REQUIRE(nmm_boot(line) == 0);
	REQUIRE(nr_node_ids == 3 * topo.nr_nodes);

	for (int nid = 1; nid < nr_node_ids; nid += 3) {
		CHECK(node_online(nid));
		CHECK(!node_state_memory(nid));
		CHECK(node_state_memory(nid - 1) && node_state_memory(nid + 1));
		pg_data_t *pg = NODE_DATA(nid);
		REQUIRE(pg != NULL);
		CHECK_EQ(pg->node_present_pages, 0);
		CHECK_EQ(pg->nr_zones, 0);
		CHECK(pg->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs[0].zone == NULL);
		struct zoneref *zr = pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
		REQUIRE(zr[0].zone != NULL);
		/* Its siblings nid-1 and nid+1 are both at distance 12: the tie goes to nid-1 (unless
		 * the SLIT puts another real node as near, as QEMU's guests do not). */
		int near_remote = 0;
		for (int j = 0; j < nr_node_ids; j++)
			near_remote |= j / 3 != nid / 3 && node_distance(nid, j) <= 12;
		CHECK_EQ(node_distance(nid, nid - 1), 12);
		CHECK_EQ(node_distance(nid, nid + 1), 12);
		if (!near_remote)
			CHECK_EQ(zr[0].zone->node, nid - 1);
		/* The whole list: the memory nodes by (distance, id), each one once (on one real node:
		 * 0 then 2). */
		int want[NMM_MAX_NODES], nw = 0, got[NMM_MAX_NODES], ng = 0;
		for (int d = 0; d < 256; d++)
			for (int j = 0; j < nr_node_ids; j++)
				if (node_distance(nid, j) == d && node_state_memory(j))
					want[nw++] = j;
		for (; zr->zone && ng < NMM_MAX_NODES; zr++)
			if (!ng || got[ng - 1] != zr->zone->node)
				got[ng++] = zr->zone->node;
		CHECK_EQ(ng, nw);
		for (int k = 0; k < ng && k < nw; k++)
			if (got[k] != want[k]) {
				fprintf(stderr, "node %d zonelist: %d-th node %d, want %d\n", nid, k, got[k], want[k]);
				test_failures++;
			}
		if (!near_remote)
			CHECK(ng >= 2 && got[0] == nid - 1 && got[1] == nid + 1);
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		CHECK_EQ(ni.backing, NMM_BACKING_NONE);
		CHECK_EQ(ni.nr_ranges, 0);
	}
	nmm_shutdown();
	return test_done();
}
