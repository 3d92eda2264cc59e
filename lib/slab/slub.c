/* lib/slab/slub.c - SLUB, the default slab back end (mm/slub.c): cache setup (order, objects,
 * min_partial, cpu_partial as the kernel picks them), new slabs, the allocation slow path
 * (___slab_alloc), the free slow path (__slab_free, remote frees lock-free), deactivation,
 * shrink and shutdown, and the ops table. slub.h draws the states and the lock order; the
 * fast paths are in slub_fast.h.
 *
 * Allocation slow path, with the CPU's kmem_cache_cpu held (slub_cpu.c):
 *   active slab on the wrong node -> deactivate it;
 *   CPU freelist empty -> take the objects others freed to the active slab (get_freelist);
 *   none -> a CPU partial slab -> a node partial slab (plus about half a CPU partial list's
 *   worth) -> a new slab from the page allocator, with nothing held.
 * Free slow path (the object is not in the CPU's active slab): push it on its slab's freelist
 * with one 16-byte cmpxchg of freelist+counters; list changes only when the slab was full
 * (it becomes this CPU's partial slab) or becomes empty (freed when the node keeps at least
 * min_partial partial slabs).
 */
#include <errno.h>
#include <string.h>

#include <numamm/linux/numa.h>

#include "slab_asan.h"
#include "slub.h"

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

void slub_report_double_free(struct kmem_cache *s, const void *obj, const char *where)
{
	slab_report(s, "double free or corruption: object %p is already free (%s); not freed", obj, where);
}

/* ---- slabs ---- */

/* allocate_slab: the preferred order without trying hard, then the smallest order that fits
 * an object. A named node is tried alone first (__GFP_THISNODE) and only then, unless the
 * caller said __GFP_THISNODE, anywhere: a slab on another node would not match the next
 * allocation for that node either. The slab comes back frozen with every object on
 * slab->freelist and counted in inuse: the caller takes the freelist, and counts the slab in
 * its node once it holds a kmem_cache_cpu again (struct kmem_cache_node). Nothing may be held:
 * reclaim may run. */
static struct slab *slub_new_slab(struct kmem_cache *s, gfp_t gfp, int node, bool *fallback)
{
	struct slub_cache *sc = slub_priv(s);
	unsigned int order = s->order, objects = s->objects;
	struct slab *slab = NULL;
	gfp_t light = (gfp | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	bool prefer = node != NUMA_NO_NODE && !(gfp & __GFP_THISNODE);
	*fallback = false;
	if (order > sc->min_order)
		slab = slab_pages_alloc(s, light | (prefer ? __GFP_THISNODE : 0), node, order);
	if (!slab && order > sc->min_order) {
		order = sc->min_order;
		objects = sc->min_objects;
		*fallback = true;
	}
	if (!slab && prefer)
		slab = slab_pages_alloc(s, light | __GFP_THISNODE, node, order);
	if (!slab)
		slab = slab_pages_alloc(s, gfp, node, order);
	if (!slab)
		return NULL;
	void *base = slab_address(slab);
	if (s->flags & SLAB_DEBUG_FLAGS)
		for (unsigned int i = 0; i < objects; i++)
			slab_debug_init_slot(s, slab_obj_at(s, base, i));
	if (s->ctor) {
		if (objects == s->objects)
			slab_run_ctor_all(s, base);
		else
			for (unsigned int i = 0; i < objects; i++)
				s->ctor(slab_obj_at(s, base, i));
	}
	for (unsigned int i = 0; i + 1 < objects; i++)
		set_freepointer(s, slab_obj_at(s, base, i), slab_obj_at(s, base, i + 1));
	set_freepointer(s, slab_obj_at(s, base, objects - 1), NULL);
	if (slab_asan_cache(s))
		slab_asan_poison_new_slab(s, base, objects);
	union slub_counters cnt = { .counters = 0 };
	cnt.objects = objects;
	cnt.inuse = objects;
	cnt.frozen = 1;
	slab->counters = cnt.counters;
	slab->freelist = slab_obj_at(s, base, 0);
	return slab;
}

/* free_slab: @slab is on no list, holds no allocated object and has left its node's counts
 * (slub_dec_slabs_node, in the section that took it off its last place). */
void slub_discard_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int order = slub_slab_order(s, slab);
	slab->next = NULL;
	slab_pages_free(s, slab, order);
}

void slub_free_discards(struct kmem_cache *s, struct slab *chain)
{
	while (chain) {
		struct slab *next = chain->next;
		slub_discard_slab(s, chain);
		chain = next;
	}
}

/* ---- deactivation ---- */

/* Count the CPU freelist @fl of @slab and find its tail; a freelist broken by a write after
 * free is cut where it leaves the slab (those objects stay counted in use: leaked, not spread). */
static unsigned int cpu_freelist_count(struct kmem_cache *s, struct slab *slab, void *fl, void **tailp)
{
	unsigned int n = 0;
	void *tail = NULL;
	for (void *p = fl; p; p = get_freepointer(s, p)) {
		if (!slub_obj_in_slab(s, slab, p) || n >= slub_read_counters(slab).objects) {
			slab_report(s, "freelist corrupted: %p in the CPU freelist of slab %p; the rest is "
				    "leaked", p, slab_address(slab));
			if (tail)
				set_freepointer(s, tail, NULL);
			else
				fl = NULL;
			break;
		}
		tail = p;
		n++;
	}
	*tailp = tail;
	return n;
}

/**
 * slub_deactivate_slab - the CPU is done with @slab (deactivate_slab): its CPU freelist
 * @freelist goes back onto the slab's freelist, and the slab leaves the CPU: freed when empty
 * and the node keeps min_partial partial slabs, else to the node's partial list (head, or tail
 * if it still had CPU-free objects), or to the full list. The caller cleared it from @x's CPU.
 */
void slub_deactivate_slab(struct slub_ctx *x, struct slab *slab, void *freelist)
{
	struct kmem_cache *s = x->s;
	struct kmem_cache_node *n = slub_node(s, slab_nid(slab));
	void *tail = NULL;
	unsigned int nfree = freelist ? cpu_freelist_count(s, slab, freelist, &tail) : 0;
	if (!nfree)
		freelist = NULL;
	if (slub_read_freelist(slab))
		slub_stat(x, DEACTIVATE_REMOTE_FREES);
	/* The unfreeze and the list insertion in one list_lock section (slub.h). */
	spin_lock(&n->list_lock);
	void *old_fl, *new_fl;
	union slub_counters old, new;
	do {
		old_fl = slub_read_freelist(slab);
		old = slub_read_counters(slab);
		new = old;
		new.frozen = 0;
		new.inuse -= nfree;
		new_fl = old_fl;
		if (nfree) {
			set_freepointer(s, tail, old_fl);
			new_fl = freelist;
		}
	} while (!slub_cmpxchg(slab, old_fl, old.counters, new_fl, new.counters) &&
		 (slub_stat(x, CMPXCHG_DOUBLE_FAIL), true));
	if (!new.inuse && n->nr_partial >= s->min_partial) {
		slub_discard_later(x, slab);     /* off the counts with list_lock still held */
		spin_unlock(&n->list_lock);
		slub_stat(x, DEACTIVATE_EMPTY);
		slub_stat(x, FREE_SLAB);
		return;
	}
	if (new_fl) {
		slub_add_partial(n, slab, nfree != 0);
		slub_stat(x, nfree ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD);
	} else {
		slub_add_full(n, slab);
		slub_stat(x, DEACTIVATE_FULL);
	}
	spin_unlock(&n->list_lock);
}

static void deactivate_cpu_slab(struct slub_ctx *x)
{
	struct kmem_cache_cpu *c = x->c;
	struct slab *slab = c->slab;
	void *fl = c->freelist;
	slub_cpu_clear(c);
	slub_deactivate_slab(x, slab, fl);
}

/* flush_slab + unfreeze_partials of one kmem_cache_cpu. */
void slub_flush_cpu(struct slub_ctx *x)
{
	struct kmem_cache_cpu *c = x->c;
	if (c->slab) {
		deactivate_cpu_slab(x);
		slub_stat(x, CPUSLAB_FLUSH);
	}
	if (c->partial) {
		struct slab *chain = c->partial;
		c->partial = NULL;
		c->nr_partial = 0;
		slub_unfreeze_partials(x, chain);
	}
}

/* ---- allocation ---- */

/* get_freelist: take the objects others freed to the CPU's active @slab. None: the slab
 * leaves the CPU for the full list (unfrozen under list_lock, slub.h) and NULL is returned. */
static void *get_freelist(struct slub_ctx *x, struct slab *slab)
{
	struct kmem_cache_node *n = slub_node(x->s, slab_nid(slab));
	bool locked = false;
	for (;;) {
		void *fl = slub_read_freelist(slab);
		union slub_counters old = slub_read_counters(slab), new = old;
		if (fl) {
			new.inuse = old.objects;
			if (slub_cmpxchg(slab, fl, old.counters, NULL, new.counters)) {
				if (locked)
					spin_unlock(&n->list_lock);
				return fl;
			}
		} else if (!locked) {
			spin_lock(&n->list_lock);
			locked = true;
			continue;               /* read again under the lock */
		} else {
			new.frozen = 0;
			if (slub_cmpxchg(slab, NULL, old.counters, NULL, new.counters)) {
				slub_add_full(n, slab);
				spin_unlock(&n->list_lock);
				return NULL;
			}
		}
		slub_stat(x, CMPXCHG_DOUBLE_FAIL);
	}
}

static bool node_match(const struct slab *slab, int node)
{
	return node == NUMA_NO_NODE || slab_nid(slab) == node;
}

/* ___slab_alloc: see the file comment. @x is held on entry and on return (maybe another CPU's
 * structure by then: it is dropped around the page allocator). */
static void *___slab_alloc(struct slub_ctx *x, gfp_t gfp, int node)
{
	struct kmem_cache *s = x->s;
	struct kmem_cache_cpu *c;
	struct slab *slab;
	void *obj;
	slub_stat(x, ALLOC_SLOWPATH);
redo:
	c = x->c;
	slab = c->slab;
	if (!slab)
		goto new_slab;
	if (unlikely(!node_match(slab, node))) {
		slub_stat(x, ALLOC_NODE_MISMATCH);
		deactivate_cpu_slab(x);
		goto new_slab;
	}
	obj = c->freelist;
	if (!obj) {
		obj = get_freelist(x, slab);
		if (!obj) {
			slub_cpu_clear(c);
			slub_stat(x, DEACTIVATE_BYPASS);
			goto new_slab;
		}
		slub_stat(x, ALLOC_REFILL);
	}
	c->freelist = get_freepointer(s, obj);
	return obj;

new_slab:
	slab = slub_take_cpu_partial(c, node);
	if (slab) {
		slub_cpu_set_slab(s, c, slab, NULL);
		slub_stat(x, CPU_PARTIAL_ALLOC);
		goto redo;
	}
	obj = slub_get_partial(x, node, gfp);
	if (obj)
		return obj;

	/* Nothing held while the page allocator runs: direct reclaim calls the slab shrinker,
	 * which drains every CPU, and may allocate from this very cache. Slabs deactivated above
	 * (an empty CPU slab of another node) wait in x->discard: relocking must keep them. */
	struct slab *discard = x->discard;
	slub_ctx_unlock(x);
	bool fallback;
	slab = slub_new_slab(s, gfp, node == NUMA_NO_NODE && (gfp & __GFP_THISNODE) ? numa_node_id() : node,
			     &fallback);
	bool locked = slub_ctx_lock(x, s);
	x->discard = discard;
	if (slab)
		slub_inc_slabs_node(s, slab);   /* held again: it is this CPU's from here on */
	if (!locked) {
		if (slab)
			slub_discard_later(x, slab);     /* nowhere to put it */
		return NULL;
	}
	if (!slab)
		return NULL;
	slub_stat(x, ALLOC_SLAB);
	if (fallback)
		slub_stat(x, ORDER_FALLBACK);
	c = x->c;
	if (c->slab)                            /* refilled while we were away */
		deactivate_cpu_slab(x);
	obj = slab->freelist;
	__atomic_store_n(&slab->freelist, NULL, __ATOMIC_RELAXED);
	slub_cpu_set_slab(s, c, slab, get_freepointer(s, obj));
	return obj;
}

static int fix_node(int node, gfp_t gfp)
{
	if (node == NUMA_NO_NODE || (node >= 0 && node < nr_node_ids))
		return node;
	static int warned;
	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "numamm: slub: allocation on node %d, which does not exist; any node is used\n",
			node);
	(void)gfp;
	return NUMA_NO_NODE;
}

/* ops->alloc: the fast path missed (or was skipped: a node was named, or a debug cache). */
static void *slub_alloc(struct kmem_cache *s, gfp_t gfp, int node)
{
	struct slub_ctx x;
	node = fix_node(node, gfp);
	if (!slub_ctx_lock(&x, s))
		return NULL;
	struct kmem_cache_cpu *c = x.c;
	void *obj = c->freelist;
	if (obj && node_match(c->slab, node)) {
		c->freelist = get_freepointer(s, obj);
		SLUB_STAT_OWNER_INC(c->stat[ALLOC_FASTPATH]);       /* held: no fast path of this CPU runs */
	} else {
		obj = ___slab_alloc(&x, gfp, node);
	}
	slub_ctx_done(&x);
	return obj;
}

static int slub_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t n, void **p)
{
	struct slub_ctx x;
	if (!slub_ctx_lock(&x, s))
		return 0;
	size_t i;
	for (i = 0; i < n; i++) {
		struct kmem_cache_cpu *c = x.c;
		void *obj = c->freelist;
		if (likely(obj)) {
			c->freelist = get_freepointer(s, obj);
			SLUB_STAT_OWNER_INC(c->stat[ALLOC_FASTPATH]);
		} else {
			obj = ___slab_alloc(&x, gfp, NUMA_NO_NODE);
			if (!obj)
				break;
		}
		p[i] = obj;
	}
	slub_ctx_done(&x);
	if (i == n)
		return (int)n;
	for (size_t j = 0; j < i; j++)
		s->ops->free(s, virt_to_slab(p[j]), p[j]);
	return 0;
}

/* ---- free ---- */

/* __slab_free: @cnt objects of @slab, chained from @head to @tail through their free pointers
 * (one object: @head == @tail), go onto @slab's own freelist in one exchange (see the file
 * comment; the kernel's do_slab_free with a detached freelist). */
static void __slab_free(struct kmem_cache *s, struct slab *slab, void *head, void *tail, unsigned int cnt)
{
	struct kmem_cache_node *n = NULL;
	void *prior;
	union slub_counters old, new;
	bool was_frozen;
	slub_stat_nolock(s, FREE_SLOWPATH);
	do {
		if (n) {
			spin_unlock(&n->list_lock);
			n = NULL;
		}
		prior = slub_read_freelist(slab);
		old = slub_read_counters(slab);
		if (unlikely(prior == head || old.inuse < cnt)) {
			slub_report_double_free(s, head, prior == head ? "head of its slab's freelist"
								       : "its slab has fewer objects in use");
			return;
		}
		set_freepointer(s, tail, prior);
		new = old;
		was_frozen = old.frozen;
		new.inuse -= cnt;
		if (!was_frozen) {
			if (!prior)
				new.frozen = 1;          /* full: it becomes our CPU partial slab */
			else if (!new.inuse)
				n = slub_node(s, slab_nid(slab));
			if (n)
				spin_lock(&n->list_lock);
		}
	} while (!slub_cmpxchg(slab, prior, old.counters, head, new.counters) &&
		 (slub_stat_nolock(s, CMPXCHG_DOUBLE_FAIL), true));

	if (!n) {
		if (was_frozen) {
			slub_stat_nolock(s, FREE_FROZEN);
			return;
		}
		if (!new.frozen)
			return;
		/* We froze a full slab: off the full list, onto our CPU partial list. */
		struct kmem_cache_node *sn = slub_node(s, slab_nid(slab));
		spin_lock(&sn->list_lock);
		slub_remove_full(sn, slab);
		spin_unlock(&sn->list_lock);
		struct slub_ctx x;
		if (slub_ctx_lock(&x, s)) {
			slub_put_cpu_partial(&x, slab);
			slub_stat(&x, CPU_PARTIAL_FREE);
		} else {
			/* No per-thread table could be mapped: straight back to its node. */
			struct kmem_cache_cpu scratch = { 0 };
			x.c = &scratch;
			slab->next = NULL;
			slub_unfreeze_partials(&x, slab);
			x.c = NULL;
		}
		slub_ctx_done(&x);
		return;
	}
	/* list_lock held: the slab was partial and is empty now. */
	if (n->nr_partial >= s->min_partial) {
		slub_remove_partial(n, slab);
		slub_dec_slabs_node(s, slab);
		spin_unlock(&n->list_lock);
		slub_stat_nolock(s, FREE_REMOVE_PARTIAL);
		slub_stat_nolock(s, FREE_SLAB);
		slub_discard_slab(s, slab);
		return;
	}
	spin_unlock(&n->list_lock);
}

/* The object is in the calling CPU's (thread's) active slab? (a hint; checked again held) */
static bool in_own_active_slab(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (tc)
		return tc[s->id].slab == slab;
	int cpu = nmm_cpu_rseq_id();
	return slub_rseq_usable && cpu >= 0 && cpu < nmm_nr_cpu_ids &&
	       __atomic_load_n(&slub_cpu(s, cpu)->slab, __ATOMIC_RELAXED) == slab;
}

/* ops->free: @obj (an object start of @slab in @s, checked by the front) missed the fast path. */
static void slub_free(struct kmem_cache *s, struct slab *slab, void *obj)
{
	if (in_own_active_slab(s, slab)) {
		struct slub_ctx x;
		if (slub_ctx_lock(&x, s)) {
			struct kmem_cache_cpu *c = x.c;
			if (c->slab == slab) {
				if (c->freelist == obj) {
					slub_report_double_free(s, obj, "head of the CPU freelist");
				} else {
					set_freepointer(s, obj, c->freelist);
					c->freelist = obj;
					SLUB_STAT_OWNER_INC(c->stat[FREE_FASTPATH]);
				}
				slub_ctx_done(&x);
				return;
			}
			slub_ctx_done(&x);
		}
	}
	__slab_free(s, slab, obj, obj, 1);
}

#define SLUB_BULK_RUN_MAX 512   /* objects a run may hold: its bitmap of slots seen */

/* ops->free_bulk: runs of consecutive objects of one slab (what a per-CPU cache's flush holds:
 * objects a CPU handed out one after another) go back in one exchange each; objects of the
 * CPU's own active slab take slub_free's path one by one. An object twice in one run would close
 * the chain into a loop: the second copy is reported as a double free and left out. (@p is the
 * front end's array, compacted in place.) */
static void slub_free_bulk(struct kmem_cache *s, size_t n, void **p)
{
	for (size_t i = 0; i < n;) {
		struct slab *slab = virt_to_slab(p[i]);
		size_t j = i + 1, w = i + 1;            /* read and write ends of the run */
		if (!in_own_active_slab(s, slab) && s->objects <= SLUB_BULK_RUN_MAX) {
			uint64_t seen[SLUB_BULK_RUN_MAX / 64] = { 0 };
			for (j = w = i; j < n && virt_to_slab(p[j]) == slab; j++) {
				unsigned int idx = slub_offset_index(s, slub_obj_offset(s, slab, p[j]));
				if (seen[idx / 64] & (1ULL << (idx % 64))) {
					slub_report_double_free(s, p[j], "twice in one bulk free");
					continue;
				}
				seen[idx / 64] |= 1ULL << (idx % 64);
				p[w++] = p[j];
			}
		}
		if (w - i == 1) {
			slub_free(s, slab, p[i]);
		} else {
			for (size_t k = i; k + 1 < w; k++)
				set_freepointer(s, p[k], p[k + 1]);
			__slab_free(s, slab, p[i], p[w - 1], (unsigned int)(w - i));
		}
		i = j;
	}
}

/* ---- cache setup and teardown ---- */

/* set_cpu_partial: objects kept on per-CPU partial slabs, by object size. */
static unsigned int cpu_partial_objects(unsigned int size)
{
	if (size >= PAGE_SIZE)
		return 2;
	if (size >= 1024)
		return 6;
	if (size >= 256)
		return 13;
	return 30;
}

static int slub_cache_create(struct kmem_cache *s)
{
	slub_cpu_setup();
	unsigned int nr_nodes = (unsigned int)(nr_node_ids > 0 ? nr_node_ids : 1);
	size_t priv_bytes = sizeof(struct slub_cache) + nr_nodes * sizeof(struct kmem_cache_node);
	struct slub_cache *sc = slab_meta_zalloc(priv_bytes, NUMA_NO_NODE);
	if (!sc)
		return -ENOMEM;
	s->cpu = slab_meta_zalloc((size_t)nmm_nr_cpu_ids * sizeof(struct kmem_cache_cpu), NUMA_NO_NODE);
	if (!s->cpu) {
		slab_meta_free(sc, priv_bytes);
		return -ENOMEM;
	}
	s->priv = sc;
	sc->nr_nodes = nr_nodes;
	pthread_mutex_init(&sc->drain_mutex, NULL);
	for (unsigned int nid = 0; nid < nr_nodes; nid++) {
		struct kmem_cache_node *n = &sc->node[nid];
		spin_lock_init(&n->list_lock);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
	}

	/* calculate_order: min_objects grows with the CPU count, order at most slub_max_order
	 * unless one object needs more; the minimum order is the fallback under fragmentation. */
	unsigned int min_objects = 4 * (unsigned int)(32 - __builtin_clz((unsigned int)nmm_nr_cpu_ids) + 1);
	unsigned int max_objects = order_objects(SLUB_MAX_ORDER, s->size);
	if (max_objects && min_objects > max_objects)
		min_objects = max_objects;
	s->order = slab_calculate_order(s->size, min_objects, SLUB_MAX_ORDER);
	sc->min_order = 0;
	while ((PAGE_SIZE << sc->min_order) < s->size)
		sc->min_order++;
	if (sc->min_order > s->order)
		s->order = sc->min_order;
	s->objects = order_objects(s->order, s->size);
	if (s->objects > 32767) {                   /* slab->objects has 15 bits */
		s->objects = 32767;
	}
	sc->min_objects = order_objects(sc->min_order, s->size);
	if (sc->min_objects > s->objects)
		sc->min_objects = s->objects;
	sc->reciprocal_size = ((1UL << SLUB_RECIP_SHIFT) + s->size - 1) / s->size;
	s->reciprocal_size = sc->reciprocal_size;

	/* set_min_partial: ilog2(size) / 2, within [5, 10]. */
	unsigned long mp = (unsigned long)(31 - __builtin_clz(s->size)) / 2;
	s->min_partial = mp < SLUB_MIN_PARTIAL ? SLUB_MIN_PARTIAL : mp > SLUB_MAX_PARTIAL ? SLUB_MAX_PARTIAL : mp;
	s->cpu_partial = cpu_partial_objects(s->size);
	sc->cpu_partial_slabs = (s->cpu_partial * 2 + s->objects - 1) / s->objects;
	if (!sc->cpu_partial_slabs)
		sc->cpu_partial_slabs = 1;
	/* ASan builds: every object passes slab_common.c, which poisons it (slab_asan.h). */
	s->fast = NMM_SLAB_ASAN ? SLAB_FAST_NONE : SLAB_FAST_SLUB;
	return 0;
}

static unsigned long slub_shrink(struct kmem_cache *s, bool all)
{
	struct slub_ctx d = { .s = s, .discard = NULL };
	slub_flush_all_cpus(s, &d);
	slub_flush_own_thread(s);
	slub_shrink_nodes(s, all, &d);
	unsigned long pages = 0;
	for (struct slab *sl = d.discard; sl; sl = sl->next)
		pages += slub_slab_bytes(s, sl) >> PAGE_SHIFT;
	slub_free_discards(s, d.discard);
	return pages;
}

static int slub_cache_shutdown(struct kmem_cache *s)
{
	struct slub_ctx d = { .s = s, .discard = NULL };
	slub_flush_all_cpus(s, &d);
	slub_flush_all_threads(s);
	slub_shrink_nodes(s, true, &d);
	slub_free_discards(s, d.discard);
	return slub_nodes_empty(s) ? 0 : -EBUSY;
}

static void slub_cache_release(struct kmem_cache *s)
{
	/* The front unpublished @s: a thread that found it before in its exit flush is done. */
	slub_threads_sync();
	struct slub_cache *sc = slub_priv(s);
	if (s->cpu)
		slab_meta_free(s->cpu, (size_t)nmm_nr_cpu_ids * sizeof(struct kmem_cache_cpu));
	s->cpu = NULL;
	if (sc) {
		pthread_mutex_destroy(&sc->drain_mutex);
		slab_meta_free(sc, sizeof(struct slub_cache) + sc->nr_nodes * sizeof(struct kmem_cache_node));
	}
	s->priv = NULL;
}

static bool slub_is_obj_start(struct kmem_cache *s, struct slab *slab, const void *obj)
{
	return slub_obj_in_slab(s, slab, obj);
}

const struct slab_allocator slub_allocator = {
	.name = "slub",
	.cache_create = slub_cache_create,
	.cache_shutdown = slub_cache_shutdown,
	.cache_release = slub_cache_release,
	.alloc = slub_alloc,
	.free = slub_free,
	.alloc_bulk = slub_alloc_bulk,
	.free_bulk = slub_free_bulk,
	.shrink = slub_shrink,
	.reclaimable_pages = slub_reclaimable_pages,
	.obj_cache = NULL,
	.is_obj_start = slub_is_obj_start,
	.get_info = slub_get_info,
	.for_each_object = slub_for_each_object,
	.is_valid = slub_is_valid,
	.print_stats = slub_print_stats,
	.thread_flush = slub_thread_flush,
};
