/* lib/slab/slab_fastpath.h - the inline entry of every allocation and free (kmem_cache_* and
 * kmalloc/kfree): the back end's inline fast path when the cache has one, else the slow entry
 * in slab_common.c (mm/slub.c slab_alloc_node / slab_free shape).
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_FASTPATH_H
#define NUMAMM_LIB_SLAB_SLAB_FASTPATH_H

#include "../fault/fault.h"
#include "../trace/slab_events.h"
#include "slab.h"
#include "slab_classic_fast.h"
#include "slub_fast.h"

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node,
					     unsigned long caller)
{
	/* The inline fast path (slub_fast.h: a pop from the CPU's freelist inside rseq; SLAB's
	 * slab_classic_fast.h: a pop from the CPU's array cache); anything else, including the
	 * first allocation of a CPU, goes to the back end. */
	void *obj = NULL;
	/* failslab (mm/failslab.c, slab_pre_alloc_hook) decides every allocation that misses the
	 * inline fast paths; those are diverted here while it is armed (lib/fault/fault.h): SLUB's
	 * entry points by their trace semaphores (their pop below is then skipped), SLAB's array
	 * cache pop by its CPU bound (slabc_alloc_cpus), so neither fast path tests anything new. */
	if (likely(node == NUMA_NO_NODE)) {
		if (likely(s->fast == SLAB_FAST_SLUB)) {
			if (!nmm_fault_on(NMM_FAULT_SLAB))
				obj = slub_alloc_fast(s);
		} else if (s->fast == SLAB_FAST_SLAB && !slabc_alloc_fast(s, &obj)) {
			obj = NULL;
		}
	}
	if (likely(obj)) {
		if (unlikely(gfp & __GFP_ZERO))
			memset(obj, 0, s->object_size);
		return obj;
	}
	if (nmm_fault_on(NMM_FAULT_SLAB) && should_failslab(s->object_size, gfp, caller))
		return NULL;
	return __slab_alloc_slow(s, gfp, node, caller);
}

/* Free @obj (not NULL) to @s: the back end's inline fast path when it can prove @obj is an
 * object of @s, else the full check (reports bad pointers) and the back end. */
static __always_inline void slab_free(struct kmem_cache *s, void *obj, unsigned long caller,
				      const char *fn)
{
	if (likely(s->fast == SLAB_FAST_SLUB)) {
		if (likely(slub_free_fast(s, obj)))
			return;
	} else if (s->fast == SLAB_FAST_SLAB && slabc_free_fast(s, obj)) {
		return;
	}
	struct kmem_cache *found;
	if (!slab_free_check(s, obj, caller, fn, &found))
		return;
	__slab_free_slow(s, obj, caller);
}

/* The frame-less fast paths of kmem_cache_alloc() and kmem_cache_free(), for callers inside
 * numamm that want them inlined too (mempool): NULL / false sends the caller to the real entry
 * point, which does everything else (zeroing, tracing, other back ends, slow paths). */
static __always_inline void *kmem_cache_alloc_inline_fast(struct kmem_cache *s, gfp_t gfp)
{
	if (likely(s->fast == SLAB_FAST_SLUB) && likely(!(gfp & __GFP_ZERO)) &&
	    !NMM_TRACE_ENABLED(kmem_cache_alloc))
		return slub_alloc_fast(s);
	return NULL;
}

static __always_inline bool kmem_cache_free_inline_fast(struct kmem_cache *s, void *obj)
{
	return likely(s->fast == SLAB_FAST_SLUB) && !NMM_TRACE_ENABLED(kmem_cache_free) &&
	       likely(slub_free_fast(s, obj));
}

#endif
