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
#include <string.h>

#include "fastpath.h"

#include <pthread.h>

struct nmm_pcp_fast nmm_pcp_fast[NMM_MAX_CPUS];
__thread struct nmm_thread_pcp nmm_thread_pcp __attribute__((tls_model("initial-exec")));
static pthread_key_t thread_pcp_key;
static LIST_HEAD(thread_pcps);                 /* every thread's set in use: the registry */
static pthread_mutex_t thread_pcps_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t thread_pcp_key_once = PTHREAD_ONCE_INIT;

/* Fold a per-thread magazine's activity into its zone's counters (atomically: other threads'
 * folds and readers race with us). Allocations follow from pushes, flushes and the count. */
void nmm_thread_pcp_fold(struct nmm_thread_pcp *t, unsigned long refilled, unsigned long flushed)
{
	uint64_t pushes = 0, count = 0;
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
		pushes += nmm_mag_pushes(&t->mag[mt]);
		count += nmm_mag_count(&t->mag[mt]);
	}
	unsigned long frees = (unsigned long)(pushes - t->folded_pushes) - refilled;
	unsigned long allocs = refilled + frees - flushed - (unsigned long)(count - t->folded_count);
	t->folded_pushes = pushes;
	t->folded_count = count;
	struct zone_cpu_events *ev = &t->zone->thread_ev;
	__atomic_fetch_add(&ev->pgfree, frees, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ev->pgalloc, allocs, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ev->numa_hit, allocs, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ev->numa_local, allocs, __ATOMIC_RELAXED);
}

/* Give every page of this thread's magazines back to the buddy lists. */
void nmm_thread_pcp_flush(struct nmm_thread_pcp *t)
{
	if (!t->key)
		return;
	struct zone *zone = t->zone;
	unsigned long flushed = 0;
	spin_lock(&zone->lock);
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
		void *obj;
		while (nmm_mag_pop_local(&t->mag[mt], &obj)) {
			struct page *page = obj;
			__ClearPagePcp(page);
			__free_one_page(page, page_to_pfn(page), zone, 0, get_pageblock_migratetype(page));
			__mod_zone_page_state(zone, NR_FREE_PAGES, 1);
			flushed++;
		}
	}
	spin_unlock(&zone->lock);
	nmm_thread_pcp_fold(t, 0, flushed);
}

static void thread_pcp_exit(void *arg)
{
	struct nmm_thread_pcp *t = arg;
	pthread_mutex_lock(&thread_pcps_lock);   /* against nmm_thread_pcps_void() at shutdown */
	nmm_thread_pcp_flush(t);
	if (t->key)
		list_del_init(&t->registry);
	__atomic_store_n(&t->key, 0UL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&thread_pcps_lock);
}

void nmm_thread_pcps_void(void)
{
	pthread_mutex_lock(&thread_pcps_lock);
	struct nmm_thread_pcp *t, *n;
	list_for_each_entry_safe(t, n, &thread_pcps, registry) {
		/* Their pages went with the boot: forget them, do not free them. */
		list_del_init(&t->registry);
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			__atomic_store_n(&t->mag[mt].word, 0UL, __ATOMIC_RELAXED);
		__atomic_store_n(&t->key, 0UL, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&thread_pcps_lock);
}

static void thread_pcp_key_create(void)
{
	pthread_key_create(&thread_pcp_key, thread_pcp_exit);
}

/* Without rseq: make this thread's magazines serve @zone if it is the thread's local zone. */
bool nmm_thread_pcp_ready(struct zone *zone)
{
	struct nmm_thread_pcp *t = &nmm_thread_pcp;
	if (!t->key) {
		unsigned int cpu = nmm_this_cpu();
		struct zone *local = nmm_pcp_fast[cpu].zone;
		if (!local)
			return false;
		memset(t->mag, 0, sizeof(t->mag));
		t->zone = local;
		t->folded_pushes = t->folded_count = 0;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			t->mag[mt].cap = NMM_MAG_SLOTS;
		pthread_once(&thread_pcp_key_once, thread_pcp_key_create);
		pthread_setspecific(thread_pcp_key, t);
		pthread_mutex_lock(&thread_pcps_lock);
		list_add(&t->registry, &thread_pcps);
		__atomic_store_n(&t->key, nmm_pcp_fast[cpu].match, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&thread_pcps_lock);
	}
	return t->zone == zone;
}

/* Top a magazine up to half full from the pcp list behind it (pcp->lock held). */
static void mag_refill_from_list(struct per_cpu_pages *pcp, unsigned int mt, int cpu)
{
	struct list_head *list = &pcp->lists[order_to_pindex((int)mt, 0)];
	struct nmm_thread_pcp *t = &nmm_thread_pcp;
	unsigned long moved = 0;
	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		nmm_page_set_mt(page, mt);
		bool ok;
#if NMM_HAVE_RSEQ_MAG
		if (cpu >= 0) {
			if (nmm_mag_count(&pcp->mag[mt]) >= NMM_MAG_SLOTS / 2)
				ok = false;
			else
				ok = nmm_mag_push_rseq(nmm_rseq_area(), cpu, &pcp->mag[mt], page);
		} else
#endif
		{
			ok = nmm_mag_count(&t->mag[mt]) < NMM_MAG_SLOTS / 2 && nmm_mag_push_local(&t->mag[mt], page);
		}
		if (!ok) {
			list_add(&page->lru, list);
			break;
		}
		NMM_EV_ADD(pcp->count, -1);
		moved++;
	}
	if (cpu >= 0) {
		pcp->ev.mag_refills += moved;
	} else if (moved) {
		pcp->ev.to_thread += moved;
		nmm_thread_pcp_fold(t, moved, 0);
	}
}

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
		NMM_EV_ADD(pcp->count, got << order);
		pcp->ev.refill_pages += (unsigned long)got << order;
		pcp->ev.refills++;
	}
	struct page *page = list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	__ClearPagePcp(page);
	NMM_EV_ADD(pcp->count, -(1 << order));
	pcp->ev.extra_pages += (1UL << order) - 1;
	if (unlikely(zone->node != preferred_nid))
		pcp->ev.numa_miss++;
	if (unlikely(zone->node != cpu_to_node((int)cpu)))
		pcp->ev.numa_other++;
	/* Order 0 in this CPU's local zone: top up the magazine the fast path uses. */
	if (order == 0 && nmm_pcp_fast[cpu].zone == zone) {
		int rcpu = nmm_rseq_cpu();
		if (rcpu >= 0 ? nmm_pcp_fast[cpu].pcp == pcp && (unsigned int)rcpu == cpu
			      : nmm_thread_pcp_ready(zone))
			mag_refill_from_list(pcp, (unsigned int)migratetype, rcpu);
	}
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
			NMM_EV_ADD(pcp->count, -(1 << order));
			pcp->ev.drain_pages += 1UL << order;
			count -= 1 << order;
		}
	}
	spin_unlock(&zone->lock);
	pcp->ev.drains++;
}

bool free_unref_page(struct page *page, unsigned int order)
{
	int mt = (int)((page->flags & NMM_ALLOC_MT_MASK) >> NMM_ALLOC_MT_PGSHIFT);
	if (unlikely(mt >= MIGRATE_PCPTYPES))
		return false;   /* highatomic and isolated pageblocks go straight to the buddy */
	struct zone *zone = page_zone(page);
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[nmm_this_cpu()];
	if (!order && nmm_rseq_cpu() < 0)
		nmm_thread_pcp_ready(zone);   /* so this thread's next frees take the fast path */
	if (unlikely(!spin_trylock(&pcp->lock)))
		return false;
	list_add(&page->lru, &pcp->lists[order_to_pindex(mt, order)]);
	__SetPagePcp(page);
	NMM_EV_ADD(pcp->count, 1 << order);
	pcp->ev.pgfree += 1UL << order;
	if (unlikely(pcp->count >= pcp->high))
		free_pcppages_bulk(zone, pcp->batch, pcp);
	spin_unlock(&pcp->lock);
	return true;
}

/* Empty CPU @cpu's magazines of @zone into its pcp lists (pcp->lock held): lock them, fence so
 * no rseq sequence that missed the lock can still commit, take every page. */
void nmm_pcp_mags_drain(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	if (!nmm_pcp_mag_pages(pcp))
		return;
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
		nmm_mag_lock(&pcp->mag[mt]);
	nmm_mag_fence();
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
		void *pages[NMM_MAG_SLOTS];
		unsigned int n = nmm_mag_take_locked(&pcp->mag[mt], pages, NMM_MAG_SLOTS);
		for (unsigned int i = 0; i < n; i++)
			list_add(&((struct page *)pages[i])->lru, &pcp->lists[order_to_pindex(mt, 0)]);
		NMM_EV_ADD(pcp->count, (int)n);
		nmm_mag_unlock(&pcp->mag[mt]);
	}
}

unsigned long nmm_pcp_mag_pages(struct per_cpu_pages *pcp)
{
	unsigned long n = 0;
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
		n += nmm_mag_count(&pcp->mag[mt]);
	return n;
}

void drain_zone_pages_cpu(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	spin_lock(&pcp->lock);
	nmm_pcp_mags_drain(zone, cpu);
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp);
	spin_unlock(&pcp->lock);
}

void drain_all_pages(struct zone *zone)
{
	nmm_thread_pcp_flush(&nmm_thread_pcp);
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
		n += (unsigned long)__atomic_load_n(&zone->per_cpu_pageset[cpu].count, __ATOMIC_RELAXED) +
		     nmm_pcp_mag_pages(&zone->per_cpu_pageset[cpu]);
	/* Other threads' per-thread magazines (no rseq) are out of sight; the caller's are not. */
	struct nmm_thread_pcp *t = &nmm_thread_pcp;
	if (t->key && t->zone == zone)
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			n += nmm_mag_count(&t->mag[mt]);
	return n;
}
