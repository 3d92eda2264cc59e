/* linux/mmzone.h - zones, nodes (pg_data_t) and zonelists.
 *
 * Zones come from the physical layout (lib/boot/zones.c): ZONE_DMA below 16 MiB, ZONE_DMA32
 * below 4 GiB, ZONE_NORMAL above, ZONE_HIGHMEM above the lowmem limit when one is set. Each node
 * has the zones its ranges fall into. Zonelists are ordered by node distance (nearest node
 * first, itself first of all), and within a node from the highest zone down, as the kernel
 * builds them for node ordering.
 *
 * Invariants: zone_start_pfn + spanned_pages bounds every present page of the zone;
 * present_pages <= spanned_pages; managed_pages <= present_pages.
 */
#ifndef NUMAMM_LINUX_MMZONE_H
#define NUMAMM_LINUX_MMZONE_H

#include "../ktypes.h"
#include "list.h"
#include "numa.h"
#include "mm_types.h"

#ifndef MAX_ORDER
#define MAX_ORDER 10                 /* largest buddy order, inclusive (4 MiB blocks) */
#endif
#define MAX_PAGE_ORDER MAX_ORDER
#define NR_PAGE_ORDERS (MAX_ORDER + 1)
#define MAX_ORDER_NR_PAGES (1UL << MAX_ORDER)

#define SECTION_SIZE_BITS 27         /* 128 MiB sections, as x86-64 */
#define PFN_SECTION_SHIFT (SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION (1UL << PFN_SECTION_SHIFT)
#define MAX_PHYSMEM_BITS 46

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	__MAX_NR_ZONES
};
#define MAX_NR_ZONES __MAX_NR_ZONES

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct pglist_data *zone_pgdat;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;     /* end_pfn - start_pfn, holes included */
	unsigned long present_pages;     /* pages in memblock memory */
	atomic_long_t managed_pages;     /* pages handed to the buddy allocator */
	const char *name;
	void *nmm_alloc;                 /* page allocator state (lib/page_alloc), NULL until then */
};

static inline bool populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}
static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}
static inline unsigned long zone_managed_pages(const struct zone *z)
{
	return (unsigned long)__atomic_load_n(&z->managed_pages.counter, __ATOMIC_RELAXED);
}

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

#define MAX_ZONES_PER_ZONELIST (MAX_NUMNODES * MAX_NR_ZONES)
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };

struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];  /* NULL-zone terminated */
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;                    /* highest populated zone index + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
} pg_data_t;

extern struct pglist_data *nmm_node_data[MAX_NUMNODES];
#define NODE_DATA(nid) (nmm_node_data[(nid)])

static inline int zone_idx(const struct zone *z)
{
	return (int)(z - z->zone_pgdat->node_zones);
}
static inline bool is_highmem_idx(enum zone_type idx) { return idx == ZONE_HIGHMEM; }
static inline bool is_highmem(const struct zone *z) { return zone_idx(z) == ZONE_HIGHMEM; }
static inline int zone_to_nid(const struct zone *z) { return z->node; }

const char *nmm_zone_name(enum zone_type idx);

#define for_each_zone_in_node(z, pgdat) \
	for ((z) = (pgdat)->node_zones; (z) < (pgdat)->node_zones + MAX_NR_ZONES; (z)++)
#define for_each_zoneref(zr, zl) for ((zr) = (zl)->_zonerefs; (zr)->zone; (zr)++)

/* Walk @zl for zones at or below @highidx, as for_each_zone_zonelist does. */
#define for_each_zone_zonelist(zone, zr, zl, highidx)                          \
	for ((zr) = (zl)->_zonerefs; ((zone) = (zr)->zone) != NULL; (zr)++)      \
		if ((zr)->zone_idx > (int)(highidx)) {} else

#endif
