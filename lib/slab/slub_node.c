/* lib/slab/slub_node.c - SLUB's partial lists (mm/slub.c get_partial_node, get_any_partial,
 * put_cpu_partial, __unfreeze_partials, __kmem_cache_do_shrink): per node a partial and a full
 * list under list_lock, per CPU a chain of frozen partial slabs.
 *
 * The per-CPU partial list is refilled from a node about half full (get_partial_node stops
 * once the CPU holds more than cpu_partial_slabs / 2) and, when a free pushes it over
 * cpu_partial_slabs, drained by about half (the older slabs), never emptied at once: a CPU at
 * the boundary keeps its working set instead of refilling from scratch.
 */
#include <numamm/linux/numa.h>

#include "slub.h"

/* nr_partial is written under list_lock and read without it (a first look before locking). */
void slub_add_partial(struct kmem_cache_node *n, struct slab *slab, bool tail)
{
	__atomic_store_n(&n->nr_partial, n->nr_partial + 1, __ATOMIC_RELAXED);
	if (tail)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
}

void slub_remove_partial(struct kmem_cache_node *n, struct slab *slab)
{
	list_del(&slab->slab_list);
	__atomic_store_n(&n->nr_partial, n->nr_partial - 1, __ATOMIC_RELAXED);
}

void slub_add_full(struct kmem_cache_node *n, struct slab *slab)
{
	list_add(&slab->slab_list, &n->full);
}

void slub_remove_full(struct kmem_cache_node *n, struct slab *slab)
{
	(void)n;
	list_del(&slab->slab_list);
}

/* Freeze @slab (on @n's partial list, list_lock held) for @x's CPU. @take: also take its whole
 * freelist (it becomes the active slab). Return: the freelist taken (take), else the slab's. */
static void *acquire_slab(struct slub_ctx *x, struct kmem_cache_node *n, struct slab *slab, bool take)
{
	void *fl;
	union slub_counters old, new;
	do {
		fl = slub_read_freelist(slab);
		old = slub_read_counters(slab);
		new = old;
		new.frozen = 1;
		if (take)
			new.inuse = old.objects;
	} while (!slub_cmpxchg(slab, fl, old.counters, take ? NULL : fl, new.counters) &&
		 (slub_stat(x, CMPXCHG_DOUBLE_FAIL), true));
	slub_remove_partial(n, slab);
	return fl;
}

/* get_partial_node: the first partial slab of @n becomes @x's active slab (c->slab must be
 * NULL), more move to the CPU partial list while it holds at most half its limit.
 * Return: the first object (the rest of its freelist is on c->freelist), or NULL. */
static void *get_partial_node(struct slub_ctx *x, struct kmem_cache_node *n)
{
	struct kmem_cache *s = x->s;
	struct kmem_cache_cpu *c = x->c;
	void *object = NULL;
	if (!__atomic_load_n(&n->nr_partial, __ATOMIC_RELAXED))
		return NULL;
	spin_lock(&n->list_lock);
	struct slab *slab, *tmp;
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (!object) {
			object = acquire_slab(x, n, slab, true);
			slub_cpu_set_slab(s, c, slab, get_freepointer(s, object));
			slub_stat(x, ALLOC_FROM_PARTIAL);
		} else {
			acquire_slab(x, n, slab, false);
			slab->next = c->partial;
			c->partial = slab;
			c->nr_partial++;
			slub_stat(x, CPU_PARTIAL_NODE);
		}
		if (c->nr_partial > slub_priv(s)->cpu_partial_slabs / 2)
			break;
	}
	spin_unlock(&n->list_lock);
	return object;
}

/* The nodes other than @skip, nearest first: get_any_partial's zonelist order. */
static int next_nearest_node(int from, int skip, unsigned long *seen, int nr)
{
	int best = -1;
	for (int nid = 0; nid < nr; nid++) {
		if (nid == skip || (seen[nid / 64] >> (nid % 64) & 1))
			continue;
		if (best < 0 || node_distance(from, nid) < node_distance(from, best))
			best = nid;
	}
	if (best >= 0)
		seen[best / 64] |= 1UL << (best % 64);
	return best;
}

/**
 * slub_get_partial - make a partial slab @x's active slab (get_partial).
 * @x: the held kmem_cache_cpu, with no active slab
 * @node: NUMA_NO_NODE: the CPU's node first, then other nodes that hold more than min_partial
 *        partial slabs, nearest first; else only @node
 * @gfp: __GFP_THISNODE keeps NUMA_NO_NODE to the local node as well
 * Return: the first object, or NULL when no node had a partial slab to give.
 */
void *slub_get_partial(struct slub_ctx *x, int node, gfp_t gfp)
{
	struct kmem_cache *s = x->s;
	int nr = (int)slub_priv(s)->nr_nodes;
	int local = x->cpu >= 0 ? cpu_to_node(x->cpu) : numa_node_id();
	if (local < 0 || local >= nr)
		local = 0;
	int search = node == NUMA_NO_NODE ? local : node;
	void *object = get_partial_node(x, slub_node(s, search));
	if (object || node != NUMA_NO_NODE || (gfp & __GFP_THISNODE))
		return object;
	unsigned long seen[NMM_MAX_NODES / 64 + 1] = { 0 };
	for (int nid; (nid = next_nearest_node(local, search, seen, nr)) >= 0;) {
		struct kmem_cache_node *n = slub_node(s, nid);
		if (__atomic_load_n(&n->nr_partial, __ATOMIC_RELAXED) <= s->min_partial)
			continue;
		object = get_partial_node(x, n);
		if (object)
			return object;
	}
	return NULL;
}

/* Take a CPU partial slab on @node (any when NUMA_NO_NODE) off @c's chain. */
struct slab *slub_take_cpu_partial(struct kmem_cache_cpu *c, int node)
{
	for (struct slab **pp = &c->partial; *pp; pp = &(*pp)->next) {
		struct slab *slab = *pp;
		if (node == NUMA_NO_NODE || slab_nid(slab) == node) {
			*pp = slab->next;
			slab->next = NULL;
			c->nr_partial--;
			return slab;
		}
	}
	return NULL;
}

/**
 * slub_unfreeze_partials - hand a chain of frozen slabs to their nodes (__unfreeze_partials):
 * empty ones are freed while the node keeps min_partial partial slabs, the others go to the
 * tail of the partial list (or to the full list).
 * @x: the context the slabs came from (statistics, discards)
 * @chain: slabs through slab->next
 */
void slub_unfreeze_partials(struct slub_ctx *x, struct slab *chain)
{
	struct kmem_cache *s = x->s;
	struct kmem_cache_node *n = NULL;
	while (chain) {
		struct slab *slab = chain;
		chain = slab->next;
		struct kmem_cache_node *sn = slub_node(s, slab_nid(slab));
		if (sn != n) {
			if (n)
				spin_unlock(&n->list_lock);
			n = sn;
			spin_lock(&n->list_lock);
		}
		void *fl;
		union slub_counters old, new;
		do {
			fl = slub_read_freelist(slab);
			old = slub_read_counters(slab);
			new = old;
			new.frozen = 0;
		} while (!slub_cmpxchg(slab, fl, old.counters, fl, new.counters) &&
			 (slub_stat(x, CMPXCHG_DOUBLE_FAIL), true));
		if (!new.inuse && n->nr_partial >= s->min_partial) {
			slub_discard_later(x, slab);
			slub_stat(x, FREE_SLAB);
		} else if (fl) {
			slub_add_partial(n, slab, true);
			slub_stat(x, FREE_ADD_PARTIAL);
		} else {
			slub_add_full(n, slab);
		}
	}
	if (n)
		spin_unlock(&n->list_lock);
}

/**
 * slub_put_cpu_partial - a free just froze @slab (it was full): keep it on @x's partial list.
 * Over cpu_partial_slabs, the older half of the list goes back to the nodes.
 */
void slub_put_cpu_partial(struct slub_ctx *x, struct slab *slab)
{
	struct kmem_cache_cpu *c = x->c;
	unsigned int limit = slub_priv(x->s)->cpu_partial_slabs;
	slab->next = c->partial;
	c->partial = slab;
	c->nr_partial++;
	if (c->nr_partial <= limit)
		return;
	unsigned int keep = (limit + 1) / 2;
	struct slab *last = c->partial;
	for (unsigned int i = 1; i < keep; i++)
		last = last->next;
	struct slab *drain = last->next;
	last->next = NULL;
	c->nr_partial = keep;
	slub_stat(x, CPU_PARTIAL_DRAIN);
	slub_unfreeze_partials(x, drain);
}

/**
 * slub_shrink_nodes - free the empty slabs on every node's partial list (__kmem_cache_do_shrink).
 * @s: the cache
 * @all: every empty slab; else keep min_partial partial slabs per node
 * @d: collects the slabs (d->discard); the caller frees them
 * Return: pages those slabs hold.
 */
unsigned long slub_shrink_nodes(struct kmem_cache *s, bool all, struct slub_ctx *d)
{
	unsigned long pages = 0;
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++) {
		struct kmem_cache_node *n = slub_node(s, (int)nid);
		spin_lock(&n->list_lock);
		struct slab *slab, *tmp;
		list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
			if (!all && n->nr_partial <= s->min_partial)
				break;
			/* An unfrozen partial slab's inuse only changes by lock-free frees, and
			 * reaching 0 that way takes list_lock first (__slab_free): stable here. */
			if (slub_read_counters(slab).inuse)
				continue;
			slub_remove_partial(n, slab);
			pages += slub_slab_bytes(s, slab) >> PAGE_SHIFT;
			slub_discard_later(d, slab);
		}
		spin_unlock(&n->list_lock);
	}
	return pages;
}

/* No slab left on any node's list (after a flush: the cache holds no object). */
bool slub_nodes_empty(struct kmem_cache *s)
{
	bool empty = true;
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++) {
		struct kmem_cache_node *n = slub_node(s, (int)nid);
		spin_lock(&n->list_lock);
		empty &= list_empty(&n->partial) && list_empty(&n->full);
		spin_unlock(&n->list_lock);
	}
	return empty;
}

/* Pages in empty slabs on the nodes' partial lists and on per-CPU partial lists (a racy look:
 * the shrinker's count). */
unsigned long slub_reclaimable_pages(struct kmem_cache *s)
{
	unsigned long pages = 0;
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++) {
		struct kmem_cache_node *n = slub_node(s, (int)nid);
		struct slab *slab;
		spin_lock(&n->list_lock);
		list_for_each_entry(slab, &n->partial, slab_list)
			if (!slub_read_counters(slab).inuse)
				pages += slub_slab_bytes(s, slab) >> PAGE_SHIFT;
		spin_unlock(&n->list_lock);
	}
	return pages;
}
