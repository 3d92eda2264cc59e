/* lib/page_alloc/buddy.c - the binary buddy allocator of one zone (mm/page_alloc.c: expand,
 * __free_one_page, __rmqueue_smallest, __rmqueue_fallback, steal_suitable_fallback).
 *
 * A free block of order o is 2^o pages, naturally aligned, whose first page has PageBuddy set
 * and page->private == o, linked through page->lru on free_area[o].free_list[migratetype].
 * Freeing merges with the buddy (pfn ^ 2^o) while the buddy is a free block of the same order
 * in the same zone; allocating takes the smallest block that fits and splits the rest back.
 *
 * Pageblocks (2 MiB) each belong to a migratetype. An allocation takes its own type first; when
 * that runs dry it falls back in the kernel's order (UNMOVABLE → RECLAIMABLE, MOVABLE; MOVABLE →
 * RECLAIMABLE, UNMOVABLE; RECLAIMABLE → UNMOVABLE, MOVABLE), taking the largest block available,
 * and claims the whole pageblock when the block is large or the allocation is not movable —
 * grouping by mobility keeps unmovable allocations out of movable pageblocks so high orders
 * stay available. Every fallback is an mm_page_alloc_extfrag event.
 * All functions here run under zone->lock.
 */
#include <numamm/linux/gfp.h>

#include "../trace/events.h"
#include "internal.h"

bool nmm_mobility_grouping = true;   /* page_group_by_mobility_disabled == !this */

static const int fallbacks[MIGRATE_TYPES][2] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static inline unsigned long pageblock_index(const struct zone *z, unsigned long pfn)
{
	return (pfn - (z->zone_start_pfn & ~(pageblock_nr_pages - 1))) >> pageblock_order;
}

int get_pageblock_migratetype(const struct page *page)
{
	const struct zone *z = page_zone(page);
	return z->pageblock_flags[pageblock_index(z, page_to_pfn(page))];
}

void set_pageblock_migratetype(struct page *page, int migratetype)
{
	struct zone *z = page_zone(page);
	if (!nmm_mobility_grouping && migratetype < MIGRATE_PCPTYPES)
		migratetype = MIGRATE_UNMOVABLE;
	z->pageblock_flags[pageblock_index(z, page_to_pfn(page))] = (unsigned char)migratetype;
}

/* Is @buddy the first page of a free block of @order in the same zone as @page? */
static inline bool page_is_buddy(const struct page *page, const struct page *buddy, unsigned int order)
{
	const unsigned long same = (NMM_NODES_MASK << NMM_NODES_PGSHIFT) | (NMM_ZONES_MASK << NMM_ZONES_PGSHIFT);
	return PageBuddy(buddy) && buddy->private == order && !((page->flags ^ buddy->flags) & same);
}

void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype)
{
	/* A buddy of order <= MAX_ORDER is always in the same 128 MiB section, so its struct page
	 * exists; zone and PageBuddy say whether it may merge. */
	while (order < MAX_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)buddy_pfn - (long)pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		del_from_free_list(buddy, zone, order);
		__ClearPageBuddy(buddy);
		buddy->private = 0;
		unsigned long combined = buddy_pfn & pfn;
		page = page + ((long)combined - (long)pfn);
		pfn = combined;
		order++;
	}
	set_buddy_order(page, order);
	add_to_free_list(page, zone, order, migratetype);
}

/* Split a 2^high block down to 2^low, giving the upper halves back to the free lists. */
static inline void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high,
			  int migratetype)
{
	unsigned long size = 1UL << high;
	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, migratetype);
		set_buddy_order(&page[size], high);
	}
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	for (unsigned int o = order; o <= MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page = list_first_entry_or_null(&area->free_list[migratetype], struct page, lru);
		if (!page)
			continue;
		del_from_free_list(page, zone, o);
		__ClearPageBuddy(page);
		page->private = 0;
		expand(zone, page, order, o, migratetype);
		return page;
	}
	return NULL;
}

/* Move every free block in @page's pageblock to @migratetype's lists. Return: pages moved. */
static unsigned long move_freepages_block(struct zone *zone, struct page *page, int migratetype)
{
	unsigned long start = page_to_pfn(page) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages, moved = 0;
	if (start < zone->zone_start_pfn)
		start = zone->zone_start_pfn;
	if (end > zone_end_pfn(zone))
		end = zone_end_pfn(zone);
	for (unsigned long pfn = start; pfn < end;) {
		if (!pfn_valid(pfn)) {   /* a hole: skip to the next section */
			pfn = (pfn | (PAGES_PER_SECTION - 1)) + 1;
			continue;
		}
		struct page *p = pfn_to_page(pfn);
		/* A zone's span may hold other zones' pages (hot-added memory, interleaved nodes). */
		if (!PageBuddy(p) || page_zone(p) != zone) {
			pfn++;
			continue;
		}
		unsigned int o = (unsigned int)p->private;
		list_move(&p->lru, &zone->free_area[o].free_list[migratetype]);
		pfn += 1UL << o;
		moved += 1UL << o;
	}
	return moved;
}

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || !nmm_mobility_grouping;
}

static int find_suitable_fallback(struct free_area *area, unsigned int order, int mt, bool *can_steal)
{
	if (!area->nr_free)
		return -1;
	for (int i = 0; i < 2; i++) {
		int f = fallbacks[mt][i];
		if (list_empty(&area->free_list[f]))
			continue;
		*can_steal = can_steal_fallback(order, mt);
		return f;
	}
	return -1;
}

static bool __rmqueue_fallback(struct zone *zone, unsigned int order, int start_mt)
{
	int fallback_mt = -1;
	bool can_steal = false;
	int o;
	for (o = MAX_ORDER; o >= (int)order; o--) {
		fallback_mt = find_suitable_fallback(&zone->free_area[o], (unsigned)o, start_mt, &can_steal);
		if (fallback_mt < 0)
			continue;
		/* A movable allocation that cannot claim the block takes the smallest one instead,
		 * so it does not break up a large block for nothing. */
		if (!can_steal && start_mt == MIGRATE_MOVABLE && o > (int)order) {
			for (o = (int)order; o <= MAX_ORDER; o++) {
				fallback_mt = find_suitable_fallback(&zone->free_area[o], (unsigned)o, start_mt,
								     &can_steal);
				if (fallback_mt >= 0)
					break;
			}
		}
		break;
	}
	if (fallback_mt < 0 || o > MAX_ORDER)
		return false;
	struct page *page = list_first_entry(&zone->free_area[o].free_list[fallback_mt], struct page, lru);
	bool owner = false;
	if (o >= pageblock_order) {
		/* The whole block changes owner: every pageblock in it. */
		for (unsigned long i = 0; i < (1UL << o); i += pageblock_nr_pages)
			set_pageblock_migratetype(page + i, start_mt);
		list_move(&page->lru, &zone->free_area[o].free_list[start_mt]);
		owner = true;
	} else if (can_steal) {
		unsigned long free = move_freepages_block(zone, page, start_mt);
		if (free >= pageblock_nr_pages / 2 || !nmm_mobility_grouping) {
			set_pageblock_migratetype(page, start_mt);
			owner = true;
		}
	} else {
		list_move(&page->lru, &zone->free_area[o].free_list[start_mt]);
	}
	zone->extfrag_events++;
	zone->steal_events += owner;
	trace_mm_page_alloc_extfrag(page, order, o, start_mt, fallback_mt, owner);
	return true;
}

struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype, unsigned int alloc_flags)
{
	struct page *page;
	if (unlikely(alloc_flags & ALLOC_HARDER) && order > 0) {
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (page)
			return page;
	}
	for (;;) {
		page = __rmqueue_smallest(zone, order, migratetype);
		if (page || !__rmqueue_fallback(zone, order, migratetype))
			break;
	}
	if (!page && (alloc_flags & ALLOC_HARDER))
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	return page;
}

int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
		 int migratetype, unsigned int alloc_flags)
{
	int i;
	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);
		if (!page)
			break;
		list_add_tail(&page->lru, list);
		__SetPagePcp(page);
		trace_mm_page_alloc_zone_locked(page, order, migratetype, 1);
	}
	__mod_zone_page_state(zone, NR_FREE_PAGES, -((long)i << order));
	spin_unlock(&zone->lock);
	nmm_thp_defer_check(zone);
	return i;
}

/* Walk every free list of @zone and check the invariants of struct zone and struct free_area.
 * Called by tests after random operation sequences and in debug builds. Takes zone->lock. */
bool nmm_zone_is_valid(struct zone *zone, FILE *why)
{
	bool ok = true;
	long free_pages = 0;
	spin_lock(&zone->lock);
	for (unsigned int o = 0; o <= MAX_ORDER; o++) {
		unsigned long n = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct page *p;
			list_for_each_entry(p, &zone->free_area[o].free_list[mt], lru) {
				unsigned long pfn = page_to_pfn(p);
				n++;
				const char *bad = NULL;
				if (!PageBuddy(p))
					bad = "on a free list without PageBuddy";
				else if (p->private != o)
					bad = "order in page->private differs from its list";
				else if (pfn & ((1UL << o) - 1))
					bad = "not naturally aligned";
				else if (pfn < zone->zone_start_pfn || pfn + (1UL << o) > zone_end_pfn(zone))
					bad = "outside its zone";
				else if (page_zone(p) != zone)
					bad = "struct page says another zone";
				else if (o < MAX_ORDER) {
					unsigned long bpfn = pfn ^ (1UL << o);
					struct page *b = p + ((long)bpfn - (long)pfn);
					if (page_is_buddy(p, b, o))
						bad = "its buddy is free too (missed merge)";
				}
				if (bad) {
					if (why)
						fprintf(why, "zone %s node %d: order-%u block at pfn %#lx %s\n",
							zone->name, zone->node, o, pfn, bad);
					ok = false;
				}
			}
		}
		if (n != zone->free_area[o].nr_free) {
			if (why)
				fprintf(why, "zone %s node %d: order %u has %lu blocks, nr_free says %lu\n",
					zone->name, zone->node, o, n, zone->free_area[o].nr_free);
			ok = false;
		}
		free_pages += (long)(n << o);
	}
	if (free_pages != zone->vm_stat[NR_FREE_PAGES]) {
		if (why)
			fprintf(why, "zone %s node %d: %ld pages on free lists, NR_FREE_PAGES says %ld\n",
				zone->name, zone->node, free_pages, zone->vm_stat[NR_FREE_PAGES]);
		ok = false;
	}
	spin_unlock(&zone->lock);
	return ok;
}
