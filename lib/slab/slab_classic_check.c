/* lib/slab/slab_classic_check.c - SLAB seen whole: the slabinfo numbers (mm/slab.c
 * get_slabinfo/slabinfo_show_stats), the walk over every object for destroy reports, and the
 * is_valid walker that checks every invariant drawn in slab_classic.h (what CONFIG_DEBUG_SLAB's
 * check_irq_off/check_spinlock_acquired/verify of the lists would catch, and more: each array's
 * objects are distinct objects of the right node that their slabs see as handed out).
 */
#include <stdlib.h>
#include <string.h>

#include "slab_classic.h"

/**
 * slabc_get_info - the numbers of @s's slabinfo line. Objects on CPU, thread, shared and alien
 * arrays count as active, as in mm/slab.c.
 */
void slabc_get_info(struct kmem_cache *s, struct slabinfo *si)
{
	struct slabc_cache *c = slabc(s);
	unsigned long slabs = 0, free_slabs = 0, free_objs = 0, shared_avail = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct slabc_node *n = c->node[nid];
		spin_lock(&n->list_lock);
		slabs += n->total_slabs;
		free_slabs += n->free_slabs;
		free_objs += n->free_objects;
		if (n->shared)
			shared_avail += ac_avail(n->shared);
		spin_unlock(&n->list_lock);
	}
	memset(si, 0, sizeof(*si));
	si->num_objs = slabs * c->num;
	si->active_objs = si->num_objs - free_objs;
	si->num_slabs = slabs;
	si->active_slabs = slabs - free_slabs;
	si->shared_avail = shared_avail;
	si->limit = c->limit;
	si->batchcount = c->batchcount;
	si->shared = c->shared;
	si->objects_per_slab = c->num;
	si->cache_order = s->order;
}

/* Every object held in an array, sorted, for lookups while the arrays are held. */
struct objvec {
	void **v;
	size_t n, cap;
	bool truncated;         /* more objects than walk_objs holds: lookups may miss */
};

static void collect_array(struct array_cache *ac, int where, void *arg)
{
	(void)where;
	struct objvec *ov = arg;
	unsigned int avail = ac_avail(ac);
	for (unsigned int i = 0; i < avail; i++) {
		if (ov->n == ov->cap) {
			ov->truncated = true;
			return;
		}
		ov->v[ov->n++] = ac->entry[i];
	}
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

/* The walkers' scratch: no memory is allocated on their way (they run at nmm_shutdown, under
 * boot's lock, and reclaim may shrink the cache being walked). walk_lock serialises them. */
#define SLABC_WALK_OBJS 32768
static void *walk_objs[SLABC_WALK_OBJS];
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;

static void objvec_init(struct objvec *ov)
{
	memset(ov, 0, sizeof(*ov));
	ov->v = walk_objs;
	ov->cap = SLABC_WALK_OBJS;
}

/* Arrays held: gather their objects, sorted. */
static void objvec_collect(struct kmem_cache *s, struct objvec *ov)
{
	ov->n = 0;
	slabc_for_each_array(s, collect_array, ov);
	qsort(ov->v, ov->n, sizeof(void *), ptr_cmp);
}

static bool objvec_has(const struct objvec *ov, const void *obj)
{
	return ov->n && bsearch(&obj, ov->v, ov->n, sizeof(void *), ptr_cmp);
}


#define SLABC_BITMAP_WORDS ((32768 + 63) / 64)

/* Mark the free slots of @slab (its index array's tail) in @bits. */
static void mark_free_slots(const struct slabc_cache *c, const struct slab *slab, uint64_t *bits)
{
	memset(bits, 0, (c->num + 63) / 64 * sizeof(uint64_t));
	for (unsigned int i = slab->inuse; i < slab->objects && i < c->num; i++) {
		unsigned int idx = slabc_fl_get(c, slab, i);
		if (idx < c->num)
			bits[idx / 64] |= 1ULL << (idx % 64);
	}
}

/**
 * slabc_for_each_object - call @fn on every slot of @s, allocated or not (objects in arrays are
 * free). Context: takes every lock of @s; @fn must not call into @s.
 */
void slabc_for_each_object(struct kmem_cache *s,
			   void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg), void *arg)
{
	struct slabc_cache *c = slabc(s);
	static uint64_t bits[SLABC_BITMAP_WORDS];
	struct objvec ov;
	pthread_mutex_lock(&walk_lock);
	objvec_init(&ov);
	bool cpu_locked = slabc_arrays_hold(s);
	objvec_collect(s, &ov);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct slabc_node *n = c->node[nid];
		struct list_head *lists[3] = { &n->slabs_full, &n->slabs_partial, &n->slabs_free };
		for (int l = 0; l < 3; l++) {
			struct slab *slab;
			list_for_each_entry(slab, lists[l], slab_list) {
				mark_free_slots(c, slab, bits);
				void *base = slabc_first_slot(slab);
				for (unsigned int i = 0; i < c->num; i++) {
					void *obj = slab_obj_at(s, base, i);
					bool free = (bits[i / 64] >> (i % 64)) & 1;
					fn(s, obj, !free && !objvec_has(&ov, obj), arg);
				}
			}
		}
	}
	slabc_arrays_release(s, cpu_locked);
	pthread_mutex_unlock(&walk_lock);
}

/* ---- is_valid ---- */

struct check {
	struct kmem_cache *s;
	FILE *why;
	bool ok;
	unsigned long array_objs;
};

#define BAD(ck, ...)                                                                     \
	do {                                                                             \
		if ((ck)->ok && (ck)->why) {                                             \
			fprintf((ck)->why, "numamm: slab %s: SLAB: ", (ck)->s->name);    \
			fprintf((ck)->why, __VA_ARGS__);                                 \
			fputc('\n', (ck)->why);                                          \
		}                                                                        \
		(ck)->ok = false;                                                        \
	} while (0)

static void check_array(struct array_cache *ac, int where, void *arg)
{
	static const char *const kinds[] = { "cpu", "thread", "shared", "alien" };
	struct check *ck = arg;
	struct kmem_cache *s = ck->s;
	struct slabc_cache *c = slabc(s);
	unsigned int avail = ac_avail(ac);
	if (avail > ac->limit) {
		BAD(ck, "%s array %p holds %u objects, limit %u", kinds[where], (void *)ac, avail, ac->limit);
		return;
	}
	if (where <= 1 && slabc_ac_allochits(ac) > (1ULL << 62))
		BAD(ck, "%s array %p: its counts do not add up (in %lu, out %lu, free hits %lu, avail %u)",
		    kinds[where], (void *)ac, (unsigned long)ac->batch_in, (unsigned long)ac->batch_out,
		    (unsigned long)ac_freehits(ac), avail);
	ck->array_objs += avail;
	for (unsigned int i = 0; i < avail; i++) {
		void *obj = ac->entry[i];
		struct slab *slab = virt_addr_valid(obj) ? virt_to_slab(obj) : NULL;
		if (!slab || slab->slab_cache != s) {
			BAD(ck, "%s array %p entry %u: %p is not an object of this cache", kinds[where],
			    (void *)ac, i, obj);
			continue;
		}
		long idx = slabc_obj_index(s, slab, obj);
		if (idx < 0) {
			BAD(ck, "%s array %p entry %u: %p is not an object start", kinds[where], (void *)ac, i, obj);
			continue;
		}
		if (slab_nid(slab) != ac->node)
			BAD(ck, "%s array %p of node %d holds %p of node %d", kinds[where], (void *)ac, ac->node,
			    obj, slab_nid(slab));
		for (unsigned int k = slab->inuse; k < slab->objects && k < c->num; k++)
			if (slabc_fl_get(c, slab, k) == (unsigned int)idx) {
				BAD(ck, "%s array %p holds %p, which its slab counts as free", kinds[where],
				    (void *)ac, obj);
				break;
			}
	}
}

static void check_slab(struct check *ck, struct slabc_node *n, int nid, struct slab *slab, int list,
		       uint64_t *bits)
{
	static const char *const names[] = { "full", "partial", "free" };
	struct kmem_cache *s = ck->s;
	struct slabc_cache *c = slabc(s);
	if (!PageSlab(slab_page(slab)) || slab->slab_cache != s) {
		BAD(ck, "slab %p on node %d's %s list is not a slab of this cache", (void *)slab, nid, names[list]);
		return;
	}
	if (slab_nid(slab) != nid)
		BAD(ck, "slab %p of node %d is on node %d's lists", (void *)slab, slab_nid(slab), nid);
	if (slab->objects != c->num || slab->inuse > slab->objects) {
		BAD(ck, "slab %p: inuse %u objects %u (cache: %u per slab)", (void *)slab, slab->inuse,
		    slab->objects, c->num);
		return;
	}
	int want = slab->inuse == slab->objects ? 0 : slab->inuse == 0 ? 2 : 1;
	if (want != list)
		BAD(ck, "slab %p with %u of %u objects in use is on the %s list", (void *)slab, slab->inuse,
		    slab->objects, names[list]);
	unsigned int colour = slab->colour_off - c->mgmt_size;
	if (slab->colour_off < c->mgmt_size || colour % c->colour_off ||
	    colour / c->colour_off >= (c->colour ? c->colour : 1))
		BAD(ck, "slab %p: objects start at %u, not a colour (%u x %u) past the index array (%u)",
		    (void *)slab, slab->colour_off, c->colour, c->colour_off, c->mgmt_size);
	if (!slab->freelist) {
		BAD(ck, "slab %p has no index array", (void *)slab);
		return;
	}
	/* The free part of the index array names distinct slots. */
	memset(bits, 0, (c->num + 63) / 64 * sizeof(uint64_t));
	for (unsigned int i = slab->inuse; i < slab->objects; i++) {
		unsigned int idx = slabc_fl_get(c, slab, i);
		if (idx >= c->num) {
			BAD(ck, "slab %p: index array entry %u names slot %u of %u", (void *)slab, i, idx, c->num);
			return;
		}
		if ((bits[idx / 64] >> (idx % 64)) & 1) {
			BAD(ck, "slab %p: slot %u is free twice in its index array", (void *)slab, idx);
			return;
		}
		bits[idx / 64] |= 1ULL << (idx % 64);
	}
	(void)n;
}

/**
 * slabc_is_valid - check every list, slab, index array and array cache of @s.
 * Context: takes every lock of @s (arrays, then lists). Return: true when consistent; else the
 * first broken invariant is printed to @why.
 */
bool slabc_is_valid(struct kmem_cache *s, FILE *why)
{
	static uint64_t bits[SLABC_BITMAP_WORDS];
	struct slabc_cache *c = slabc(s);
	struct check ck = { .s = s, .why = why, .ok = true };
	if (!c || !s->cpu || c->num != s->objects || c->batchcount > c->limit || c->limit > SLABC_AC_MAX_LIMIT) {
		BAD(&ck, "cache structures broken (num %u objects %u limit %u batch %u)", c ? c->num : 0,
		    s->objects, c ? c->limit : 0, c ? c->batchcount : 0);
		return false;
	}
	struct objvec ov;
	pthread_mutex_lock(&walk_lock);
	objvec_init(&ov);
	bool cpu_locked = slabc_arrays_hold(s);
	unsigned long inuse_total = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct slabc_node *n = c->node[nid];
		struct list_head *lists[3] = { &n->slabs_full, &n->slabs_partial, &n->slabs_free };
		unsigned long slabs = 0, free_slabs = 0, free_objs = 0;
		for (int l = 0; l < 3; l++) {
			struct slab *slab;
			list_for_each_entry(slab, lists[l], slab_list) {
				check_slab(&ck, n, nid, slab, l, bits);
				slabs++;
				free_slabs += l == 2;
				free_objs += slab->objects - slab->inuse;
				inuse_total += slab->inuse;
			}
		}
		if (slabs != n->total_slabs || free_slabs != n->free_slabs || free_objs != n->free_objects)
			BAD(&ck, "node %d counts %lu slabs (%lu free) and %lu free objects; its lists hold %lu "
				 "(%lu free) and %lu", nid, n->total_slabs, n->free_slabs, n->free_objects, slabs,
			    free_slabs, free_objs);
	}
	slabc_for_each_array(s, check_array, &ck);
	if (ck.array_objs > inuse_total)
		BAD(&ck, "arrays hold %lu objects but slabs have only %lu in use", ck.array_objs, inuse_total);
	if (ck.ok) {
		objvec_collect(s, &ov);     /* truncated: the duplicates among the first cap only */
		for (size_t i = 1; i < ov.n; i++)
			if (ov.v[i] == ov.v[i - 1]) {
				BAD(&ck, "object %p is in two arrays (or twice in one)", ov.v[i]);
				break;
			}
	}
	slabc_arrays_release(s, cpu_locked);
	pthread_mutex_unlock(&walk_lock);
	return ck.ok;
}

/* ---- statistics ---- */

struct hits {
	uint64_t allochit, freehit, cpu_avail, thread_avail, alien_avail;
};

static void sum_hits(struct array_cache *ac, int where, void *arg)
{
	struct hits *h = arg;
	if (where == 0 || where == 1) {
		h->allochit += slabc_ac_allochits(ac);
		h->freehit += ac_freehits(ac);
		*(where ? &h->thread_avail : &h->cpu_avail) += ac_avail(ac);
	} else if (where == 3) {
		h->alien_avail += ac_avail(ac);
	}
}

/**
 * slabc_print_stats - mm/slab.c's STATS for @s (slabinfo's globalstat and cpustat columns, one
 * per line, with the kernel's names), the tunables and the geometry.
 * Context: takes every lock of @s for a moment.
 */
void slabc_print_stats(struct kmem_cache *s, FILE *out)
{
	struct slabc_cache *c = slabc(s);
	struct slabc_stats *st = &c->stats;
	struct hits h = { 0 };
	bool cpu_locked = slabc_arrays_hold(s);
	slabc_for_each_array(s, sum_hits, &h);
	slabc_arrays_release(s, cpu_locked);
	h.allochit += __atomic_load_n(&st->gone_allochit, __ATOMIC_RELAXED);
	h.freehit += __atomic_load_n(&st->gone_freehit, __ATOMIC_RELAXED);
	struct slabinfo si;
	slabc_get_info(s, &si);
#define L(v) ((unsigned long)__atomic_load_n(&(v), __ATOMIC_RELAXED))
	fprintf(out, "cache %s\n", s->name);
	fprintf(out, "objsize %u size %u objperslab %u order %u colour %u colour_off %u %s\n", s->object_size,
		s->size, c->num, s->order, c->colour, c->colour_off, c->off_slab ? "off-slab" : "on-slab");
	fprintf(out, "limit %u batchcount %u shared %u\n", c->limit, c->batchcount, c->shared);
	fprintf(out, "active_objs %lu num_objs %lu active_slabs %lu num_slabs %lu shared_avail %lu\n",
		si.active_objs, si.num_objs, si.active_slabs, si.num_slabs, si.shared_avail);
	fprintf(out, "cpu_avail %lu thread_avail %lu alien_avail %lu\n", (unsigned long)h.cpu_avail,
		(unsigned long)h.thread_avail, (unsigned long)h.alien_avail);
	fprintf(out, "allochit %lu\nallocmiss %lu\nfreehit %lu\nfreemiss %lu\n", (unsigned long)h.allochit,
		L(st->allocmiss), (unsigned long)h.freehit, L(st->freemiss));
	fprintf(out, "high_mark %lu\ngrown %lu\nreaped %lu\nerrors %lu\nmax_freeable %lu\n", L(st->high_mark),
		L(st->grown), L(st->reaped), L(st->errors), L(st->max_freeable));
	fprintf(out, "node_allocs %lu\nnode_frees %lu\nnode_overflow %lu\nalien_flushed %lu\n", L(st->node_allocs),
		L(st->node_frees), L(st->node_overflow), L(st->alien_flushed));
	fprintf(out, "shared_in %lu\nshared_out %lu\n", L(st->shared_in), L(st->shared_out));
#undef L
}
