/* lib/slab/slub_walk.c - SLUB's walkers and reports (mm/slub.c validate_slab_cache,
 * count_partial, get_slabinfo, the /sys/kernel/slab/<cache>/ statistics): every slab of a
 * cache is reached through the per-CPU structures, the per-thread tables and the nodes'
 * partial and full lists, with those held (the CPUs locked as a drainer does).
 *
 * The walkers are for a quiescent cache (tests, destroy reports, debug checks): objects freed
 * lock-free by other threads meanwhile may make a count look wrong. What they do not need is a
 * quiet kswapd: a shrink flushes CPUs (it waits for the walker's hold on them) and takes empty
 * slabs off the node lists, and a slab leaves its node's counts under the lock it leaves its
 * place with (slub.h), so is_valid reads each node's counters under that node's list_lock.
 */
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/numa.h>

#include "slub.h"

/* One slab as a walker sees it: @c is the kmem_cache_cpu it is active on (NULL otherwise),
 * @where names its place for reports, @nid the node list it is on (-1: a CPU's). */
struct slub_walk {
	struct kmem_cache *s;
	void (*visit)(struct slub_walk *w, struct slab *slab, struct kmem_cache_cpu *c,
		      const char *where, int nid);
	void (*visit_cpu)(struct slub_walk *w, struct kmem_cache_cpu *c, const char *where);
	/* After node @nid's lists, with its list_lock still held. */
	void (*visit_node)(struct slub_walk *w, struct kmem_cache_node *n, int nid);
};

static void walk_cpu(struct slub_walk *w, struct kmem_cache_cpu *c, const char *where)
{
	if (w->visit_cpu)
		w->visit_cpu(w, c, where);
	if (c->slab)
		w->visit(w, c->slab, c, where, -1);
	unsigned int n = 0;
	for (struct slab *slab = c->partial; slab && n <= c->nr_partial + 1; slab = slab->next, n++)
		w->visit(w, slab, NULL, "CPU partial list", -1);
}

static void walk_thread_entry(struct kmem_cache *s, struct kmem_cache_cpu *c, void *arg)
{
	(void)s;
	walk_cpu(arg, c, "thread cache");
}

static void slub_walk(struct slub_walk *w)
{
	struct kmem_cache *s = w->s;
	unsigned char held[NMM_MAX_CPUS];
	memset(held, 0, sizeof(held));
	bool cpus = slub_lock_all_cpus(s, held);
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
		walk_cpu(w, slub_cpu(s, cpu), "CPU slab");
	slub_for_each_thread_cpu(s, walk_thread_entry, w);
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++) {
		struct kmem_cache_node *n = slub_node(s, (int)nid);
		struct slab *slab;
		spin_lock(&n->list_lock);
		list_for_each_entry(slab, &n->partial, slab_list)
			w->visit(w, slab, NULL, "node partial list", (int)nid);
		list_for_each_entry(slab, &n->full, slab_list)
			w->visit(w, slab, NULL, "node full list", (int)nid);
		if (w->visit_node)
			w->visit_node(w, n, (int)nid);
		spin_unlock(&n->list_lock);
	}
	if (cpus)
		slub_unlock_all_cpus(s, held);
}

/* Mark the objects of freelist @fl in @bits (one bit per slot). Return: how many, or -1 with
 * @err set when one is outside @slab, not an object start, or already marked. */
static long mark_freelist(struct kmem_cache *s, struct slab *slab, void *fl, unsigned long *bits,
			  const void **bad)
{
	long n = 0;
	unsigned int objects = slub_read_counters(slab).objects;
	for (void *p = fl; p; p = get_freepointer(s, p)) {
		if (!slub_obj_in_slab(s, slab, p)) {
			*bad = p;
			return -1;
		}
		unsigned long i = ((uintptr_t)p - (uintptr_t)slab_address(slab) - s->red_left_pad) / s->size;
		if (bits[i / 64] >> (i % 64) & 1 || (unsigned long)n >= objects) {
			*bad = p;
			return -1;
		}
		bits[i / 64] |= 1UL << (i % 64);
		n++;
	}
	return n;
}

#define SLUB_MAX_OBJS 32768           /* slab->objects has 15 bits */

/* ---- for_each_object ---- */

struct objects_walk {
	struct slub_walk w;
	void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg);
	void *arg;
};

static void objects_visit(struct slub_walk *w, struct slab *slab, struct kmem_cache_cpu *c,
			  const char *where, int nid)
{
	struct objects_walk *ow = (struct objects_walk *)w;
	struct kmem_cache *s = w->s;
	const void *bad;
	(void)where;
	(void)nid;
	unsigned int objects = slub_read_counters(slab).objects;
	unsigned long walk_bits[SLUB_MAX_OBJS / 64];
	memset(walk_bits, 0, (objects + 63) / 64 * sizeof(unsigned long));
	mark_freelist(s, slab, slub_read_freelist(slab), walk_bits, &bad);
	if (c)
		mark_freelist(s, slab, c->freelist, walk_bits, &bad);
	for (unsigned int i = 0; i < objects; i++)
		ow->fn(s, slab_obj_at(s, slab_address(slab), i), !(walk_bits[i / 64] >> (i % 64) & 1), ow->arg);
}

/* ops->for_each_object: objects on CPU and thread freelists count as free. */
void slub_for_each_object(struct kmem_cache *s,
			  void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg), void *arg)
{
	struct objects_walk ow = { .w = { .s = s, .visit = objects_visit }, .fn = fn, .arg = arg };
	slub_walk(&ow.w);
}

/* ---- is_valid ---- */

struct valid_walk {
	struct slub_walk w;
	FILE *why;
	bool ok;
	long slabs[NMM_MAX_NODES], objects[NMM_MAX_NODES], partial[NMM_MAX_NODES];
	/* The node's own counters, read with its lists (valid_node). */
	long nr_slabs[NMM_MAX_NODES], total_objects[NMM_MAX_NODES], nr_partial[NMM_MAX_NODES];
	struct slab **seen;              /* open addressing, @nseen slots */
	unsigned long nseen;
};

#define BROKEN(vw, ...)                                                                     \
	do {                                                                                \
		if ((vw)->ok && (vw)->why) {                                                \
			fprintf((vw)->why, "numamm: slub %s: ", (vw)->w.s->name);           \
			fprintf((vw)->why, __VA_ARGS__);                                    \
			fputc('\n', (vw)->why);                                             \
		}                                                                           \
		(vw)->ok = false;                                                           \
	} while (0)

/* Record @slab as seen; false when it was seen before (on two lists). */
static bool seen_once(struct valid_walk *vw, struct slab *slab)
{
	if (!vw->seen)
		return true;
	unsigned long h = ((uintptr_t)slab / sizeof(struct page)) * 0x9e3779b97f4a7c15UL;
	for (unsigned long i = 0; i < vw->nseen; i++) {
		struct slab **e = &vw->seen[(h + i) % vw->nseen];
		if (*e == slab)
			return false;
		if (!*e) {
			*e = slab;
			return true;
		}
	}
	return true;                     /* table full: no duplicate check past here */
}

static void valid_cpu(struct slub_walk *w, struct kmem_cache_cpu *c, const char *where)
{
	struct valid_walk *vw = (struct valid_walk *)w;
	unsigned int n = 0;
	for (struct slab *slab = c->partial; slab && n <= c->nr_partial; slab = slab->next)
		n++;
	if (n != c->nr_partial)
		BROKEN(vw, "%s %p: nr_partial %u but %u%s slabs on its partial list", where, (void *)c,
		       c->nr_partial, n, n > c->nr_partial ? "+" : "");
	if (!c->slab && (c->freelist || c->span || c->base))
		BROKEN(vw, "%s %p: no slab but freelist %p span %lu", where, (void *)c, c->freelist, c->span);
	if (c->slab && (c->base != (uintptr_t)slab_address(c->slab) ||
			c->span != slub_slab_bytes(w->s, c->slab)))
		BROKEN(vw, "%s %p: base/span do not match slab %p", where, (void *)c, (void *)c->slab);
}

static void valid_visit(struct slub_walk *w, struct slab *slab, struct kmem_cache_cpu *c,
			const char *where, int nid)
{
	struct valid_walk *vw = (struct valid_walk *)w;
	struct kmem_cache *s = w->s;
	struct slub_cache *sc = slub_priv(s);
	if (!seen_once(vw, slab)) {
		BROKEN(vw, "slab %p (%s) is in two places", slab_address(slab), where);
		return;
	}
	if (!PageSlab(slab_page(slab)) || slab->slab_cache != s) {
		BROKEN(vw, "slab %p (%s): not a slab page of this cache", (void *)slab, where);
		return;
	}
	int snid = slab_nid(slab);
	if (snid < 0 || (unsigned int)snid >= sc->nr_nodes) {
		BROKEN(vw, "slab %p (%s): node %d out of range", slab_address(slab), where, snid);
		return;
	}
	union slub_counters cnt = slub_read_counters(slab);
	if (cnt.objects != s->objects && cnt.objects != sc->min_objects)
		BROKEN(vw, "slab %p (%s): %u objects, cache has %u (or %u)", slab_address(slab), where,
		       cnt.objects, s->objects, sc->min_objects);
	if (cnt.inuse > cnt.objects)
		BROKEN(vw, "slab %p (%s): inuse %u > objects %u", slab_address(slab), where, cnt.inuse,
		       cnt.objects);
	vw->slabs[snid]++;
	vw->objects[snid] += cnt.objects;
	unsigned long walk_bits[SLUB_MAX_OBJS / 64];
	memset(walk_bits, 0, (cnt.objects + 63) / 64 * sizeof(unsigned long));
	const void *bad = NULL;
	long nfree = mark_freelist(s, slab, slub_read_freelist(slab), walk_bits, &bad);
	if (nfree < 0) {
		BROKEN(vw, "slab %p (%s): freelist object %p outside the slab, misaligned or repeated",
		       slab_address(slab), where, bad);
		return;
	}
	long ncpu = c ? mark_freelist(s, slab, c->freelist, walk_bits, &bad) : 0;
	if (ncpu < 0) {
		BROKEN(vw, "slab %p (%s): CPU freelist object %p outside the slab, misaligned or on two "
		       "freelists", slab_address(slab), where, bad);
		return;
	}
	if (cnt.inuse + nfree != cnt.objects)
		BROKEN(vw, "slab %p (%s): inuse %u + free %ld != objects %u", slab_address(slab), where,
		       cnt.inuse, nfree, cnt.objects);
	if ((unsigned long)ncpu > cnt.inuse)
		BROKEN(vw, "slab %p (%s): %ld objects on the CPU freelist but inuse %u", slab_address(slab),
		       where, ncpu, cnt.inuse);
	if (nid < 0) {                   /* a CPU's: active or CPU partial */
		if (!cnt.frozen)
			BROKEN(vw, "slab %p (%s): not frozen", slab_address(slab), where);
		if (!c && !nfree)
			BROKEN(vw, "slab %p (%s): a CPU partial slab without free objects", slab_address(slab),
			       where);
		return;
	}
	if (cnt.frozen)
		BROKEN(vw, "slab %p (%s): frozen on a node list", slab_address(slab), where);
	if (snid != nid)
		BROKEN(vw, "slab %p of node %d on node %d's %s", slab_address(slab), snid, nid, where);
	if (!strcmp(where, "node full list")) {
		if (nfree)
			BROKEN(vw, "slab %p (%s): %ld free objects", slab_address(slab), where, nfree);
	} else {
		vw->partial[nid]++;
		if (!nfree)
			BROKEN(vw, "slab %p (%s): no free object", slab_address(slab), where);
	}
}

static void valid_node(struct slub_walk *w, struct kmem_cache_node *n, int nid)
{
	struct valid_walk *vw = (struct valid_walk *)w;
	vw->nr_slabs[nid] = __atomic_load_n(&n->nr_slabs, __ATOMIC_RELAXED);
	vw->total_objects[nid] = __atomic_load_n(&n->total_objects, __ATOMIC_RELAXED);
	vw->nr_partial[nid] = (long)n->nr_partial;
}

/* ops->is_valid: every slab everywhere, freelists and counts; the nodes' counters add up. */
bool slub_is_valid(struct kmem_cache *s, FILE *why)
{
	struct valid_walk *vw = mmap(NULL, sizeof(*vw), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vw == MAP_FAILED)
		return true;                 /* cannot check: say nothing */
	memset(vw, 0, sizeof(*vw));
	vw->w.s = s;
	vw->w.visit = valid_visit;
	vw->w.visit_cpu = valid_cpu;
	vw->w.visit_node = valid_node;
	vw->why = why;
	vw->ok = true;
	struct slub_cache *sc = slub_priv(s);
	long total = 0;
	for (unsigned int nid = 0; nid < sc->nr_nodes; nid++)
		total += __atomic_load_n(&slub_node(s, (int)nid)->nr_slabs, __ATOMIC_RELAXED);
	vw->nseen = (unsigned long)(total > 0 ? total : 0) * 2 + 64;
	size_t seen_bytes = vw->nseen * sizeof(struct slab *);
	vw->seen = mmap(NULL, seen_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vw->seen == MAP_FAILED)
		vw->seen = NULL;
	slub_walk(&vw->w);
	for (unsigned int nid = 0; nid < sc->nr_nodes; nid++) {
		if (vw->slabs[nid] != vw->nr_slabs[nid] || vw->objects[nid] != vw->total_objects[nid])
			BROKEN(vw, "node %u: nr_slabs %ld total_objects %ld, but %ld slabs with %ld objects found",
			       nid, vw->nr_slabs[nid], vw->total_objects[nid], vw->slabs[nid], vw->objects[nid]);
		if (vw->nr_partial[nid] != vw->partial[nid])
			BROKEN(vw, "node %u: nr_partial %ld but %ld slabs on the partial list", nid,
			       vw->nr_partial[nid], vw->partial[nid]);
	}
	bool ok = vw->ok;
	if (vw->seen)
		munmap(vw->seen, seen_bytes);
	munmap(vw, sizeof(*vw));
	return ok;
}

/* ---- reports ---- */

/* ops->get_info: slabinfo's numbers (get_slabinfo): every object not free on a node partial
 * list is active, CPU slabs included, as the kernel counts. */
void slub_get_info(struct kmem_cache *s, struct slabinfo *si)
{
	unsigned long slabs = 0, objects = 0, free = 0;
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++) {
		struct kmem_cache_node *n = slub_node(s, (int)nid);
		struct slab *slab;
		slabs += (unsigned long)__atomic_load_n(&n->nr_slabs, __ATOMIC_RELAXED);
		objects += (unsigned long)__atomic_load_n(&n->total_objects, __ATOMIC_RELAXED);
		spin_lock(&n->list_lock);
		list_for_each_entry(slab, &n->partial, slab_list) {
			union slub_counters cnt = slub_read_counters(slab);
			free += cnt.objects - cnt.inuse;
		}
		spin_unlock(&n->list_lock);
	}
	memset(si, 0, sizeof(*si));
	si->num_objs = objects;
	si->active_objs = objects - (free < objects ? free : objects);
	si->num_slabs = si->active_slabs = slabs;
	si->objects_per_slab = s->objects;
	si->cache_order = s->order;
}

static const char *const stat_names[NR_SLUB_STAT_ITEMS] = {
	"alloc_fastpath", "free_fastpath", "alloc_slowpath", "free_slowpath", "free_frozen",
	"free_add_partial", "free_remove_partial", "alloc_from_partial", "alloc_slab", "alloc_refill",
	"alloc_node_mismatch", "free_slab", "cpuslab_flush", "deactivate_full", "deactivate_empty",
	"deactivate_to_head", "deactivate_to_tail", "deactivate_remote_frees", "deactivate_bypass",
	"order_fallback", "cmpxchg_double_fail", "cpu_partial_alloc", "cpu_partial_free",
	"cpu_partial_node", "cpu_partial_drain",
};

static void add_thread_stats(struct kmem_cache *s, struct kmem_cache_cpu *c, void *arg)
{
	(void)s;
	unsigned long *sum = arg;
	for (int i = 0; i < NR_SLUB_STAT_ITEMS; i++)
		sum[i] += __atomic_load_n(&c->stat[i], __ATOMIC_RELAXED);
}

/* ops->print_stats: the cache's shape and SLUB's counters, one line each as
 * /sys/kernel/slab/<cache>/<stat> reads: "total C<cpu>=n ...", T= the per-thread caches and
 * exited threads. */
void slub_print_stats(struct kmem_cache *s, FILE *out)
{
	struct slub_cache *sc = slub_priv(s);
	unsigned long threads[NR_SLUB_STAT_ITEMS] = { 0 };
	slub_for_each_thread_cpu(s, add_thread_stats, threads);
	long slabs = 0, objects = 0;
	unsigned long partial = 0;
	for (unsigned int nid = 0; nid < sc->nr_nodes; nid++) {
		slabs += __atomic_load_n(&slub_node(s, (int)nid)->nr_slabs, __ATOMIC_RELAXED);
		objects += __atomic_load_n(&slub_node(s, (int)nid)->total_objects, __ATOMIC_RELAXED);
		partial += __atomic_load_n(&slub_node(s, (int)nid)->nr_partial, __ATOMIC_RELAXED);
	}
	fprintf(out, "%s: object_size %u slab_size %u order %u objs_per_slab %u min_partial %lu "
		"cpu_partial %u (%u slabs) slabs %ld objects %ld partial %lu %s\n", s->name, s->object_size,
		s->size, s->order, s->objects, s->min_partial, s->cpu_partial, sc->cpu_partial_slabs, slabs,
		objects, partial, slub_rseq_usable ? "rseq" : "per-thread");
	for (int i = 0; i < NR_SLUB_STAT_ITEMS; i++) {
		if (!NMM_SLUB_STATS && (i == ALLOC_FASTPATH || i == FREE_FASTPATH)) {
			fprintf(out, "  %s - (not counted: build with -DNUMAMM_SLUB_STATS=ON)\n", stat_names[i]);
			continue;
		}
		unsigned long total = threads[i] + __atomic_load_n(&sc->stat_other[i], __ATOMIC_RELAXED);
		for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
			total += __atomic_load_n(&slub_cpu(s, cpu)->stat[i], __ATOMIC_RELAXED);
		fprintf(out, "  %s %lu", stat_names[i], total);
		for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
			unsigned long v = __atomic_load_n(&slub_cpu(s, cpu)->stat[i], __ATOMIC_RELAXED);
			if (v)
				fprintf(out, " C%d=%lu", cpu, v);
		}
		unsigned long t = threads[i] + __atomic_load_n(&sc->stat_other[i], __ATOMIC_RELAXED);
		if (t)
			fprintf(out, " T=%lu", t);
		fputc('\n', out);
	}
}
