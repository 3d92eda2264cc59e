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
 *
 * Hot-add can populate a zone that was empty (a node with only DMA/DMA32 gets ZONE_NORMAL), and
 * then every zonelist is rebuilt while allocators walk them without a lock. The kernel retries
 * walks under zonelist_update_seq; here the writer keeps every state a walker can see usable
 * instead: the new list is the old one with zones inserted, written from its end backwards (so
 * the new terminator is in place before the old one is overwritten), one pointer store per
 * slot; walkers take a zone's index from the zone, never from the zoneref
 * (for_each_zone_zonelist), so a slot read mid-rewrite costs at most a zone skipped or seen
 * twice, never a zone above the request's highest zone.
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
		if (!present && z == ZONE_NORMAL && a->hp_end > a->hp_start)
			zone->zone_start_pfn = PFN_DOWN(a->hp_start);   /* hot-add will populate it */
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

static int node_zonerefs(pg_data_t *pgdat, struct zoneref *zr)
{
	int n = 0;
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
		if (populated_zone(&pgdat->node_zones[z]))
			zr[n++] = (struct zoneref){ &pgdat->node_zones[z], z };
	return n;
}

/* Write @want (terminated) over the live list @live so that walkers stay safe (see the top). */
static void publish_zonelist(struct zonelist *live, const struct zoneref *want, int n)
{
	struct zoneref *zr = live->_zonerefs;
	__atomic_store_n(&zr[n].zone_idx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zr[n].zone, NULL, __ATOMIC_RELEASE);
	for (int i = n - 1; i >= 0; i--) {
		__atomic_store_n(&zr[i].zone_idx, want[i].zone_idx, __ATOMIC_RELAXED);
		__atomic_store_n(&zr[i].zone, want[i].zone, __ATOMIC_RELEASE);
	}
}

static void build_zonelists(pg_data_t *pgdat)
{
	int order[NMM_MAX_NODES];
	struct zoneref want[MAX_ZONES_PER_ZONELIST + 1];
	int n = nmm_numa_nodes_by_distance(&nmm_topo, pgdat->node_id, order), len = 0;
	for (int i = 0; i < n; i++)
		len += node_zonerefs(NODE_DATA(order[i]), want + len);
	publish_zonelist(&pgdat->node_zonelists[ZONELIST_FALLBACK], want, len);
	len = node_zonerefs(pgdat, want);
	publish_zonelist(&pgdat->node_zonelists[ZONELIST_NOFALLBACK], want, len);
}

void nmm_build_all_zonelists(void)
{
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++)
		build_zonelists(NODE_DATA(nid));
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
	nmm_build_all_zonelists();
	return 0;
}

void nmm_zones_release(void)
{
	memset(nmm_node_data, 0, sizeof(nmm_node_data));
}
