/* lib/boot/zones.c - nodes (pg_data_t), their zones, and zonelists (mm/mm_init.c, page_alloc.c).
 *
 * Zones are carved from physical addresses: ZONE_DMA [0, 16 MiB), ZONE_DMA32 [16 MiB, 4 GiB),
 * ZONE_NORMAL [4 GiB, lowmem limit), ZONE_HIGHMEM [lowmem limit, end). A node spans, per zone,
 * from its lowest to its highest page in that zone; present pages exclude holes.
 *
 * Zonelists use node ordering, as the kernel has since 4.14: the fallback list visits nodes
 * nearest first (the node itself, then by SLIT distance, ties broken by lower node id), and
 * within each node its zones from the highest down. Memoryless nodes contribute no zones, so
 * their fallback list starts at the nearest node with memory. The NOFALLBACK list
 * (__GFP_THISNODE) holds only the node's own zones.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>

#include "boot.h"

struct pglist_data *nmm_node_data[MAX_NUMNODES];

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "HighMem" };

const char *nmm_zone_name(enum zone_type idx)
{
	return (unsigned)idx < MAX_NR_ZONES ? zone_names[idx] : "?";
}

/* [start, end) pfns of zone @z, from the physical boundaries and the lowmem limit. */
static void zone_bounds(int z, unsigned long *start, unsigned long *end)
{
	unsigned long low = (unsigned long)PFN_DOWN(nmm_lowmem_limit);
	unsigned long b[] = { 0, PFN_DOWN(16ULL << 20), PFN_DOWN(4ULL << 30), ~0UL };
	if (z == ZONE_HIGHMEM) {
		*start = low;
		*end = ~0UL;
		return;
	}
	*start = b[z] < low ? b[z] : low;
	*end = b[z + 1] < low ? b[z + 1] : low;
}

static void init_node_zones(pg_data_t *pgdat, const struct nmm_arena *a)
{
	unsigned long node_start = ~0UL, node_end = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long zs, ze, lo = ~0UL, hi = 0, present = 0;
		zone_bounds(z, &zs, &ze);
		for (int r = 0; r < a->nr_ranges; r++) {
			unsigned long rs = PFN_DOWN(a->range[r].start), re = PFN_DOWN(a->range[r].end);
			unsigned long s = rs > zs ? rs : zs, e = re < ze ? re : ze;
			if (s >= e)
				continue;
			present += e - s;
			lo = s < lo ? s : lo;
			hi = e > hi ? e : hi;
		}
		zone->node = pgdat->node_id;
		zone->zone_pgdat = pgdat;
		zone->name = zone_names[z];
		zone->present_pages = present;
		zone->zone_start_pfn = present ? lo : 0;
		zone->spanned_pages = present ? hi - lo : 0;
		if (present) {
			pgdat->nr_zones = z + 1;
			node_start = lo < node_start ? lo : node_start;
			node_end = hi > node_end ? hi : node_end;
			pgdat->node_present_pages += present;
		}
	}
	pgdat->node_start_pfn = node_end ? node_start : 0;
	pgdat->node_spanned_pages = node_end ? node_end - node_start : 0;
}

static void build_zonelists(pg_data_t *pgdat)
{
	int order[NMM_MAX_NODES];
	int n = nmm_numa_nodes_by_distance(&nmm_topo, pgdat->node_id, order);
	struct zoneref *zr = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	for (int i = 0; i < n; i++) {
		pg_data_t *other = NODE_DATA(order[i]);
		for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
			if (populated_zone(&other->node_zones[z]))
				*zr++ = (struct zoneref){ &other->node_zones[z], z };
	}
	*zr = (struct zoneref){ NULL, 0 };
	zr = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
		if (populated_zone(&pgdat->node_zones[z]))
			*zr++ = (struct zoneref){ &pgdat->node_zones[z], z };
	*zr = (struct zoneref){ NULL, 0 };
}

int nmm_zones_init(char *err, size_t errlen)
{
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++) {
		/* Node data lives on its node when the node has memory; elsewhere otherwise. */
		pg_data_t *pgdat = memblock_alloc_try_nid(sizeof(*pgdat), 64, MEMBLOCK_LOW_LIMIT,
							  MEMBLOCK_ALLOC_ACCESSIBLE, nid);
		if (!pgdat) {
			snprintf(err, errlen, "no lowmem for node %d's pg_data_t", nid);
			return -ENOMEM;
		}
		pgdat->node_id = nid;
		nmm_node_data[nid] = pgdat;
		init_node_zones(pgdat, &nmm_layout.arena[nid]);
	}
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++)
		build_zonelists(NODE_DATA(nid));
	return 0;
}

void nmm_zones_release(void)
{
	memset(nmm_node_data, 0, sizeof(nmm_node_data));
}
