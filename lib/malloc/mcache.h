/* lib/malloc/mcache.h - free()'s per-CPU object cache: a magazine (lib/percpu/mag.h) per CPU and
 * size class in front of the kmalloc caches, pushed by free() and popped by malloc() inside rseq
 * critical sections — no lock, no atomic, and no trip through SLUB when a program frees objects
 * of slabs that are not its CPU's active slab (random frees in a big working set, the larson
 * pattern: SLUB's slow free and refill paths cost ~60 ns a pair there, the magazine ~10).
 *
 * Which objects may enter (mcache_push), all checked from the slab page, never from the object:
 *   - the kmalloc-16 … kmalloc-8k caches of power-of-two sizes (MC_NR classes). From 64 B on
 *     objects are whole cache lines, so handing a freed one to the freeing CPU never makes two
 *     CPUs write one line (Hoard's passive false sharing, the cache-scratch test). 16 and 32 B
 *     objects share lines: they enter only from slabs that were last the freeing CPU's own
 *     active slab (slab->owner_cpu), whose neighbours that CPU handed out — what SLUB would do
 *     with them too; an object of another CPU's slab takes SLUB's path back to its slab. 96 and
 *     192 B objects (not powers of two) always do;
 *   - object starts (a power-of-two size divides the offset; anything else is kfree()'s to
 *     report);
 *   - objects of the calling CPU's node: the magazine only ever holds local memory, so malloc's
 *     pop stays NUMA-local; a remote object goes home through SLUB.
 * A freed object carries mc_key in its second word while it sits in a magazine; a free that finds
 * the key searches every CPU's magazines and reports a double free instead of caching it twice
 * (glibc's tcache searches the thread's own cache the same way). Magazines hold at most MC_BYTES
 * per class and CPU; malloc_trim and the RSS trim threshold drain them (mcache_drain), so their
 * objects never pin pages.
 * Off (mc_on false): no rseq, no membarrier, NUMAMM_MALLOC_DEBUG (every free is checked in
 * full), or a policy other than local. Bypassed while kmalloc or kfree is traced (perf sees
 * every malloc as a kmalloc) or failslab is armed (which raises those semaphores).
 */
#ifndef NUMAMM_LIB_MALLOC_MCACHE_H
#define NUMAMM_LIB_MALLOC_MCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <numamm/cpu.h>
#include <numamm/linux/numa.h>

#include "percpu/mag.h"
#include "slab/slab.h"
#include "trace/slab_events.h"

#define MC_NR 10                     /* 16, 32, 64, 128, ..., 8192 */
#define MC_MIN_SHIFT 4
#define MC_LINE_SHARING 2            /* classes below this share cache lines: 16, 32 */
#define MC_BYTES (16UL << 10)        /* per class and CPU; at least 2 objects */

struct mcache_cpu {
	struct nmm_mag mag[MC_NR];
};

/* Hidden: the fast paths address them pc-relative, not through the GOT (one lea each saved). */
#define MC_HIDDEN __attribute__((visibility("hidden")))
extern bool mc_on MC_HIDDEN;
extern int mc_nr_cpus MC_HIDDEN;
extern uint64_t mc_key MC_HIDDEN;
extern struct mcache_cpu *mc_cpus MC_HIDDEN;
extern struct kmem_cache *mc_cache[MC_NR] MC_HIDDEN;

void mcache_init(void);                      /* at boot, state UP and local policy */
size_t mcache_drain(void);                   /* every CPU's magazines back to SLUB: objects */
void mcache_count(size_t *objects, size_t *bytes, uint64_t *pushes);
bool mcache_double_free(const void *p, const void *caller);   /* found in a magazine, reported? */
bool mcache_flush_push(void *p, struct kmem_cache *s);       /* made room and pushed @p? */
void mcache_atfork_prepare(void);
void mcache_atfork_parent(void);
void mcache_atfork_child(void);

/* The class of a request of @n (16..8192 after rounding) bytes, or -1 for sizes whose kmalloc
 * class stays out (96, 192) or is past kmalloc-8k. */
static __always_inline int mcache_class(size_t n)
{
	/* n <= 256 by (n - 1) / 8: 1..16 -> 0, 17..32 -> 1, 33..64 -> 2, 97..128 -> 3, 193..256 -> 4 */
	static const signed char small[32] = {
		0, 0, 1, 1, 2, 2, 2, 2, -1, -1, -1, -1, 3, 3, 3, 3,
		-1, -1, -1, -1, -1, -1, -1, -1, 4, 4, 4, 4, 4, 4, 4, 4,
	};
	if (n <= 256)
		return small[(n - 1) >> 3];
	if (n > (1UL << (MC_MIN_SHIFT + MC_NR - 1)))
		return -1;
	return (64 - __builtin_clzl(n - 1)) - MC_MIN_SHIFT;   /* 257..512 -> 5 ... 8192 -> 9 */
}

static __always_inline bool mcache_pop(size_t n, void **out)
{
#if NMM_HAVE_RSEQ_MAG
	/* kmalloc's trace semaphore is also raised while failslab is armed (lib/fault/fault.h):
	 * then every allocation goes to kmalloc, to be traced or to be failed. */
	if (!mc_on || NMM_TRACE_ENABLED(kmalloc))
		return false;
	int c = mcache_class(n);
	if (c < 0)
		return false;
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	if ((unsigned int)cpu >= (unsigned int)mc_nr_cpus)
		return false;
	if (!nmm_mag_pop_rseq(rs, cpu, &mc_cpus[cpu].mag[c], out))
		return false;
	((uint64_t *)*out)[1] = 0;
	return true;
#else
	(void)n, (void)out;
	return false;
#endif
}

/* The class whose magazines take objects of @s, or MC_NR or more when @s is not one of mc_cache. */
static __always_inline unsigned int mcache_cache_class(const struct kmem_cache *s)
{
	unsigned int c = (unsigned int)__builtin_ctz(s->object_size | (1U << 31)) - MC_MIN_SHIFT;
	return c < MC_NR && mc_cache[c] == s ? c : MC_NR;
}

/* What mcache_push did with an object: declined it (the caller frees it through kfree), cached
 * it, found mc_key in its second word (the caller asks mcache_double_free: a double free, or a
 * program's data that happens to hold the key), or failed to push it — most often because the
 * magazine is full (the caller asks mcache_flush_push, out of line). */
enum mc_push { MC_DECLINED, MC_PUSHED, MC_KEYED, MC_FULL };

/* @s, @page: nmm_linear_slab_cache(@p), which free() looked up once for both this and kfree. */
static __always_inline enum mc_push mcache_push(void *p, struct kmem_cache *s, struct page *page)
{
#if NMM_HAVE_RSEQ_MAG
	if (!mc_on || NMM_TRACE_ENABLED(kfree))
		return MC_DECLINED;
	unsigned int c = mcache_cache_class(s);
	if (c >= MC_NR || ((uintptr_t)p & (s->object_size - 1)))
		return MC_DECLINED;
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	/* mc_nr_cpus <= NMM_MAX_CPUS (mcache_init), so the map needs no second bounds test */
	if ((unsigned int)cpu >= (unsigned int)mc_nr_cpus || page_to_nid(page) != nmm_cpu_to_node_map[cpu])
		return MC_DECLINED;
	if (c < MC_LINE_SHARING &&
	    __atomic_load_n(&page_slab(nmm_compound_head(page))->owner_cpu, __ATOMIC_RELAXED) != cpu)
		return MC_DECLINED;
	uint64_t *w = p;
	if (unlikely(w[1] == mc_key))
		return MC_KEYED;
	w[1] = mc_key;
	if (likely(nmm_mag_push_rseq(rs, cpu, &mc_cpus[cpu].mag[c], p)))
		return MC_PUSHED;
	w[1] = 0;
	return MC_FULL;          /* full, or locked, or restarted: mcache_flush_push tells which */
#else
	(void)p, (void)s, (void)page;
	return MC_DECLINED;
#endif
}

#endif
