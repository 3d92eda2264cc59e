/* linux/mempool.h - memory pools with guaranteed forward progress (Linux 6.1 API, mm/mempool.c).
 *
 * A pool keeps min_nr elements in reserve. mempool_alloc() asks the underlying allocator first
 * (without direct reclaim), then takes from the reserve, and when both are empty and the GFP
 * mask allows sleeping, waits for a mempool_free() (re-trying the allocator every few seconds
 * while it waits): it never fails for a sleeping mask. GFP_ATOMIC and GFP_NOWAIT get NULL when
 * both are empty. mempool_free() refills the reserve before giving memory back.
 */
#ifndef NUMAMM_LINUX_MEMPOOL_H
#define NUMAMM_LINUX_MEMPOOL_H

#include <pthread.h>

#include "../ktypes.h"
#include "gfp.h"
#include "numa.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kmem_cache;

typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);

/* Invariant: 0 <= curr_nr <= min_nr; elements[0..curr_nr) are the reserve. */
typedef struct mempool_s {
	pthread_mutex_t lock;
	pthread_cond_t wait;            /* signalled by mempool_free when it refills the reserve */
	int min_nr;
	int curr_nr;
	int refill_below;               /* mempool_free refills the reserve while curr_nr is below:
					 * min_nr, or 1 for a min_nr 0 pool (one kept for a waiter) */
	int slub_fast;                  /* a slab pool on a cache with SLUB's inline fast path */
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	int node;                       /* node of the elements array (mempool_*_node) */
	unsigned long waits;            /* times an allocation had to wait (for tests/reports) */
} mempool_t;

static inline bool mempool_initialized(mempool_t *pool) { return pool->elements != NULL; }
static inline bool mempool_is_saturated(mempool_t *pool)
{
	return __atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) >= pool->min_nr;
}

/**
 * mempool_init_node - set up an embedded pool and pre-fill @min_nr elements.
 * @gfp_mask: for the pre-fill and the elements array (e.g. GFP_KERNEL)
 * @node_id: node of the elements array (NUMA_NO_NODE: local)
 * Context: may sleep when @gfp_mask allows.
 * Return: 0, -EINVAL for bad arguments, -ENOMEM when the pre-fill fails (nothing kept).
 */
int mempool_init_node(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		      void *pool_data, gfp_t gfp_mask, int node_id);
int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		 void *pool_data);
/* mempool_exit - give the reserve back to the allocator; the pool must not be in use. */
void mempool_exit(mempool_t *pool);

/* mempool_create(_node) - allocate and initialise a pool. Return: the pool or NULL. */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn, void *pool_data);
mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int nid);
/**
 * mempool_resize - change the reserve to @new_min_nr elements (shrinking frees the surplus,
 * growing allocates with GFP_KERNEL).
 * Context: may sleep.
 * Return: 0, -EINVAL, or -ENOMEM (the pool is unchanged).
 */
int mempool_resize(mempool_t *pool, int new_min_nr);
/* mempool_destroy - give every reserved element back and free the pool (NULL is fine). Elements
 * still held by users must not be freed to the pool afterwards. */
void mempool_destroy(mempool_t *pool);

/**
 * mempool_alloc - an element, from the allocator or the reserve.
 * Context: sleeps (waiting for a free) only when @gfp_mask has __GFP_DIRECT_RECLAIM.
 * Return: an element; NULL only for a mask that cannot sleep.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask) __attribute__((__malloc__));
/* mempool_free - return @element: into the reserve when it is short, else to the allocator. */
void mempool_free(void *element, mempool_t *pool);

/* Allocator helpers: a slab cache (pool_data = the kmem_cache), kmalloc (pool_data = size),
 * pages (pool_data = order; elements are struct page *). */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);
void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data);
void mempool_free_pages(void *element, void *pool_data);

static inline int mempool_init_slab_pool(mempool_t *pool, int min_nr, struct kmem_cache *kc)
{
	return mempool_init(pool, min_nr, mempool_alloc_slab, mempool_free_slab, (void *)kc);
}
static inline mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, (void *)kc);
}
static inline int mempool_init_kmalloc_pool(mempool_t *pool, int min_nr, size_t size)
{
	return mempool_init(pool, min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}
static inline mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}
static inline int mempool_init_page_pool(mempool_t *pool, int min_nr, int order)
{
	return mempool_init(pool, min_nr, mempool_alloc_pages, mempool_free_pages, (void *)(long)order);
}
static inline mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	return mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages, (void *)(long)order);
}

#ifdef __cplusplus
}
#endif

#endif
