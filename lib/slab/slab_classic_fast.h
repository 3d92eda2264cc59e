/* lib/slab/slab_classic_fast.h - SLAB's inline fast paths (mm/slab.c ____cache_alloc and
 * ___cache_free's "ac->avail" branches), inlined into every kmem_cache_alloc/free and kmalloc/
 * kfree through slab_fastpath.h, for caches with s->fast == SLAB_FAST_SLAB.
 *
 *   slabc_alloc_fast(s, &obj)   pop the newest object of this CPU's array cache inside an rseq
 *                               sequence: one load of the CPU id, a bounds check, the pop.
 *   slabc_free_fast(s, obj)     the free checks every free needs (linear map, PageSlab, the
 *                               slab is @s's, @obj starts a slot: one multiply), the object's
 *                               node is this CPU's, then a push inside an rseq sequence.
 * false from either: take the slow path (slab_classic.c), which is always correct. Threads
 * without rseq always take it (they have per-thread arrays there).
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_CLASSIC_FAST_H
#define NUMAMM_LIB_SLAB_SLAB_CLASSIC_FAST_H

#include "slab_classic.h"

static __always_inline bool slabc_alloc_fast(struct kmem_cache *s, void **obj)
{
#if SLABC_HAVE_RSEQ
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	if (unlikely((unsigned int)cpu >= (unsigned int)slabc_alloc_cpus))
		return false;
	return ac_pop_rseq(rs, cpu, slabc_cpu_ac(s, (unsigned int)cpu), obj);
#else
	(void)s;
	(void)obj;
	return false;
#endif
}

static __always_inline bool slabc_free_fast(struct kmem_cache *s, void *obj)
{
#if SLABC_HAVE_RSEQ
	if (unlikely(!virt_addr_valid(obj)))
		return false;
	struct page *page = nmm_compound_head(virt_to_page(obj));
	struct slab *slab = page_slab(page);
	if (unlikely(!PageSlab(page) || slab->slab_cache != s || slabc_obj_index(s, slab, obj) < 0))
		return false;
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	if (unlikely((unsigned int)cpu >= (unsigned int)slabc_nr_cpus))
		return false;
	struct array_cache *ac = slabc_cpu_ac(s, (unsigned int)cpu);
	if (unlikely(page_to_nid(page) != ac->node))
		return false;               /* an alien free */
	return ac_push_rseq(rs, cpu, ac, obj);
#else
	(void)s;
	(void)obj;
	return false;
#endif
}

#endif
