/* boot_fake4_nodes_and_zonelists: numa=fake=4 boots four logical nodes, each with its own
 * memory, memory map and pg_data_t; every node's zonelist visits nodes nearest first (itself,
 * then by distance, ties to the lower id), highest zone first within a node; the NOFALLBACK
 * list holds only the node's own zones; CPUs map to the nodes numa/ dealt them to. */
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define MiB (1ULL << 20)

int main(void)
{
	REQUIRE(nmm_boot("mem=1G numa=fake=4") == 0);
	const struct nmm_numa_topology *t = nmm_topology();
	REQUIRE(t && t->nr_nodes == 4 * t->nr_phys_nodes);
	CHECK_EQ(nr_node_ids, t->nr_nodes);

	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		CHECK_EQ(ni.mem_bytes, 1024 * MiB / (uint64_t)nr_node_ids);
		CHECK(node_state_memory(nid));
		pg_data_t *pg = NODE_DATA(nid);
		CHECK_EQ(pg->node_id, nid);
		CHECK_EQ(page_to_nid(virt_to_page(pg)), nid);   /* node data lives on its node */
		CHECK_EQ(pg->node_present_pages, ni.mem_bytes / PAGE_SIZE);

		/* Expected node order: sort by (distance, id). */
		int order[NMM_MAX_NODES], n = 0;
		for (int d = 0; d < 256; d++)
			for (int j = 0; j < nr_node_ids; j++)
				if (node_distance(nid, j) == d)
					order[n++] = j;
		CHECK_EQ(n, nr_node_ids);
		CHECK_EQ(order[0], nid);

		struct zoneref *zr = pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
		int at = 0;
		for (int k = 0; k < n; k++) {
			pg_data_t *o = NODE_DATA(order[k]);
			for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
				if (!populated_zone(&o->node_zones[z]))
					continue;
				if (zr[at].zone != &o->node_zones[z] || zr[at].zone_idx != z)
					fprintf(stderr, "node %d zonelist[%d]: want %s/%d\n", nid, at,
						nmm_zone_name(z), order[k]), test_failures++;
				at++;
			}
		}
		CHECK(zr[at].zone == NULL);
		struct zoneref *own = pg->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
		for (; own->zone; own++)
			CHECK_EQ(own->zone->node, nid);
	}
	/* Within one real node, fake distances grow with the gap: 10, 12, 14, 16. */
	CHECK_EQ(node_distance(0, 0), 10);
	CHECK_EQ(node_distance(0, 1), 12);
	CHECK_EQ(node_distance(0, 3), 16);
	CHECK_EQ(node_distance(3, 1), 14);
	/* Between real nodes, the real SLIT distance, whatever the fake indexes. */
	for (int i = 0; i < nr_node_ids; i++)
		for (int j = 0; j < nr_node_ids; j++)
			if (i / 4 != j / 4)
				CHECK_EQ(node_distance(i, j), t->distance[i / 4 * 4][j / 4 * 4]);
	/* Node 2's order: 2, then 1 and 3 (12, tie → lower id first), then 0 (14); then, on a
	 * machine with more real nodes, the fake nodes of the others - when the SLIT puts them at
	 * least 14 away (QEMU's guests: 16 and more), else the loop above has checked the order. */
	int near_remote = 0;
	for (int j = 4; j < nr_node_ids; j++)
		near_remote |= node_distance(2, j) < 14;
	struct zoneref *zr = NODE_DATA(2)->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	int seen[NMM_MAX_NODES], ns = 0;
	for (; zr->zone && ns < NMM_MAX_NODES; zr++)
		if (!ns || seen[ns - 1] != zr->zone->node)
			seen[ns++] = zr->zone->node;
	CHECK_EQ(ns, nr_node_ids);
	if (!near_remote) {
		CHECK(ns >= 4 && seen[0] == 2 && seen[1] == 1 && seen[2] == 3 && seen[3] == 0);
		for (int k = 4; k < ns; k++)
			CHECK(seen[k] >= 4);
	}
	for (int c = 0; c < t->max_cpu; c++)
		if (t->cpu_to_node[c] >= 0)
			CHECK_EQ(cpu_to_node(c), t->cpu_to_node[c]);
	nmm_shutdown();
	return test_done();
}
