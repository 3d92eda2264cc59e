/* lib/slab/slab_fastpath.h - the inline entry of every allocation and free (kmem_cache_* and
 * kmalloc/kfree): the back end's inline fast path when the cache has one, else the slow entry
 * in slab_common.c (mm/slub.c slab_alloc_node / slab_free shape).
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_FASTPATH_H
#define NUMAMM_LIB_SLAB_SLAB_FASTPATH_H

#include "slab.h"
#include "slab_classic_fast.h"
#include "slub_fast.h"

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node,
					     unsigned long caller)
{
	void *obj;
	/* The inline fast path (slub_fast.h: a pop from the CPU's freelist inside rseq; SLAB's
	 * slab_classic_fast.h: a pop from the CPU's array cache); anything else, including the
	 * first allocation of a CPU, goes to the back end. */
	if ((likely(s->fast == SLAB_FAST_SLUB) && likely(node == NUMA_NO_NODE) && slub_alloc_fast(s, &obj)) ||
	    (s->fast == SLAB_FAST_SLAB && node == NUMA_NO_NODE && slabc_alloc_fast(s, &obj))) {
		if (unlikely(gfp & __GFP_ZERO))
			memset(obj, 0, s->object_size);
		return obj;
	}
	return __slab_alloc_slow(s, gfp, node, caller);
}

static __always_inline void slab_free(struct kmem_cache *s, void *obj, unsigned long caller,
				      const char *fn)
{
	if (likely(s->fast == SLAB_FAST_SLUB)) {
		struct slab *slab = slub_obj_slab_fast(s, obj);
		if (likely(slab) && slub_free_fast(s, slab, obj))
			return;
	} else if (s->fast == SLAB_FAST_SLAB && slabc_free_fast(s, obj)) {
		return;
	}
	struct kmem_cache *found;
	if (!slab_free_check(s, obj, caller, fn, &found))
		return;
	__slab_free_slow(s, obj, caller);
}

#endif
