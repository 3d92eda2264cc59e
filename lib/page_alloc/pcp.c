/* lib/page_alloc/pcp.c - per-CPU page lists, the allocator's fast path for orders 0..3
 * (mm/page_alloc.c: rmqueue_pcplist, free_unref_page, free_pcppages_bulk, drain_pages).
 *
 * The CPU comes from glibc's rseq area (one load; sched_getcpu() without rseq). Each CPU's set
 * has its own lock taken with trylock, exactly as the kernel has done since 6.0: a thread that
 * migrated after reading its CPU id only shares a lock with the new owner, never corrupts a
 * list, and a failed trylock sends the caller to the buddy lists under zone->lock instead.
 * A list runs dry → rmqueue_bulk() refills `batch` pages; a set grows past `high` → `batch`
 * pages, coldest (tail) first, go back to the buddy.
 */
#include "fastpath.h"

struct nmm_pcp_fast nmm_pcp_fast[NMM_MAX_CPUS];

struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			     unsigned int alloc_flags, int preferred_nid)
{
	unsigned int cpu = nmm_this_cpu();
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	if (unlikely(!spin_trylock(&pcp->lock)))
		return NULL;
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	if (list_empty(list)) {
		int batch = pcp->batch >> order;
		int got = rmqueue_bulk(zone, order, batch > 1 ? batch : 1, list, migratetype, alloc_flags);
		if (!got) {
			spin_unlock(&pcp->lock);
			return NULL;
		}
		pcp->count += got << order;
		pcp->ev.refill_pages += (unsigned long)got << order;
		pcp->ev.refills++;
	}
	struct page *page = list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	__ClearPagePcp(page);
	pcp->count -= 1 << order;
	pcp->ev.extra_pages += (1UL << order) - 1;
	if (unlikely(zone->node != preferred_nid))
		pcp->ev.numa_miss++;
	if (unlikely(zone->node != cpu_to_node((int)cpu)))
		pcp->ev.numa_other++;
	spin_unlock(&pcp->lock);
	return page;
}

/* Give @count pages of @pcp back to the buddy lists, coldest first, highest pindex first. */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	spin_lock(&zone->lock);
	for (int pindex = NR_PCP_LISTS - 1; pindex >= 0 && count > 0; pindex--) {
		struct list_head *list = &pcp->lists[pindex];
		unsigned int order = (unsigned int)(pindex / MIGRATE_PCPTYPES);
		while (count > 0 && !list_empty(list)) {
			struct page *page = list_last_entry(list, struct page, lru);
			list_del(&page->lru);
			__ClearPagePcp(page);
			int mt = get_pageblock_migratetype(page);
			trace_mm_page_pcpu_drain(page, order, mt);
			__free_one_page(page, page_to_pfn(page), zone, order, mt);
			__mod_zone_page_state(zone, NR_FREE_PAGES, 1L << order);
			pcp->count -= 1 << order;
			pcp->ev.drain_pages += 1UL << order;
			count -= 1 << order;
		}
	}
	spin_unlock(&zone->lock);
	pcp->ev.drains++;
}

noinline void nmm_pcp_drain_over_high(struct nmm_pcp_fast *f)
{
	struct per_cpu_pages *pcp = f->pcp;
	spin_lock(&pcp->lock);
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(f->zone, pcp->batch, pcp);
	spin_unlock(&pcp->lock);
}

bool free_unref_page(struct page *page, unsigned int order)
{
	int mt = (int)((page->flags & NMM_ALLOC_MT_MASK) >> NMM_ALLOC_MT_PGSHIFT);
	if (unlikely(mt >= MIGRATE_PCPTYPES))
		return false;   /* highatomic and isolated pageblocks go straight to the buddy */
	struct zone *zone = page_zone(page);
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[nmm_this_cpu()];
	if (unlikely(!spin_trylock(&pcp->lock)))
		return false;
	list_add(&page->lru, &pcp->lists[order_to_pindex(mt, order)]);
	__SetPagePcp(page);
	pcp->count += 1 << order;
	pcp->ev.pgfree += 1UL << order;
	if (unlikely(pcp->count >= pcp->high))
		free_pcppages_bulk(zone, pcp->batch, pcp);
	spin_unlock(&pcp->lock);
	return true;
}

void drain_zone_pages_cpu(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	spin_lock(&pcp->lock);
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp);
	spin_unlock(&pcp->lock);
}

void drain_all_pages(struct zone *zone)
{
	if (zone) {
		if (!zone->per_cpu_pageset)
			return;
		for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
			drain_zone_pages_cpu(zone, cpu);
		return;
	}
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zn = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zn))
				drain_all_pages(zn);
		}
}

unsigned long nmm_zone_pcp_pages(struct zone *zone)
{
	unsigned long n = 0;
	if (!zone->per_cpu_pageset)
		return 0;
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
		n += (unsigned long)__atomic_load_n(&zone->per_cpu_pageset[cpu].count, __ATOMIC_RELAXED);
	return n;
}
