/* lib/slab/slab_pages.c - slab pages: taken from and given back to the page allocator for every
 * back end (mm/slub.c allocate_slab/__free_slab, mm/slab.c kmem_getpages), with the slab page
 * counters the reports show, RCU-deferred freeing for SLAB_TYPESAFE_BY_RCU, the slab order
 * calculation. (The back ends' own metadata: slab_meta.c.)
 */
#include <errno.h>
#include <string.h>

#include <numamm/linux/rcupdate.h>

#include "slab.h"
#include "slab_asan.h"

static unsigned long slab_pages_node[NMM_MAX_NODES][2];   /* [nid][reclaimable] */

unsigned long nmm_slab_pages(int nid, bool reclaimable)
{
	if (nid < 0 || nid >= NMM_MAX_NODES)
		return 0;
	return __atomic_load_n(&slab_pages_node[nid][reclaimable], __ATOMIC_RELAXED);
}

/* GFP bits a caller may pass for slab memory; zone and mobility come from the cache
 * (kmalloc_fix_flags: anything else is reported once and dropped). */
#define SLAB_GFP_ALLOWED (__GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_ATOMIC | __GFP_DIRECT_RECLAIM | \
			  __GFP_KSWAPD_RECLAIM | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
			  __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC | __GFP_HARDWALL |       \
			  __GFP_THISNODE | __GFP_ACCOUNT | __GFP_ZERO | __GFP_DMA | __GFP_DMA32 |   \
			  __GFP_RECLAIMABLE | __GFP_WRITE | __GFP_COMP)

static gfp_t slab_fix_gfp(struct kmem_cache *s, gfp_t gfp)
{
	static int warned;
	gfp_t bad = gfp & ~SLAB_GFP_ALLOWED;
	if (unlikely(bad) && !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		slab_report(s, "Unexpected gfp: %#x. Fixing up to gfp: %#x. Fix your code!", gfp, gfp & ~bad);
	gfp &= SLAB_GFP_ALLOWED & ~__GFP_ZERO;
	if (!s)
		return gfp;     /* SLOB's shared pages: the caller's zone bits only */
	return gfp | s->allocflags | (s->order ? __GFP_COMP : 0);
}

struct slab *slab_pages_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned int order)
{
	gfp = slab_fix_gfp(s, gfp);
	if (order)
		gfp |= __GFP_COMP;
	struct page *page = alloc_pages_node(node, gfp, order);
	if (!page)
		return NULL;
	struct slab *slab = page_slab(page);
	slab->slab_cache = s;
	slab->freelist = NULL;
	slab->counters = 0;
	INIT_LIST_HEAD(&slab->slab_list);
	__SetPageSlab(page);
	for (unsigned int i = 1; i < (1U << order); i++)   /* nmm_linear_slab_cache's copy */
		__atomic_store_n(&page[i].mapping, (void *)s, __ATOMIC_RELAXED);
	bool rec = s && (s->flags & SLAB_RECLAIM_ACCOUNT);
	__atomic_fetch_add(&slab_pages_node[page_to_nid(page)][rec], 1UL << order, __ATOMIC_RELAXED);
	return slab;
}

static void slab_pages_release(struct slab *slab, unsigned int order, bool reclaimable)
{
	struct page *page = slab_page(slab);
	__atomic_fetch_sub(&slab_pages_node[page_to_nid(page)][reclaimable], 1UL << order, __ATOMIC_RELAXED);
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	page->lru.next = page->lru.prev = NULL;
	for (unsigned int i = 1; i < (1U << order); i++)
		__atomic_store_n(&page[i].mapping, NULL, __ATOMIC_RELAXED);
	__ClearPageSlab(page);
	slab_asan_release(page_address(page), PAGE_SIZE << order);
	__free_pages(page, order);
}

/* SLAB_TYPESAFE_BY_RCU: the rcu_head lives in the (now unused) slab_list words, the order and
 * accounting bit in freelist. */
static void slab_pages_free_rcu(struct rcu_head *head)
{
	struct slab *slab = container_of((void *)head, struct slab, slab_list);
	unsigned long word = (unsigned long)slab->freelist;
	slab_pages_release(slab, (unsigned int)(word >> 1), word & 1);
}

void slab_pages_free(struct kmem_cache *s, struct slab *slab, unsigned int order)
{
	bool rec = s && (s->flags & SLAB_RECLAIM_ACCOUNT);
	__atomic_store_n(&slab->owner_cpu, -1, __ATOMIC_RELAXED);   /* the page's _mapcount again */
	if (s && (s->flags & SLAB_TYPESAFE_BY_RCU)) {
		_Static_assert(sizeof(struct rcu_head) <= sizeof(struct list_head), "rcu_head in slab_list");
		slab->freelist = (void *)((unsigned long)order << 1 | rec);
		call_rcu((struct rcu_head *)&slab->slab_list, slab_pages_free_rcu);
		return;
	}
	slab_pages_release(slab, order, rec);
}

/* calculate_order (mm/slub.c): the smallest order whose leftover is at most 1/16 of the slab,
 * with at least @min_objects objects, relaxing the waste rule before giving up. */
unsigned int slab_calculate_order(unsigned int size, unsigned int min_objects, unsigned int max_order)
{
	for (unsigned int fraction = 16; fraction >= 1; fraction /= 2) {
		unsigned int objs = min_objects;
		while (objs > 1) {
			for (unsigned int order = 0; order <= max_order; order++) {
				unsigned long slab_size = PAGE_SIZE << order;
				if (slab_size < (unsigned long)objs * size)
					continue;
				unsigned long rem = slab_size % size;
				if (rem <= slab_size / fraction)
					return order;
			}
			objs /= 2;
		}
	}
	for (unsigned int order = 0; order <= MAX_ORDER; order++)
		if ((PAGE_SIZE << order) >= size)
			return order;
	return MAX_ORDER;
}
