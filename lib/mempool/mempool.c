/* lib/mempool/mempool.c - memory pools with guaranteed forward progress, the semantics of the
 * kernel's mm/mempool.c: the allocator first (without direct reclaim or I/O), then the reserve,
 * then — for masks that may sleep — the full mask once, then wait for an element to come back,
 * re-trying the allocator every MEMPOOL_RETRY_SECONDS while waiting.
 *
 * The common case takes no lock: mempool_alloc calls the allocator, mempool_free reads curr_nr
 * (a racy read is fine, as in the kernel: a stale "full" just frees to the allocator, a stale
 * "short" is re-checked under the lock). The lock guards elements[] and curr_nr; the condition
 * variable replaces the kernel's wait queue.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "../sanitize.h"
#include "../slab/slab_fastpath.h"
#include "../trace/mempool_events.h"

#define MEMPOOL_RETRY_SECONDS 5      /* io_schedule_timeout(5 * HZ) */

/* ASan builds: an element in the reserve is nobody's to touch, so it is poisoned while it sits
 * there (as KASAN does in mm/mempool.c) and unpoisoned when it leaves — for the caller or for
 * pool->free. The pools of the helpers below know their elements' size (a kmalloc pool only the
 * size it asks for, so kmalloc's red zone past it stays: slab/slab_asan.h); elements of other
 * allocators are left alone. */
#if NMM_ASAN
static void *element_bytes(const mempool_t *pool, void *element, size_t *len)
{
	if (pool->alloc == mempool_kmalloc) {
		*len = (size_t)pool->pool_data;
		return element;
	}
	if (pool->alloc == mempool_alloc_slab) {
		*len = ((struct kmem_cache *)pool->pool_data)->object_size;
		return element;
	}
	if (pool->alloc == mempool_alloc_pages && !PageHighMem(element)) {
		*len = PAGE_SIZE << (unsigned int)(long)pool->pool_data;
		return page_address(element);
	}
	*len = 0;
	return NULL;
}
#endif

static void poison_element(const mempool_t *pool, void *element)
{
#if NMM_ASAN
	size_t len;
	void *p = element_bytes(pool, element, &len);
	if (p)
		ASAN_POISON_MEMORY_REGION(p, len);
#else
	(void)pool, (void)element;
#endif
}

static void unpoison_element(const mempool_t *pool, void *element)
{
#if NMM_ASAN
	size_t len;
	void *p = element_bytes(pool, element, &len);
	if (p)
		ASAN_UNPOISON_MEMORY_REGION(p, len);
#else
	(void)pool, (void)element;
#endif
}

static void add_element(mempool_t *pool, void *element)
{
	poison_element(pool, element);
	pool->elements[pool->curr_nr] = element;
	__atomic_store_n(&pool->curr_nr, pool->curr_nr + 1, __ATOMIC_RELAXED);
}

static void *remove_element(mempool_t *pool)
{
	void *element = pool->elements[pool->curr_nr - 1];
	__atomic_store_n(&pool->curr_nr, pool->curr_nr - 1, __ATOMIC_RELAXED);
	unpoison_element(pool, element);
	return element;
}

void mempool_exit(mempool_t *pool)
{
	if (!pool->elements)
		return;
	while (pool->curr_nr)
		pool->free(remove_element(pool), pool->pool_data);
	kfree(pool->elements);
	pool->elements = NULL;
	pthread_cond_destroy(&pool->wait);
	pthread_mutex_destroy(&pool->lock);
}

int mempool_init_node(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		      void *pool_data, gfp_t gfp_mask, int node_id)
{
	if (!pool || min_nr < 0 || !alloc_fn || !free_fn) {
		fprintf(stderr, "numamm: mempool_init: bad arguments (min_nr %d)\n", min_nr);
		return -EINVAL;
	}
	memset(pool, 0, sizeof(*pool));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->wait, &ca);
	pthread_condattr_destroy(&ca);
	pool->min_nr = min_nr;
	pool->refill_below = min_nr ? min_nr : 1;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->node = node_id;
	pool->slub_fast = alloc_fn == mempool_alloc_slab && free_fn == mempool_free_slab &&
			  ((struct kmem_cache *)pool_data)->fast == SLAB_FAST_SLUB;
	/* One slot even for min_nr 0, so mempool_initialized() is true. */
	pool->elements = kmalloc_array_node((size_t)(min_nr ? min_nr : 1), sizeof(void *), gfp_mask, node_id);
	if (!pool->elements)
		goto fail;
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(gfp_mask, pool->pool_data);
		if (!element)
			goto fail;
		add_element(pool, element);
	}
	return 0;
fail:
	mempool_exit(pool);
	if (!pool->elements) {
		pthread_mutex_destroy(&pool->lock);
		pthread_cond_destroy(&pool->wait);
	}
	return -ENOMEM;
}

int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		 void *pool_data)
{
	return mempool_init_node(pool, min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL, NUMA_NO_NODE);
}

mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int nid)
{
	if (nmm_boot_if_needed())
		return NULL;
	mempool_t *pool = kzalloc_node(sizeof(*pool), gfp_mask, nid);
	if (!pool)
		return NULL;
	if (mempool_init_node(pool, min_nr, alloc_fn, free_fn, pool_data, gfp_mask, nid)) {
		kfree(pool);
		return NULL;
	}
	return pool;
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn, void *pool_data)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL, NUMA_NO_NODE);
}

void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	mempool_exit(pool);
	kfree(pool);
}

int mempool_resize(mempool_t *pool, int new_min_nr)
{
	if (!pool || new_min_nr <= 0) {
		fprintf(stderr, "numamm: mempool_resize: bad new_min_nr %d\n", new_min_nr);
		return -EINVAL;
	}
	pthread_mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) {
		while (pool->curr_nr > new_min_nr) {
			void *element = remove_element(pool);
			pthread_mutex_unlock(&pool->lock);
			pool->free(element, pool->pool_data);
			pthread_mutex_lock(&pool->lock);
		}
		pool->min_nr = new_min_nr;
		__atomic_store_n(&pool->refill_below, new_min_nr, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&pool->lock);
		return 0;
	}
	pthread_mutex_unlock(&pool->lock);

	/* Grow: a larger array first (no lock held while allocating), then fill it. */
	void **new_elements = kmalloc_array_node((size_t)new_min_nr, sizeof(void *), GFP_KERNEL, pool->node);
	if (!new_elements)
		return -ENOMEM;
	pthread_mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) {       /* raced with another resize */
		pthread_mutex_unlock(&pool->lock);
		kfree(new_elements);
		return mempool_resize(pool, new_min_nr);
	}
	memcpy(new_elements, pool->elements, (size_t)pool->curr_nr * sizeof(void *));
	void **old = pool->elements;
	pool->elements = new_elements;
	pool->min_nr = new_min_nr;
	__atomic_store_n(&pool->refill_below, new_min_nr, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&pool->lock);
	kfree(old);

	while (__atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) < pool->min_nr) {
		void *element = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!element)
			return 0;                     /* kernel: the reserve fills up from frees later */
		pthread_mutex_lock(&pool->lock);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
			element = NULL;
		}
		pthread_mutex_unlock(&pool->lock);
		if (element) {
			pool->free(element, pool->pool_data);
			break;
		}
	}
	return 0;
}

static void wait_for_free(mempool_t *pool)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += MEMPOOL_RETRY_SECONDS;
	pool->waits++;
	trace_mempool_wait(pool, pool->curr_nr);
	/* Spurious wakeups and timeouts are both fine: the caller retries the allocator. */
	pthread_cond_timedwait(&pool->wait, &pool->lock, &until);
}

static noinline void *mempool_alloc_slow(mempool_t *pool, gfp_t gfp_mask, gfp_t gfp_temp)
{
	for (;;) {
		pthread_mutex_lock(&pool->lock);
		if (likely(pool->curr_nr)) {
			void *element = remove_element(pool);
			pthread_mutex_unlock(&pool->lock);
			trace_mempool_alloc(pool, element, 1);
			return element;
		}
		if (gfp_temp != gfp_mask) {
			/* Reserve empty: the allocator once more with everything the caller allows. */
			pthread_mutex_unlock(&pool->lock);
			gfp_temp = gfp_mask;
		} else if (!(gfp_mask & __GFP_DIRECT_RECLAIM)) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		} else {
			wait_for_free(pool);
			pthread_mutex_unlock(&pool->lock);
		}
		void *element = pool->alloc(gfp_temp, pool->pool_data);
		if (element) {
			trace_mempool_alloc(pool, element, 0);
			return element;
		}
	}
}

static noinline void *mempool_alloc_generic(mempool_t *pool, gfp_t gfp_mask)
{
	gfp_mask |= __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN;
	gfp_t gfp_temp = gfp_mask & ~(__GFP_DIRECT_RECLAIM | __GFP_IO);
	void *element = pool->alloc(gfp_temp, pool->pool_data);
	if (likely(element)) {
		trace_mempool_alloc(pool, element, 0);
		return element;
	}
	return mempool_alloc_slow(pool, gfp_mask, gfp_temp);
}

/*
 * mempool_alloc - the common case is one allocator call; for a slab pool on a SLUB cache it is
 * SLUB's own inline pop behind four tests (a SLUB slab pool, no __GFP_ZERO, neither mempool_alloc
 * nor kmem_cache_alloc traced) and no stack frame: the cost of the guarantee is the first test.
 * The pop needs no reclaim, so the mask mempool_alloc_generic builds does not matter to it.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	if (likely(pool->slub_fast) && likely(!(gfp_mask & __GFP_ZERO)) &&
	    !NMM_TRACE_ENABLED(mempool_alloc) && !NMM_TRACE_ENABLED(kmem_cache_alloc)) {
		void *element = slub_alloc_fast(pool->pool_data);
		if (likely(element))
			return element;
	}
	return mempool_alloc_generic(pool, gfp_mask);
}

static noinline void mempool_free_slow(void *element, mempool_t *pool)
{
	/* Refill a short reserve first (min_nr 0 pools: keep one element for a waiter, as the
	 * kernel does since 5.x, so a waiter is never starved by an empty-by-design reserve). */
	int want = __atomic_load_n(&pool->refill_below, __ATOMIC_RELAXED);
	if (__atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) < want) {
		pthread_mutex_lock(&pool->lock);
		if (pool->curr_nr < want) {
			add_element(pool, element);
			pthread_cond_signal(&pool->wait);
			pthread_mutex_unlock(&pool->lock);
			trace_mempool_free(pool, element, 1);
			return;
		}
		pthread_mutex_unlock(&pool->lock);
	}
	trace_mempool_free(pool, element, 0);
	pool->free(element, pool->pool_data);
}

void mempool_free(void *element, mempool_t *pool)
{
	if (unlikely(element == NULL))
		return;
	/* A racy read, as the kernel's: a stale "full" frees to the allocator, a stale "short" is
	 * checked again under the lock. */
	int curr = __atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED);
	if (unlikely(curr < __atomic_load_n(&pool->refill_below, __ATOMIC_RELAXED) ||
		     NMM_TRACE_ENABLED(mempool_free))) {
		mempool_free_slow(element, pool);
		return;
	}
	if (likely(pool->slub_fast) && !NMM_TRACE_ENABLED(kmem_cache_free) &&
	    likely(slub_free_fast(pool->pool_data, element)))
		return;
	pool->free(element, pool->pool_data);
}

/* ---- allocator helpers ---- */

void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp_mask);
}

void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
}

void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}

void mempool_kfree(void *element, void *pool_data)
{
	(void)pool_data;
	kfree(element);
}

void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(long)pool_data);
}

void mempool_free_pages(void *element, void *pool_data)
{
	__free_pages(element, (unsigned int)(long)pool_data);
}
