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
#include "spinlock.h"
#include "../mag_types.h"

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

#define MIGRATE_TYPES_MAX 5            /* == MIGRATE_TYPES of <linux/gfp.h> */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_PCP_LISTS (3 * (PAGE_ALLOC_COSTLY_ORDER + 1))   /* MIGRATE_PCPTYPES per order 0..3 */
#define pageblock_order 9              /* 2 MiB pageblocks, as x86-64 with hugepages */
#define pageblock_nr_pages (1UL << pageblock_order)

/* Buddy free lists of one order: a list per migratetype; nr_free counts blocks of all types. */
struct free_area {
	struct list_head free_list[MIGRATE_TYPES_MAX];
	unsigned long nr_free;
};

enum zone_stat_item {
	NR_FREE_PAGES,        /* in the buddy free lists (not in pcp lists), as the kernel counts */
	NR_FREE_CMA_PAGES,    /* always 0: no CMA */
	NR_ZONE_ALLOCATED,    /* pages handed out and not yet freed (pcp pages count as free) */
	NR_VM_ZONE_STAT_ITEMS
};

/* Event counters of one zone (as reports show them: see nmm_zone_events()). */
struct zone_cpu_events {
	unsigned long pgalloc, pgfree, numa_hit, numa_miss, numa_foreign, numa_local, numa_other;
	unsigned long pcp_refill, pcp_drain;
};

/*
 * What one CPU's pcp set counts, under its lock. The fast paths count only frees: allocations
 * from the pcp lists follow from the rest (allocated = refilled + freed - drained - count),
 * and NUMA hits/local from the misses, so an alloc+free pair updates one counter, not five.
 */
struct pcp_raw_events {
	unsigned long pgfree;         /* pages freed into the lists */
	unsigned long refill_pages;   /* pages taken from the buddy by refills */
	unsigned long drain_pages;    /* pages given back to the buddy */
	unsigned long numa_miss;      /* allocations served for another preferred node */
	unsigned long numa_other;     /* allocations served to a CPU of another node */
	unsigned long extra_pages;    /* (1 << order) - 1 per order > 0 allocation: pages vs events */
	unsigned long mag_refills;    /* pages moved list → magazine (they count as pushes) */
	unsigned long to_thread;      /* pages moved list → a thread's magazine (no rseq) */
	unsigned long refills, drains;
};

/*
 * Per-CPU page lists (pcp): order 0..3 pages of one zone cached per CPU so that the common
 * alloc/free touches no shared line. Indexed by the CPU id read from rseq; each set has its own
 * lock (as the kernel's pcp->lock since 6.0), taken with trylock: a thread that migrated, or
 * two threads sharing a CPU id, can never corrupt a list; a failed trylock goes to the buddy.
 * In front of the order-0 lists sit lock-free magazines (one per pcp migratetype) that only
 * this CPU's threads touch, inside rseq sequences (lib/percpu/mag.h); the lists behind them are
 * the kernel's pcp lists.
 * Invariant: count == sum over lists of (pages on the list << list order); magazine pages are
 * counted by the magazines.
 */
struct per_cpu_pages {
	/* order-0 pages per MIGRATE_PCPTYPES type; [3] stays empty so the fast path can index by
	 * the GFP mobility bits without testing for the invalid MOVABLE|RECLAIMABLE pair */
	struct nmm_mag mag[4];
	spinlock_t lock;
	int count;                    /* pages on all lists */
	int high;                     /* drain to the buddy above this */
	int batch;                    /* refill / drain this many at once */
	struct list_head lists[NR_PCP_LISTS];
	struct pcp_raw_events ev;
} __attribute__((aligned(64)));

struct pglist_data;

/*
 * struct zone - one zone of one node.
 *
 * Invariants (checked by nmm_zone_is_valid()): for every order o, free_area[o].nr_free equals
 * the number of PageBuddy blocks of order o on its lists; NR_FREE_PAGES == sum of
 * nr_free << o; each free block is naturally aligned, inside the zone, and its buddy of the same
 * order is not free (it would have been merged); managed_pages == NR_FREE_PAGES +
 * pages on pcp lists + NR_ZONE_ALLOCATED.
 */
struct zone {
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	unsigned long nr_reserved_highatomic;
	int node;
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;   /* [nmm_nr_cpu_ids] */
	unsigned char *pageblock_flags;          /* migratetype per pageblock of the span */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;     /* end_pfn - start_pfn, holes included */
	unsigned long present_pages;     /* pages in memblock memory */
	atomic_long_t managed_pages;     /* pages handed to the buddy allocator */
	const char *name;
	spinlock_t lock __attribute__((aligned(64)));
	struct free_area free_area[NR_PAGE_ORDERS];
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];     /* written under lock, read with READ_ONCE */
	unsigned long compact_blockskip;          /* unused: no compaction */
	unsigned long extfrag_events;             /* mm_page_alloc_extfrag count */
	unsigned long steal_events;               /* pageblocks that changed owner */
	unsigned long thp_defer_mark;             /* thp_defer=: free pages below this promote the node, 0 = off */
	unsigned long deferred_pages;             /* memmap_defer=: present pages without struct pages yet */
	unsigned long deferred_next;              /* memmap_defer=: where the next block is looked for */
	unsigned long deferred_grown;             /* memmap_defer=: blocks initialised since boot */
	struct zone_cpu_events buddy_ev;          /* events of the zone->lock path (no pcp) */
	struct zone_cpu_events thread_ev;         /* per-thread magazines' events (atomic adds) */
} __attribute__((aligned(64)));

/* Watermarks change under readers (setup_per_zone_wmarks() after memory hot-add): load once. */
static inline unsigned long wmark_pages(const struct zone *z, int i)
{
	return __atomic_load_n(&z->_watermark[i], __ATOMIC_RELAXED);
}
static inline unsigned long min_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_MIN); }
static inline unsigned long low_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_LOW); }
static inline unsigned long high_wmark_pages(const struct zone *z) { return wmark_pages(z, WMARK_HIGH); }
static inline long zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	long v = __atomic_load_n(&z->vm_stat[i], __ATOMIC_RELAXED);
	return v < 0 ? 0 : v;
}

/* present_pages and spanned_pages grow under zone->lock at memory hot-add: read them once. */
static inline bool populated_zone(const struct zone *z)
{
	return __atomic_load_n(&z->present_pages, __ATOMIC_RELAXED) != 0;
}
static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + __atomic_load_n(&z->spanned_pages, __ATOMIC_RELAXED);
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
#define for_each_zoneref(zr, zl) \
	for ((zr) = (zl)->_zonerefs; __atomic_load_n(&(zr)->zone, __ATOMIC_ACQUIRE); (zr)++)

/* Walk @zl for zones at or below @highidx, as for_each_zone_zonelist does. The index comes
 * from the zone itself, not the zoneref: memory hot-add rewrites zonelists under walkers, and
 * a zoneref read half old, half new must not pass a zone above @highidx (lib/boot/zones.c). */
#define for_each_zone_zonelist(zone, zr, zl, highidx)                                          \
	for ((zr) = (zl)->_zonerefs; ((zone) = __atomic_load_n(&(zr)->zone, __ATOMIC_ACQUIRE)) != NULL; \
	     (zr)++)                                                                           \
		if (zone_idx(zone) > (int)(highidx)) {} else

#endif
