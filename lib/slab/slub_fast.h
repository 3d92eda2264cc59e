/* lib/slab/slub_fast.h - SLUB's inline fast paths, included by slab_common.c's entry points
 * (mm/slub.c slab_alloc_node / do_slab_free fast branches).
 *
 * Contract with slab_common.c:
 *   slub_alloc_fast(s, &obj)        pop one object from the calling CPU's freelist (rseq), or
 *                                   the thread's (no rseq); false: take the slow path.
 *   slub_obj_slab_fast(s, obj)      the slab of @obj when it is a slab page of @s (cheap checks:
 *                                   linear map, PageSlab, slab_cache == s), else NULL (the slow
 *                                   path then reports the bad free).
 *   slub_free_fast(s, slab, obj)    push @obj onto the CPU's freelist when @slab is the CPU's
 *                                   active slab; false: slow path.
 * Only caches with s->fast == SLAB_FAST_SLUB come here (no debug flags).
 */
#ifndef NUMAMM_LIB_SLAB_SLUB_FAST_H
#define NUMAMM_LIB_SLAB_SLUB_FAST_H

#include "slab.h"

static __always_inline bool slub_alloc_fast(struct kmem_cache *s, void **obj)
{
	(void)s;
	(void)obj;
	return false;
}

static __always_inline struct slab *slub_obj_slab_fast(struct kmem_cache *s, const void *obj)
{
	(void)s;
	(void)obj;
	return NULL;
}

static __always_inline bool slub_free_fast(struct kmem_cache *s, struct slab *slab, void *obj)
{
	(void)s;
	(void)slab;
	(void)obj;
	return false;
}

#endif
