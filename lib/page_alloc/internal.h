/* lib/page_alloc/internal.h - the page allocator's internals, shared by its files.
 *
 * Map of the layer (mm/page_alloc.c split by concept):
 *   buddy.c       free lists, split (expand) and merge (__free_one_page), migratetype fallback
 *                 and pageblock stealing — everything under zone->lock
 *   pcp.c         per-CPU page lists: the fast path for orders 0..3
 *   alloc.c       __alloc_pages(): zonelist walk, watermarks, the slow path, the public API
 *   watermarks.c  min_free_kbytes → per-zone min/low/high, lowmem_reserve
 *   reclaim.c     shrinkers, direct reclaim, the per-node kswapd thread
 *   init.c        page allocator boot: pcp sets, pageblock flags, memblock_free_all
 *   report_bad.c  bad page reports and warn_alloc
 * Lock order: pcp->lock, then zone->lock. Never the reverse.
 */
#ifndef NUMAMM_LIB_PAGE_ALLOC_INTERNAL_H
#define NUMAMM_LIB_PAGE_ALLOC_INTERNAL_H

#include <stdio.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

_Static_assert(MIGRATE_TYPES == MIGRATE_TYPES_MAX, "mmzone.h and gfp.h disagree on MIGRATE_TYPES");

/* alloc_flags, as mm/internal.h */
#define ALLOC_WMARK_MIN     WMARK_MIN
#define ALLOC_WMARK_LOW     WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK    (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_HARDER        0x10   /* __GFP_ATOMIC: dip further below min, use highatomic */
#define ALLOC_HIGH          0x20   /* __GFP_HIGH: half of min */
#define ALLOC_KSWAPD        0x800  /* may wake kswapd */

extern int nmm_nr_cpu_ids;          /* per-CPU arrays are this long: highest possible CPU + 1 */

/* buddy.c (zone->lock held) */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype);
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype, unsigned int alloc_flags);
int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
		 int migratetype, unsigned int alloc_flags);
int get_pageblock_migratetype(const struct page *page);
void set_pageblock_migratetype(struct page *page, int migratetype);
bool nmm_zone_is_valid(struct zone *zone, FILE *why);

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int mt)
{
	struct free_area *area = &zone->free_area[order];
	list_add(&page->lru, &area->free_list[mt]);
	__atomic_store_n(&area->nr_free, area->nr_free + 1, __ATOMIC_RELAXED);   /* read unlocked */
}

static inline void del_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	__atomic_store_n(&zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1, __ATOMIC_RELAXED);
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
}

/* An event counter written by one side at a time (under a lock) and read by reports without
 * it: a relaxed store of the new value, so readers see whole values and TSan sees no race. */
#define NMM_EV_ADD(x, v) __atomic_store_n(&(x), (x) + (v), __ATOMIC_RELAXED)

static inline void __mod_zone_page_state(struct zone *z, enum zone_stat_item i, long delta)
{
	__atomic_store_n(&z->vm_stat[i], z->vm_stat[i] + delta, __ATOMIC_RELAXED);
}

/* pcp.c */
static inline int order_to_pindex(int migratetype, unsigned int order)
{
	return (int)order * MIGRATE_PCPTYPES + migratetype;
}
struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			     unsigned int alloc_flags, int preferred_nid);
bool free_unref_page(struct page *page, unsigned int order);
void drain_zone_pages_cpu(struct zone *zone, int cpu);
unsigned long nmm_zone_pcp_pages(struct zone *zone);

/* alloc.c */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags, long free_pages);
void free_the_page(struct page *page, unsigned int order);
void prep_new_page(struct page *page, unsigned int order, gfp_t gfp);

/* thp_defer.c: a THP node booted with thp_defer= becomes MADV_HUGEPAGE once one of its zones
 * has handed out that much more than at the end of boot (checked where pages leave the buddy
 * lists, after zone->lock: the fast paths never see it). */
void nmm_thp_defer_arm(uint64_t bytes);
void nmm_thp_defer_fire(struct zone *zone);
static inline void nmm_thp_defer_check(struct zone *zone)
{
	unsigned long mark = __atomic_load_n(&zone->thp_defer_mark, __ATOMIC_RELAXED);
	if (unlikely(mark) && (unsigned long)zone_page_state(zone, NR_FREE_PAGES) < mark)
		nmm_thp_defer_fire(zone);
}

/* deferred.c: memmap_defer= - struct pages at boot for part of each zone (before
 * memblock_free_all, which frees only blocks that have them), the rest a MAX_ORDER block at a
 * time when get_page_from_freelist finds a zone short. Return: true when the zone grew. */
void nmm_deferred_init(uint64_t size);
bool nmm_deferred_grow_zone(struct zone *zone);
/* The allocator's check: one relaxed load while the zone has nothing deferred (the usual case). */
static inline bool nmm_deferred_try_grow(struct zone *zone)
{
	return unlikely(__atomic_load_n(&zone->deferred_pages, __ATOMIC_RELAXED)) && nmm_deferred_grow_zone(zone);
}
void nmm_deferred_fork_lock(bool lock);   /* nmm_fork_prepare (true), parent/child (false) */

/* watermarks.c */
void nmm_watermarks_reset(void);   /* forget a computed min_free_kbytes (shutdown, hot-add) */

/* reclaim.c */
extern __thread int nmm_in_reclaim;
unsigned long nmm_direct_reclaim(gfp_t gfp, int nid, unsigned int order);
void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx);
void nmm_kswapd_stop_all(void);

/* report_bad.c */
extern unsigned long nmm_bad_page_count;      /* bad_page() reports so far */
extern unsigned long nmm_alloc_fail_count;    /* warn_alloc() calls so far (printed or not) */
extern unsigned long nmm_reclaim_stat_direct, nmm_reclaim_stat_kswapd, nmm_reclaim_stat_kswapd_wakes;
extern bool nmm_mobility_grouping;
void bad_page(struct page *page, const char *reason);
void warn_alloc(gfp_t gfp, unsigned int order, int nid, const char *why);
int nmm_format_gfp(char *buf, size_t len, gfp_t gfp);
void nmm_show_free_areas(FILE *out);

/* init.c */
void memblock_free_all(void);
unsigned long nmm_free_range_to_buddy(unsigned long start, unsigned long end);
void nmm_zone_set_pcp_limits(struct zone *zone);
int nmm_page_alloc_init(char *err, size_t errlen);
void nmm_page_alloc_release(void);

#endif
