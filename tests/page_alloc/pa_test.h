/* tests/page_alloc/pa_test.h - helpers for the page allocator's tests: zone walks, snapshots
 * of free counts, and the validity check every test ends with. */
#ifndef NUMAMM_TESTS_PA_TEST_H
#define NUMAMM_TESTS_PA_TEST_H

#include <errno.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/numamm.h>

#include "page_alloc/internal.h"
#include "test.h"

#define for_each_test_zone(nid, z, zone)                                          \
	for (nid = 0; nid < nr_node_ids; nid++)                                   \
		for (z = 0; z < MAX_NR_ZONES; z++)                                \
			if (!populated_zone(zone = &NODE_DATA(nid)->node_zones[z])) {} else

/* Every zone's free lists satisfy their invariants. */
static inline bool all_zones_valid(void)
{
	int nid, z;
	struct zone *zone;
	bool ok = true;
	for_each_test_zone(nid, z, zone)
		ok &= nmm_zone_is_valid(zone, stderr);
	return ok;
}

/* Free pages of the whole system with pcp lists drained into the buddy. */
static inline unsigned long drained_free_pages(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

static inline unsigned long zone_free(struct zone *zone)
{
	drain_all_pages(zone);
	return (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
}

#endif
