/* lib/page_alloc/alloc.c - __alloc_pages() and the page allocator's public API
 * (mm/page_alloc.c: get_page_from_freelist, __alloc_pages_slowpath, __free_pages, ...).
 *
 * Fast path: walk the preferred node's zonelist from gfp_zone() down; the first zone with free
 * pages above its low watermark (plus the lowmem reserve) serves the request, from this CPU's
 * pcp list for orders 0..3, else from the buddy lists. Slow path: wake kswapd, retry at the min
 * watermark with __GFP_HIGH/__GFP_ATOMIC reserves; if the caller may block, drain the pcp lists,
 * run the shrinkers (direct reclaim) and retry while reclaim makes progress; __GFP_NORETRY gives
 * up after one round, costly orders (> 3) without __GFP_RETRY_MAYFAIL too; __GFP_NOFAIL waits
 * for memory and never returns NULL. A failure prints warn_alloc unless __GFP_NOWARN.
 *
 * Freed pages carry their allocation order in page->flags, so a free with the wrong order, a
 * double free and a free of a page we never handed out are reported and survive.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <numamm/linux/gfp.h>

#include "../boot/boot.h"
#include "../fault/fault.h"
#include "../trace/events.h"
#include "fastpath.h"
#include "internal.h"

extern bool nmm_mobility_grouping;

#define MAX_RECLAIM_RETRIES 16
#define _RET_IP_ ((uintptr_t)__builtin_return_address(0))

struct alloc_context {
	struct zonelist *zonelist;
	int highest_zoneidx;
	int migratetype;
	int preferred_nid;
};

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	free_pages -= (1L << order) - 1;
	if (!(alloc_flags & ALLOC_HARDER))
		free_pages -= (long)__atomic_load_n(&z->nr_reserved_highatomic, __ATOMIC_RELAXED);
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* Enough pages, but is there a block big enough? Read without the lock, a hint as in the
	 * kernel; blocks of any migratetype count (the allocation may fall back to them). */
	for (unsigned int o = order; o <= MAX_ORDER; o++)
		if (__atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED))
			return true;
	return false;
}

static void free_the_page_untraced(struct page *page, unsigned int order);

static inline bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				       int highest_zoneidx, unsigned int alloc_flags)
{
	long free = zone_page_state(z, NR_FREE_PAGES);
	/* Order-0 common case: one comparison. */
	if (likely(!order) && free > (long)mark + z->lowmem_reserve[highest_zoneidx])
		return true;
	return zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free);
}

static void clear_page_range(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		void *va = page_address(page + i);
		if (!va)
			va = nmm_highmem_view_addr(page_to_pfn(page + i));
		memset(va, 0, PAGE_SIZE);
	}
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	__SetPageHead(page);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		struct page *p = page + i;
		p->compound_head = (unsigned long)page | 1;
		__SetPageTail(p);
	}
}

void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	int mt = nmm_mobility_grouping ? gfp_migratetype(gfp) : MIGRATE_UNMOVABLE;
	page_asan_unpoison(page, order);
	set_page_count(page, 1);
	nmm_set_page_alloc_order1(page, order + 1);
	__atomic_store_n(&page->flags, (page->flags & ~NMM_ALLOC_MT_MASK) | ((unsigned long)mt << NMM_ALLOC_MT_PGSHIFT),
			 __ATOMIC_RELAXED);
	if (gfp & __GFP_ZERO)
		clear_page_range(page, order);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
}

/* Reserve a pageblock for high-order atomic allocations after one succeeded (at most ~1% of
 * the zone), so the next burst of them finds blocks even when the zone is fragmented. */
static void reserve_highatomic_pageblock(struct page *page, struct zone *zone)
{
	unsigned long max = zone_managed_pages(zone) / 100 + pageblock_nr_pages;
	/* Changed under zone->lock, read without it (watermark checks): relaxed atomics. */
	if (__atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED) >= max)
		return;
	spin_lock(&zone->lock);
	int mt = get_pageblock_migratetype(page);
	if (zone->nr_reserved_highatomic < max && mt < MIGRATE_PCPTYPES) {
		__atomic_store_n(&zone->nr_reserved_highatomic, zone->nr_reserved_highatomic + pageblock_nr_pages,
				 __ATOMIC_RELAXED);
		set_pageblock_migratetype(page, MIGRATE_HIGHATOMIC);
		/* Free blocks already in the pageblock move to the highatomic lists. */
		unsigned long start = page_to_pfn(page) & ~(pageblock_nr_pages - 1);
		for (unsigned long pfn = start; pfn < start + pageblock_nr_pages && pfn < zone_end_pfn(zone);) {
			struct page *p = pfn_to_page(pfn);
			if (pfn >= zone->zone_start_pfn && PageBuddy(p) && page_zone(p) == zone) {
				unsigned int o = (unsigned int)p->private;
				list_move(&p->lru, &zone->free_area[o].free_list[MIGRATE_HIGHATOMIC]);
				pfn += 1UL << o;
			} else {
				pfn++;
			}
		}
	}
	spin_unlock(&zone->lock);
}

/* Give reserved highatomic pageblocks back before failing an allocation. */
static bool unreserve_highatomic_pageblocks(struct alloc_context *ac)
{
	bool any = false;
	struct zoneref *zr;
	struct zone *zone;
	for_each_zone_zonelist(zone, zr, ac->zonelist, ac->highest_zoneidx) {
		if (!__atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED))
			continue;
		spin_lock(&zone->lock);
		for (unsigned int o = 0; o <= MAX_ORDER; o++) {
			struct list_head *l = &zone->free_area[o].free_list[MIGRATE_HIGHATOMIC];
			while (!list_empty(l)) {
				struct page *p = list_first_entry(l, struct page, lru);
				struct page *pb = pfn_to_page(page_to_pfn(p) & ~(pageblock_nr_pages - 1));
				if (get_pageblock_migratetype(p) == MIGRATE_HIGHATOMIC &&
				    zone->nr_reserved_highatomic >= pageblock_nr_pages) {
					__atomic_store_n(&zone->nr_reserved_highatomic,
							 zone->nr_reserved_highatomic - pageblock_nr_pages, __ATOMIC_RELAXED);
					set_pageblock_migratetype(pb, ac->migratetype);
				}
				list_move(&p->lru, &zone->free_area[o].free_list[ac->migratetype]);
				any = true;
			}
		}
		spin_unlock(&zone->lock);
	}
	return any;
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, int mt,
				  unsigned int alloc_flags, int preferred_nid)
{
	spin_lock(&zone->lock);
	struct page *page = __rmqueue(zone, order, mt, alloc_flags);
	if (page) {
		__mod_zone_page_state(zone, NR_FREE_PAGES, -(1L << order));
		NMM_EV_ADD(zone->buddy_ev.pgalloc, 1UL << order);
		if (zone->node == preferred_nid)
			NMM_EV_ADD(zone->buddy_ev.numa_hit, 1);
		else
			NMM_EV_ADD(zone->buddy_ev.numa_miss, 1);
		if (zone->node == numa_node_id())
			NMM_EV_ADD(zone->buddy_ev.numa_local, 1);
		else
			NMM_EV_ADD(zone->buddy_ev.numa_other, 1);
		trace_mm_page_alloc_zone_locked(page, order, mt, 0);
	}
	spin_unlock(&zone->lock);
	nmm_thp_defer_check(zone);
	return page;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					   struct alloc_context *ac)
{
	struct zoneref *zr;
	struct zone *zone;
	for_each_zone_zonelist(zone, zr, ac->zonelist, ac->highest_zoneidx) {
try_this_zone:
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			unsigned long mark = wmark_pages(zone, (int)(alloc_flags & ALLOC_WMARK_MASK));
			if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx, alloc_flags)) {
				/* memmap_defer=: memory without struct pages yet comes first */
				if (nmm_deferred_try_grow(zone))
					goto try_this_zone;
				continue;
			}
		}
		struct page *page = NULL;
		if (likely(order <= PAGE_ALLOC_COSTLY_ORDER))
			page = rmqueue_pcplist(zone, order, ac->migratetype, alloc_flags, ac->preferred_nid);
		if (!page)
			page = rmqueue_buddy(zone, order, ac->migratetype, alloc_flags, ac->preferred_nid);
		if (!page && nmm_deferred_try_grow(zone))
			goto try_this_zone;
		if (page) {
			prep_new_page(page, order, gfp);
			if (unlikely(order && (alloc_flags & ALLOC_HARDER)))
				reserve_highatomic_pageblock(page, zone);
			if (unlikely(zone->node != ac->preferred_nid)) {
				struct zone *pz = &NODE_DATA(ac->preferred_nid)->node_zones[zone_idx(zone)];
				__atomic_fetch_add(&pz->buddy_ev.numa_foreign, 1, __ATOMIC_RELAXED);
			}
			return page;
		}
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int f = ALLOC_WMARK_MIN;
	if (gfp & __GFP_HIGH)
		f |= ALLOC_HIGH;
	if (gfp & __GFP_ATOMIC)
		f |= ALLOC_HARDER;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		f |= ALLOC_KSWAPD;
	return f;
}

static void wake_all_kswapds(unsigned int order, gfp_t gfp, struct alloc_context *ac)
{
	struct zoneref *zr;
	struct zone *zone;
	for_each_zone_zonelist(zone, zr, ac->zonelist, ac->highest_zoneidx)
		wakeup_kswapd(zone, gfp, order, ac->highest_zoneidx);
}

static void nofail_wait(void)
{
	struct timespec ts = { 0, 1000 * 1000 };   /* 1 ms, like congestion_wait(HZ/50)-ish */
	nanosleep(&ts, NULL);
}

static noinline struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order, struct alloc_context *ac)
{
	bool can_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	int retries = 0;
	struct page *page;

	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(order, gfp, ac);
	page = get_page_from_freelist(gfp, order, alloc_flags, ac);
	if (page)
		return page;
	/* Reclaim itself (a shrinker allocating) may use the reserves, like PF_MEMALLOC. */
	if (((gfp & __GFP_MEMALLOC) || nmm_in_reclaim) && !(gfp & __GFP_NOMEMALLOC)) {
		page = get_page_from_freelist(gfp, order, ALLOC_NO_WATERMARKS, ac);
		if (page)
			return page;
	}
	for (;;) {
		/* Pages parked on pcp lists are free memory too. */
		drain_all_pages(NULL);
		unsigned long progress = 0;
		if (can_reclaim)
			progress = nmm_direct_reclaim(gfp, ac->preferred_nid, order);
		page = get_page_from_freelist(gfp, order, alloc_flags, ac);
		if (page)
			return page;
		if (unreserve_highatomic_pageblocks(ac)) {
			page = get_page_from_freelist(gfp, order, alloc_flags, ac);
			if (page)
				return page;
		}
		/* Grow a node by memory hot-add (lib/boot/hotplug.c), one section per retry, before
		 * waiting or failing; only callers that may sleep: GFP_ATOMIC/NOWAIT never get here. */
		while (can_reclaim && !nmm_hotadd_for_alloc(ac->zonelist, ac->highest_zoneidx, ac->preferred_nid)) {
			page = get_page_from_freelist(gfp, order, alloc_flags, ac);
			if (page)
				return page;
		}
		if (gfp & __GFP_NOFAIL) {
			/* Never fail: take from the reserves, then wait for frees and retry. */
			page = get_page_from_freelist(gfp, order, alloc_flags | ALLOC_HARDER | ALLOC_HIGH, ac);
			if (page)
				return page;
			nofail_wait();
			continue;
		}
		if (!can_reclaim || (gfp & __GFP_NORETRY))
			break;
		if (order > PAGE_ALLOC_COSTLY_ORDER && !(gfp & __GFP_RETRY_MAYFAIL))
			break;
		if (!progress || ++retries > MAX_RECLAIM_RETRIES)
			break;
	}
	if (!(gfp & __GFP_NOWARN))
		warn_alloc(gfp, order, ac->preferred_nid, NULL);
	return NULL;
}

/* __alloc_pages with the caller of the API entry point, for fail_page_alloc's call-site filter.
 * Out of line: the fast paths reach it with one tail call. */
static noinline struct page *alloc_pages_ip(gfp_t gfp, unsigned int order, int preferred_nid,
					    uintptr_t caller)
{
	if (unlikely(order > MAX_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			warn_alloc(gfp, order, preferred_nid, "order > MAX_ORDER (10)");
		return NULL;
	}
	if (unlikely(!nmm_booted()) && nmm_boot_if_needed())
		return NULL;
	struct alloc_context ac;
	ac.highest_zoneidx = gfp_zone(gfp);
	if (unlikely(ac.highest_zoneidx < 0)) {
		warn_alloc(gfp, order, preferred_nid, "contradictory zone modifiers");
		return NULL;
	}
	if (unlikely((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)) {
		warn_alloc(gfp, order, preferred_nid, "__GFP_MOVABLE and __GFP_RECLAIMABLE together");
		return NULL;
	}
	if (preferred_nid == NUMA_NO_NODE)
		preferred_nid = numa_node_id();
	if (unlikely((unsigned)preferred_nid >= (unsigned)nr_node_ids)) {
		warn_alloc(gfp, order, preferred_nid, "invalid node");
		return NULL;
	}
	/* prepare_alloc_pages: a forced failure is NULL at once, no warn_alloc (the verbose line). */
	if (nmm_fault_on(NMM_FAULT_PAGE_ALLOC) && should_fail_alloc_page(gfp, order, caller))
		return NULL;
	ac.preferred_nid = preferred_nid;
	ac.migratetype = nmm_mobility_grouping ? gfp_migratetype(gfp) : MIGRATE_UNMOVABLE;
	ac.zonelist = &NODE_DATA(preferred_nid)->node_zonelists[(gfp & __GFP_THISNODE) ? ZONELIST_NOFALLBACK
											: ZONELIST_FALLBACK];
	struct page *page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, &ac);
	if (unlikely(!page))
		page = __alloc_pages_slowpath(gfp, order, &ac);
	trace_mm_page_alloc(page, order, gfp, ac.migratetype);
	return page;
}

struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid, void *nodemask)
{
	(void)nodemask;   /* numamm has no nodemask_t yet: NULL means all nodes */
	return alloc_pages_ip(gfp, order, preferred_nid, _RET_IP_);
}

/* The order-0 fast path: no call made on it, everything else one tail call away. @caller is
 * only read on the way out (one load of the return address before the jump). */
static __always_inline struct page *alloc_pages_caller(gfp_t gfp, unsigned int order, uintptr_t caller)
{
	if (likely(!order && !(gfp & NMM_GFP_NOFAST) && !NMM_FAST_TRACED(mm_page_alloc))) {
		struct page *page;
		if (likely(nmm_alloc_page_fast(gfp, &page)))
			return page;
	}
	return alloc_pages_ip(gfp, order, NUMA_NO_NODE, caller);
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_caller(gfp, order, _RET_IP_);
}

/* alloc_page() and __free_page() start on a cache line, so their fast paths span two lines
 * whatever the link order puts before them: with the entry mid-line (three lines) the
 * per-thread pair measured 4.5 ns, aligned 3.9 ns (AMD EPYC); rseq 6.9 either way. */
__aligned(64) struct page *nmm_alloc_page(gfp_t gfp)
{
	if (likely(!(gfp & NMM_GFP_NOFAST) && !NMM_FAST_TRACED(mm_page_alloc))) {
		struct page *page;
		if (likely(nmm_alloc_page_fast(gfp, &page)))
			return page;
	}
	return alloc_pages_ip(gfp, 0, NUMA_NO_NODE, _RET_IP_);
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	uintptr_t caller = _RET_IP_;
	if (nid == NUMA_NO_NODE)
		return alloc_pages_caller(gfp, order, caller);
	/* The local node is what the fast path serves: take it when asked for explicitly too. But
	 * "local" is the CPU the fast path runs on, and the thread may have moved to another
	 * node's CPU since numa_node_id() (or its hint was stale): a page of another node goes
	 * back and the zonelist walk of @nid decides. */
	if (nid == numa_node_id()) {
		struct page *page = alloc_pages_caller(gfp, order, caller);
		if (likely(!page || page_to_nid(page) == nid))
			return page;
		__free_pages(page, order);
	}
	return alloc_pages_ip(gfp, order, nid, caller);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages_caller(gfp & ~__GFP_HIGHMEM, order, _RET_IP_);
	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	struct page *page = alloc_pages_caller((gfp | __GFP_ZERO) & ~__GFP_HIGHMEM, 0, _RET_IP_);
	return page ? (unsigned long)page_address(page) : 0;
}

/* free_the_page - checks, then the pcp list (orders 0..3) or the buddy lists. */
void free_the_page(struct page *page, unsigned int order)
{
	trace_mm_page_free(page, order);
	free_the_page_untraced(page, order);
}

static void free_the_page_untraced(struct page *page, unsigned int order)
{
	unsigned int order1 = nmm_page_alloc_order1(page);
	if (unlikely(order1 != order + 1)) {
		if (!order1) {
			bad_page(page, PageReserved(page) ? "freeing a reserved page"
				       : "freeing a page that is not allocated (double free?)");
			if (PageReserved(page))
				set_page_count(page, 1);   /* reserved pages keep their boot reference */
			return;
		}
		char why[96];
		snprintf(why, sizeof(why), "freed with order %u, allocated with order %u (freeing order %u)",
			 order, order1 - 1, order1 - 1);
		bad_page(page, why);
		order = order1 - 1;
	}
	if (unlikely(PageHead(page))) {
		__ClearPageHead(page);
		for (unsigned long i = 1; i < (1UL << order); i++) {
			__ClearPageTail(page + i);
			INIT_LIST_HEAD(&page[i].lru);
		}
	}
	nmm_set_page_alloc_order1(page, 0);
	page->mapping = NULL;
	page_asan_poison(page, order);
	if (likely(order <= PAGE_ALLOC_COSTLY_ORDER) && free_unref_page(page, order))
		return;
	struct zone *zone = page_zone(page);
	spin_lock(&zone->lock);
	__free_one_page(page, page_to_pfn(page), zone, order, get_pageblock_migratetype(page));
	__mod_zone_page_state(zone, NR_FREE_PAGES, 1L << order);
	NMM_EV_ADD(zone->buddy_ev.pgfree, 1UL << order);
	spin_unlock(&zone->lock);
}

static inline bool page_ref_put_checked(struct page *page)
{
	int old = __atomic_fetch_sub(&page->_refcount.counter, 1, __ATOMIC_ACQ_REL);
	if (likely(old > 1))
		return false;
	if (likely(old == 1))
		return true;
	__atomic_fetch_add(&page->_refcount.counter, 1, __ATOMIC_RELAXED);
	bad_page(page, "reference count already zero (double free?)");
	return false;
}

/* Slow halves of __free_pages(), kept out of line so the fast path needs no stack frame. */
static noinline void free_page_after_put(struct page *page, int old)
{
	if (old == 1) {
		free_the_page(page, 0);
	} else if (old <= 0) {
		__atomic_fetch_add(&page->_refcount.counter, 1, __ATOMIC_RELAXED);
		bad_page(page, "reference count already zero (double free?)");
	}
}

static noinline void __free_pages_slow(struct page *page, unsigned int order);

void __free_pages(struct page *page, unsigned int order)
{
	if (likely(page && !order)) {
		int old = __atomic_fetch_sub(&page->_refcount.counter, 1, __ATOMIC_ACQ_REL);
		if (likely(old == 1 && !NMM_FAST_TRACED(mm_page_free)) && likely(nmm_free_page_fast(page)))
			return;
		return free_page_after_put(page, old);
	}
	return __free_pages_slow(page, order);
}

/* Slow halves of nmm_free_page(): our decrement reached 0 (the last reference), or went below 0
 * (the page was free already). Decided from the flags of our own lock sub, never re-read: another
 * thread's put may follow ours at any time. */
static noinline void free_page_last_ref(struct page *page)
{
	free_the_page(page, 0);
}

static noinline void free_page_below_zero(struct page *page)
{
	free_page_after_put(page, 0);
}

__aligned(64) void nmm_free_page(struct page *page)   /* see nmm_alloc_page() */
{
	if (likely(page)) {
		/* Decrement and test for zero only (lock dec; jnz): no old value to keep. */
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
		/* lock decl sets ZF and SF: one instruction tells last reference from already free
		 * (compilers emit lock xadd plus a compare when both are tested in C). */
		__asm__ goto("lock decl %[ref]\n\t"
			     "je %l[last]\n\t"
			     "js %l[below]\n\t"
			     : [ref] "+m" (page->_refcount.counter) : : "cc", "memory" : last, below);
		return;
#else
		int now = __atomic_sub_fetch(&page->_refcount.counter, 1, __ATOMIC_ACQ_REL);
		if (likely(now == 0))
			goto last;
		if (unlikely(now < 0))
			goto below;
		return;
#endif
last:
		if (likely(!NMM_FAST_TRACED(mm_page_free) && nmm_free_page_fast(page)))
			return;
		return free_page_last_ref(page);
below:
		return free_page_below_zero(page);
	}
}

static noinline void __free_pages_slow(struct page *page, unsigned int order)
{
	if (unlikely(!page))
		return;
	if (unlikely(order > MAX_ORDER)) {
		bad_page(page, "freeing with order > MAX_ORDER");
		return;
	}
	bool head = PageHead(page);
	if (page_ref_put_checked(page))
		free_the_page(page, order);
	else if (!head && page_ref_count(page) > 0 && order) {
		/* Someone holds the first page: the rest of the non-compound block goes now, and
		 * the first page is an order-0 page from here on (its last put frees just it). */
		nmm_set_page_alloc_order1(page, 1);
		while (order-- > 0) {
			struct page *tail = page + (1UL << order);
			nmm_set_page_alloc_order1(tail, order + 1);
			set_page_count(tail, 0);
			free_the_page(tail, order);
		}
	}
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(!virt_addr_valid((void *)addr) || (addr & (PAGE_SIZE - 1)))) {
		fprintf(stderr, "numamm: BUG: free_pages(%#lx, %u): not a page of the linear map\n", addr, order);
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

void split_page(struct page *page, unsigned int order)
{
	nmm_set_page_alloc_order1(page, 1);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		set_page_count(page + i, 1);
		nmm_set_page_alloc_order1(page + i, 1);
	}
}

static inline struct page *compound_head(struct page *page)
{
	return PageTail(page) ? (struct page *)(page->compound_head - 1) : page;
}

void get_page(struct page *page)
{
	page_ref_inc(compound_head(page));
}

void put_page(struct page *page)
{
	page = compound_head(page);
	unsigned int order1 = nmm_page_alloc_order1(page);
	if (page_ref_put_checked(page))
		free_the_page(page, order1 ? order1 - 1 : 0);
}

static unsigned int size_order(size_t size)
{
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *make_alloc_exact(struct page *page, unsigned int order, size_t size)
{
	if (!page)
		return NULL;
	unsigned long used = PFN_UP(size), all = 1UL << order;
	split_page(page, order);
	for (unsigned long i = used; i < all; i++)
		__free_pages(page + i, 0);
	return page_address(page);
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	return alloc_pages_exact_nid(NUMA_NO_NODE, size, gfp);
}

void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp)
{
	unsigned int order = size_order(size);
	if (order > MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			warn_alloc(gfp, order, nid, "alloc_pages_exact: size above MAX_ORDER");
		return NULL;
	}
	struct page *page = alloc_pages_ip((gfp | __GFP_COMP) & ~(__GFP_COMP | __GFP_HIGHMEM), order, nid,
					   _RET_IP_);
	return make_alloc_exact(page, order, size);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + PFN_ALIGN(size);
	for (; addr < end; addr += PAGE_SIZE)
		free_pages(addr, 0);
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += (unsigned long)zone_page_state(&NODE_DATA(nid)->node_zones[z], NR_FREE_PAGES);
	return n;
}
