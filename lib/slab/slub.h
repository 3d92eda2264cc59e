/* lib/slab/slub.h - SLUB's internals, shared by its files (mm/slub.c, split by concept):
 *
 *   slub_fast.h   the inline fast paths and struct kmem_cache_cpu
 *   slub.c        the allocator: cache setup, new slabs, the alloc/free slow paths,
 *                 deactivation, shrink, shutdown, the ops table
 *   slub_cpu.c    where a slow path's kmem_cache_cpu comes from: the CPU's (taken inside rseq)
 *                 or the thread's table; draining other CPUs; per-thread tables and thread exit
 *   slub_node.c   per-node partial and full lists, per-CPU partial lists
 *   slub_walk.c   walkers and reports: is_valid, for_each_object, get_info, print_stats
 *
 * Slab states (the kernel's words):
 *   frozen    owned by one kmem_cache_cpu: its active slab or on its partial list. Only the
 *             owner takes objects from slab->freelist; anyone may push frees onto it (cmpxchg
 *             of freelist+counters, lock-free).
 *   partial   not frozen, some objects free: on its node's partial list (node list_lock).
 *   full      not frozen, no object free: on its node's full list (node list_lock). The kernel
 *             keeps full slabs on no list unless debugging; we keep them listed so destroy
 *             reports, for_each_object and is_valid reach every slab.
 *   Every slab of a cache is in exactly one place: a kmem_cache_cpu (active or partial), a
 *   node's partial list, a node's full list, or (briefly) with the thread moving it.
 *
 * Transitions out of frozen (unfreezing) happen with the node's list_lock held, in the same
 * critical section as the list insertion, so a remote free that sees !frozen knows the slab is
 * on its list. A free that finds a full slab (freelist NULL, !frozen) freezes it with its
 * cmpxchg, then takes it off the full list and onto its own CPU partial list.
 *
 * Counting: slab->inuse counts objects handed out *or* on a CPU freelist; objects on
 * slab->freelist are the free ones. For an unfrozen slab: inuse + |slab->freelist| == objects.
 *
 * Lock order: slab_mutex > thread registry (slub_cpu.c) > drain_mutex > kmem_cache_cpu lock
 *   > kmem_cache_node list_lock. Nothing is held across slab_pages_alloc (direct reclaim runs
 *   the slab shrinker, which drains every CPU) and slabs are freed after everything is dropped.
 */
#ifndef NUMAMM_LIB_SLAB_SLUB_H
#define NUMAMM_LIB_SLAB_SLUB_H

#include <numamm/linux/numa.h>

#include "slab.h"
#include "slub_fast.h"

extern int nmm_nr_cpu_ids;          /* lib/page_alloc: possible CPUs, per-CPU arrays' length */

#define SLUB_MAX_ORDER 3            /* slub_max_order: PAGE_ALLOC_COSTLY_ORDER */
#define SLUB_MIN_PARTIAL 5
#define SLUB_MAX_PARTIAL 10

/*
 * struct kmem_cache_node - one node's lists of a cache.
 * Invariants (list_lock held): nr_partial == |partial|; every slab on partial or full is
 * unfrozen, on this node, with objects free (partial) or none (full) — except a full slab that
 * a free froze a moment ago and is about to take off the list.
 * nr_slabs and total_objects count every slab of the node wherever it is (atomic). They change
 * in the critical section that gives a slab its first place or takes it off its last one: a
 * new slab is counted once its thread holds a kmem_cache_cpu again to install it, a slab to be
 * freed leaves the counts under the lock it was taken off its list or CPU with (list_lock, the
 * CPU's lock) and not when its pages go back, later, with nothing held. So a walker that holds
 * the CPUs and reads a node's counters under its list_lock finds exactly the slabs counted, even
 * while another thread (kswapd's shrink) flushes CPUs and frees empty slabs; a slab on a
 * discard chain is counted nowhere.
 */
struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	struct list_head full;
	long nr_slabs;
	long total_objects;
} __attribute__((aligned(NMM_CACHE_LINE)));

/* s->priv: SLUB's per-cache data. */
struct slub_cache {
	unsigned int min_order;          /* the smallest order one object fits (fallback) */
	unsigned int min_objects;        /* objects in a slab of min_order */
	unsigned int cpu_partial_slabs;  /* per-CPU partial list limit */
	unsigned int nr_nodes;
	unsigned long reciprocal_size;   /* ceil(2^SLUB_RECIP_SHIFT / s->size) */
	pthread_mutex_t drain_mutex;     /* one drainer of other CPUs at a time */
	unsigned long stat_other[NR_SLUB_STAT_ITEMS];  /* atomic: exited threads, table-less frees */
	struct kmem_cache_node node[];   /* nr_nodes */
};

/* freelist+counters of a slab, as one 16-byte compare-and-exchange sees them. */
union slub_counters {
	unsigned long counters;
	struct {
		unsigned inuse : 16;
		unsigned objects : 15;
		unsigned frozen : 1;
		unsigned int colour_off;
	};
};
_Static_assert(sizeof(union slub_counters) == sizeof(unsigned long), "counters word");

/*
 * struct slub_ctx - a slow path's hold on a kmem_cache_cpu.
 * cpu >= 0: s->cpu[cpu], whose lock this context holds (taken on that CPU inside rseq, or by a
 * drainer with a membarrier fence); cpu == -1: the calling thread's own table entry (no lock).
 * discard: slabs to give back to the page allocator once nothing is held.
 */
struct slub_ctx {
	struct kmem_cache *s;
	struct kmem_cache_cpu *c;
	int cpu;
	struct slab *discard;
};

static inline struct slub_cache *slub_priv(const struct kmem_cache *s)
{
	return s->priv;
}

static inline struct kmem_cache_node *slub_node(const struct kmem_cache *s, int nid)
{
	return &slub_priv(s)->node[nid];
}

static inline struct kmem_cache_cpu *slub_cpu(const struct kmem_cache *s, int cpu)
{
	return (struct kmem_cache_cpu *)s->cpu + cpu;
}

static inline union slub_counters slub_read_counters(const struct slab *slab)
{
	union slub_counters c = { .counters = __atomic_load_n(&slab->counters, __ATOMIC_RELAXED) };
	return c;
}

static inline void *slub_read_freelist(const struct slab *slab)
{
	return __atomic_load_n(&slab->freelist, __ATOMIC_RELAXED);
}

/* cmpxchg_double_slab: replace freelist and counters together, or fail if either changed. */
static inline __attribute__((target("cx16"))) bool slub_cmpxchg(struct slab *slab, void *fl_old,
								 unsigned long cnt_old, void *fl_new,
								 unsigned long cnt_new)
{
	unsigned __int128 o = (unsigned __int128)cnt_old << 64 | (uintptr_t)fl_old;
	unsigned __int128 n = (unsigned __int128)cnt_new << 64 | (uintptr_t)fl_new;
	return __sync_bool_compare_and_swap((unsigned __int128 *)&slab->freelist, o, n);
}

/* The order of @slab: the cache's, or min_order for a fallback slab (fewer objects). */
static inline unsigned int slub_slab_order(const struct kmem_cache *s, const struct slab *slab)
{
	return slub_read_counters(slab).objects == s->objects ? s->order : slub_priv(s)->min_order;
}

static inline unsigned long slub_slab_bytes(const struct kmem_cache *s, const struct slab *slab)
{
	return PAGE_SIZE << slub_slab_order(s, slab);
}

/* @p's offset from the object pointer of @slab's first slot. */
static inline unsigned long slub_obj_offset(const struct kmem_cache *s, const struct slab *slab, const void *p)
{
	return (uintptr_t)p - (uintptr_t)slab_address(slab) - s->red_left_pad;
}

/* The slot holding offset @off (reciprocal multiply, no division). */
static inline unsigned int slub_offset_index(const struct kmem_cache *s, unsigned long off)
{
	return (unsigned int)((off * slub_priv(s)->reciprocal_size) >> SLUB_RECIP_SHIFT);
}

/* Is @p the object pointer of a slot of @slab? */
static inline bool slub_obj_in_slab(const struct kmem_cache *s, const struct slab *slab, const void *p)
{
	unsigned long off = slub_obj_offset(s, slab, p);
	if (off >= (unsigned long)slub_read_counters(slab).objects * s->size)
		return false;
	return (unsigned long)slub_offset_index(s, off) * s->size == off;
}

/* Statistics: per-thread entries are the owner's (relaxed stores); per-CPU ones take atomic adds
 * in slow paths (a drainer on another CPU may count into the same word). */
static inline void slub_stat(const struct slub_ctx *x, enum slub_stat_item item)
{
	if (x->cpu < 0)
		SLUB_STAT_OWNER_INC(x->c->stat[item]);
	else
		__atomic_fetch_add(&x->c->stat[item], 1, __ATOMIC_RELAXED);
}
/* Counting without a held kmem_cache_cpu (lock-free frees). */
void slub_stat_nolock(struct kmem_cache *s, enum slub_stat_item item);

static inline void slub_cpu_set_slab(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab *slab,
				     void *freelist)
{
	/* Which CPU's slab: free()'s per-CPU cache takes objects of line-sharing sizes only from
	 * slabs of the freeing CPU (lib/malloc/mcache.h). A per-thread table has no CPU. */
	uintptr_t off = (uintptr_t)c - (uintptr_t)s->cpu;
	size_t cpu = off / sizeof(*c);
	__atomic_store_n(&slab->owner_cpu, (uintptr_t)c >= (uintptr_t)s->cpu && cpu < (size_t)nmm_nr_cpu_ids ? (int)cpu : -1,
			 __ATOMIC_RELAXED);
	c->slab = slab;
	c->freelist = freelist;
	c->base = (uintptr_t)slab_address(slab);
	c->span = slub_slab_bytes(s, slab);
}

static inline void slub_cpu_clear(struct kmem_cache_cpu *c)
{
	c->span = 0;
	c->base = 0;
	c->freelist = NULL;
	c->slab = NULL;
}

/* inc_slabs_node / dec_slabs_node: see struct kmem_cache_node for when. */
static inline void slub_inc_slabs_node(const struct kmem_cache *s, const struct slab *slab)
{
	struct kmem_cache_node *n = slub_node(s, slab_nid(slab));
	__atomic_fetch_add(&n->nr_slabs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&n->total_objects, (long)slub_read_counters(slab).objects, __ATOMIC_RELAXED);
}

static inline void slub_dec_slabs_node(const struct kmem_cache *s, const struct slab *slab)
{
	struct kmem_cache_node *n = slub_node(s, slab_nid(slab));
	__atomic_fetch_sub(&n->nr_slabs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&n->total_objects, (long)slub_read_counters(slab).objects, __ATOMIC_RELAXED);
}

/* @slab, just taken off its last place (under that place's lock), leaves the counts now and
 * goes on @x's chain; its pages go back once nothing is held (slub_free_discards). */
static inline void slub_discard_later(struct slub_ctx *x, struct slab *slab)
{
	slub_dec_slabs_node(x->s, slab);
	slab->next = x->discard;
	x->discard = slab;
}

/* slub_cpu.c */
extern bool slub_rseq_usable;
void slub_cpu_setup(void);
bool slub_ctx_lock(struct slub_ctx *x, struct kmem_cache *s);
void slub_threads_sync(void);
void slub_ctx_unlock(struct slub_ctx *x);
void slub_ctx_done(struct slub_ctx *x);
void slub_flush_all_cpus(struct kmem_cache *s, struct slub_ctx *discard);
void slub_flush_own_thread(struct kmem_cache *s);
bool slub_lock_all_cpus(struct kmem_cache *s, unsigned char *held);
void slub_unlock_all_cpus(struct kmem_cache *s, unsigned char *held);
void slub_flush_all_threads(struct kmem_cache *s);
void slub_thread_flush(void);
void slub_for_each_thread_cpu(struct kmem_cache *s,
			      void (*fn)(struct kmem_cache *s, struct kmem_cache_cpu *c, void *arg), void *arg);

/* slub.c */
void slub_deactivate_slab(struct slub_ctx *x, struct slab *slab, void *freelist);
void slub_flush_cpu(struct slub_ctx *x);
void slub_discard_slab(struct kmem_cache *s, struct slab *slab);
void slub_free_discards(struct kmem_cache *s, struct slab *chain);
void slub_report_double_free(struct kmem_cache *s, const void *obj, const char *where);

/* slub_node.c */
void slub_add_partial(struct kmem_cache_node *n, struct slab *slab, bool tail);
void slub_remove_partial(struct kmem_cache_node *n, struct slab *slab);
void slub_add_full(struct kmem_cache_node *n, struct slab *slab);
void slub_remove_full(struct kmem_cache_node *n, struct slab *slab);
void *slub_get_partial(struct slub_ctx *x, int node, gfp_t gfp);
struct slab *slub_take_cpu_partial(struct kmem_cache_cpu *c, int node);
void slub_put_cpu_partial(struct slub_ctx *x, struct slab *slab);
void slub_unfreeze_partials(struct slub_ctx *x, struct slab *chain);
unsigned long slub_shrink_nodes(struct kmem_cache *s, bool all, struct slub_ctx *discard);
bool slub_nodes_empty(struct kmem_cache *s);
unsigned long slub_reclaimable_pages(struct kmem_cache *s);

/* slub_walk.c */
void slub_get_info(struct kmem_cache *s, struct slabinfo *si);
void slub_for_each_object(struct kmem_cache *s,
			  void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg), void *arg);
bool slub_is_valid(struct kmem_cache *s, FILE *why);
void slub_print_stats(struct kmem_cache *s, FILE *out);

#endif
