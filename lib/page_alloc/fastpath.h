/* lib/page_alloc/fastpath.h - the order-0 fast paths of alloc_pages() and __free_pages():
 * this CPU's pcp list of its local zone, one trylock, one list operation.
 *
 * Alloc: no zone walk and no watermark check — pages on a pcp list already left the buddy
 * allocator's free count, and the refill (rmqueue_pcplist, the slow path) is where watermarks
 * are checked, so taking a cached page cannot push a zone below them. A table built at boot
 * gives each CPU its local node's first zone for GFP_KERNEL-class requests and that zone's pcp
 * set. Anything unusual — an order, a zone modifier, __GFP_ZERO, THISNODE, an empty list, a
 * busy lock — returns NULL/false and the caller takes the full path.
 * Free: the page's own zone, the migratetype remembered at allocation, this CPU's set.
 * Counting: frees only (see struct pcp_raw_events).
 */
#ifndef NUMAMM_LIB_PAGE_ALLOC_FASTPATH_H
#define NUMAMM_LIB_PAGE_ALLOC_FASTPATH_H

#include <numamm/cpu.h>

#include "../trace/events.h"
#include "internal.h"

struct nmm_pcp_fast {
	struct per_cpu_pages *pcp;   /* this CPU's set in its local zone; NULL = no fast path */
	struct zone *zone;
	unsigned long zone_bits;     /* node and zone of that zone as page->flags holds them */
};
#define NMM_NODE_ZONE_MASK ((NMM_NODES_MASK << NMM_NODES_PGSHIFT) | (NMM_ZONES_MASK << NMM_ZONES_PGSHIFT))
extern struct nmm_pcp_fast nmm_pcp_fast[NMM_MAX_CPUS] __attribute__((visibility("hidden")));
_Static_assert((NMM_MAX_CPUS & (NMM_MAX_CPUS - 1)) == 0, "NMM_MAX_CPUS must be a power of two");

/* GFP bits that the fast path does not handle. */
#define NMM_GFP_NOFAST (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_ZERO | __GFP_THISNODE | \
			__GFP_MEMALLOC | __GFP_COMP)

static inline unsigned int nmm_this_cpu(void)
{
	unsigned int cpu = (unsigned int)nmm_cpu_current_hint();
	return likely(cpu < (unsigned int)nmm_nr_cpu_ids) ? cpu : 0;
}

/* This CPU's fast-path entry. A CPU id beyond the table (or -1) lands on an entry that is
 * empty unless that CPU exists: no bounds branch needed. */
static inline struct nmm_pcp_fast *nmm_this_pcp_fast(void)
{
	return &nmm_pcp_fast[(unsigned int)nmm_cpu_current_hint() & (NMM_MAX_CPUS - 1)];
}

/* nmm_pcp_drain_over_high - called with the pcp lock NOT held, after a free took the set to
 * its high mark: locks it again and gives a batch back to the buddy. */
noinline void nmm_pcp_drain_over_high(struct nmm_pcp_fast *f);

enum { NMM_FREE_SLOW, NMM_FREE_DONE, NMM_FREE_DONE_DRAIN };

static __always_inline struct page *nmm_alloc_page_fast(gfp_t gfp)
{
	struct per_cpu_pages *pcp = nmm_this_pcp_fast()->pcp;
	if (unlikely(!pcp || __atomic_exchange_n(&pcp->lock.locked, 1, __ATOMIC_ACQUIRE)))
		return NULL;
	int mt = gfp_migratetype(gfp);
	struct list_head *list = &pcp->lists[mt], *first = list->next;
	if (unlikely(first == list)) {
		spin_unlock(&pcp->lock);
		return NULL;
	}
	struct list_head *next = first->next;
	next->prev = list;
	list->next = next;
	pcp->count--;
	spin_unlock(&pcp->lock);
	struct page *page = container_of(first, struct page, lru);
	page->flags = (page->flags & ~((1UL << PG_pcp) | NMM_ALLOC_MT_MASK)) |
		      (1UL << NMM_ALLOC_ORDER_PGSHIFT) | ((unsigned long)mt << NMM_ALLOC_MT_PGSHIFT);
	set_page_count(page, 1);
	return page;
}

/* @page has dropped its last reference. Return: NMM_FREE_SLOW when the full path must free it,
 * NMM_FREE_DONE_DRAIN when the caller must call nmm_pcp_drain_over_high(*@fp). */
static __always_inline int nmm_free_page_fast(struct page *page, struct nmm_pcp_fast **fp)
{
	unsigned long flags = page->flags;
	const unsigned long check = NMM_ALLOC_ORDER_MASK | (1UL << PG_head) | (1UL << PG_reserved);
	unsigned int mt = (unsigned int)((flags & NMM_ALLOC_MT_MASK) >> NMM_ALLOC_MT_PGSHIFT);
	if (unlikely((flags & check) != (1UL << NMM_ALLOC_ORDER_PGSHIFT) || mt >= MIGRATE_PCPTYPES))
		return NMM_FREE_SLOW;
	/* Only pages of this CPU's local zone take the fast path; others go to their own zone. */
	struct nmm_pcp_fast *f = nmm_this_pcp_fast();
	struct per_cpu_pages *pcp = f->pcp;
	if (unlikely(!pcp || (flags & NMM_NODE_ZONE_MASK) != f->zone_bits ||
		     __atomic_exchange_n(&pcp->lock.locked, 1, __ATOMIC_ACQUIRE)))
		return NMM_FREE_SLOW;
	page->flags = (flags & ~NMM_ALLOC_ORDER_MASK) | (1UL << PG_pcp);
	struct list_head *list = &pcp->lists[mt], *first = list->next;
	page->lru.next = first;
	page->lru.prev = list;
	first->prev = &page->lru;
	list->next = &page->lru;
	pcp->ev.pgfree++;
	int over = ++pcp->count >= pcp->high;
	spin_unlock(&pcp->lock);
	*fp = f;
	return over ? NMM_FREE_DONE_DRAIN : NMM_FREE_DONE;
}

#endif
