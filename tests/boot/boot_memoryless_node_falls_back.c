/* boot_memoryless_node_falls_back: a node without memory (node_mem=...,0) is online, has a
 * pg_data_t with no populated zone and an empty NOFALLBACK list, and its fallback zonelist
 * starts at the nearest node that has memory. */
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

int main(void)
{
	REQUIRE(nmm_boot("numa=fake=3 node_mem=64M,0,64M") == 0);
	CHECK(node_online(1));
	CHECK(!node_state_memory(1));
	CHECK(node_state_memory(0) && node_state_memory(2));
	pg_data_t *pg = NODE_DATA(1);
	REQUIRE(pg != NULL);
	CHECK_EQ(pg->node_present_pages, 0);
	CHECK_EQ(pg->nr_zones, 0);
	CHECK(pg->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs[0].zone == NULL);
	struct zoneref *zr = pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	REQUIRE(zr[0].zone != NULL);
	/* Nodes 0 and 2 are both at distance 12 from 1: the tie goes to node 0. */
	CHECK_EQ(zr[0].zone->node, 0);
	int last = -1;
	for (; zr->zone; zr++)
		last = zr->zone->node;
	CHECK_EQ(last, 2);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(1, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_NONE);
	CHECK_EQ(ni.nr_ranges, 0);
	nmm_shutdown();
	return test_done();
}
