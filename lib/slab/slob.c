/* lib/slab/slob.c - SLOB, the simple list-of-blocks allocator (mm/slob.c of Linux <= 6.3): a
 * K&R-style first-fit heap over pages shared by every cache, kept as the slow, compact baseline
 * the bench suite compares SLUB and SLAB against.
 *
 * A SLOB page (order 0, PageSlab, slab_cache NULL) is tiled exactly by blocks of SLOB_UNIT
 * (8-byte) units:
 *
 *   free block:       | units | next | ...                  units: its size; next: the unit
 *                                                            offset of the next free block of
 *                                                            the page (SLOB_PAGE_UNITS: none)
 *   allocated block:  | header | slot (s->size bytes) [| slob_rcu] | pad to a unit |
 *                       header = SLOB magic, the block's units, the cache id
 *
 * The object pointer is slot + s->red_left_pad (slab.h). The header is what the kernel's SLOB
 * kept only in front of kmalloc blocks: here every block carries its cache, because kfree,
 * ksize and the free checks must find the cache of any object, and a page holds objects of
 * many caches. The page's free blocks chain from slab->freelist in address order;
 * slab->units counts its free units.
 *
 * Lists: a page with free space sits on free_slob_small, free_slob_medium or free_slob_large:
 * the list of the size class (< SLOB_BREAK1, < SLOB_BREAK2, larger) of the request that gave it
 * its first free space (a new page, or the first free into a full page), exactly as the kernel
 * did: pages are segregated by the size of what they mostly serve, not re-sorted as their free
 * space changes. A request walks its class's list first fit and rotates the list head to the
 * page that served it (Knuth vol 1, 2.5: spreads fragments, shortens the next search). Full
 * pages go on slob_full (the kernel dropped them from every list; we keep them so the walkers
 * see every page). A page whose last block is freed goes straight back to the page allocator.
 *
 * Objects whose slot does not fit in a page beside its header (s->size >= PAGE_SIZE, or an
 * alignment that leaves no room) get pages of their own, as the kernel's SLOB gave them to
 * slob_new_pages: slab_cache = the cache, freelist = the object while it lives.
 *
 * Nodes: NUMA_NO_NODE takes the first fit on any node (new pages come from the local node);
 * an explicit node only uses pages of that node, and __GFP_THISNODE makes a new page fail
 * rather than come from elsewhere. DMA/DMA32 requests only use pages of their zones.
 *
 * Locking: slob_lock (one for everything, as the kernel's) guards every list, every SLOB
 * page's blocks, units and freelist, and the per-cache counts. It is never held across the
 * page allocator: its direct reclaim calls the slab shrinker, which calls back into us.
 * Lock order: slab_mutex -> slob_lock.
 *
 * Invariants (slob_is_valid):
 *   per page: free + allocated block units == SLOB_PAGE_UNITS; free blocks ascend and never
 *     touch (frees merge); sum of free block units == slab->units; 0 < units < SLOB_PAGE_UNITS
 *     on a free list, units == 0 on slob_full; allocated blocks carry SLOB_MAGIC_* and their
 *     cache's block units.
 *   per cache: live == its allocated blocks (RCU-pending ones included) + its own pages.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <numamm/linux/rcupdate.h>

#include "slab.h"

typedef int32_t slobidx_t;

/* One unit: the first unit of a free block, or the header of an allocated one. */
typedef union slob_block {
	struct {
		slobidx_t units;        /* free: size of the block in units */
		slobidx_t next;         /* free: unit offset of the next free block */
	};
	struct {
		uint16_t magic;         /* allocated: SLOB_MAGIC_LIVE, or _RCU once freed */
		uint16_t hunits;        /* allocated: size of the block in units, header included */
		uint32_t cache_id;      /* allocated: kmem_cache->id */
	};
} slob_t;

#define SLOB_UNIT sizeof(slob_t)
#define SLOB_UNITS(size) ((slobidx_t)(((size) + SLOB_UNIT - 1) / SLOB_UNIT))
#define SLOB_PAGE_UNITS ((slobidx_t)(PAGE_SIZE / SLOB_UNIT))
#define SLOB_BREAK1 256
#define SLOB_BREAK2 1024
#define SLOB_MAGIC_LIVE 0x51b0
#define SLOB_MAGIC_RCU 0x51b1           /* freed, waiting for its grace period */
#define SLOB_PAGE_DYING (-1L)           /* units of a page on its way back: walkers skip it */

_Static_assert(SLOB_UNIT == 8, "a header unit holds magic, units and cache id");
_Static_assert(PAGE_SIZE / 8 <= UINT16_MAX, "block units fit the header");

/* SLAB_TYPESAFE_BY_RCU: the rcu_head of a freed block lives after its slot (mm/slob.c's
 * slob_rcu), so the object keeps its contents until the grace period ends. */
struct slob_rcu {
	struct rcu_head head;
	slob_t *block;
};

/* Per cache, indexed by kmem_cache->id. Under slob_lock. */
struct slob_cache {
	unsigned long live;             /* objects handed out, not yet given back (RCU-pending too) */
	unsigned long rcu_pending;      /* of live: freed, waiting for a grace period */
	unsigned long big_pages;        /* pages held by own-page objects */
	unsigned long allocs, frees, alloc_fail, new_pages;
	struct list_head big;           /* own-page objects' slabs */
	slobidx_t units;                /* block units of an in-page object; 0: own pages */
	slobidx_t rcu_units;            /* units of the slob_rcu trailer */
};

static struct slob_cache slob_caches[NMM_SLAB_MAX_CACHES];
static DEFINE_SPINLOCK(slob_lock);
static LIST_HEAD(free_slob_small);
static LIST_HEAD(free_slob_medium);
static LIST_HEAD(free_slob_large);
static LIST_HEAD(slob_full);
static struct list_head *const slob_lists[] = { &free_slob_small, &free_slob_medium, &free_slob_large,
						&slob_full };
static const char *const slob_list_names[] = { "small", "medium", "large", "full" };
#define SLOB_NR_LISTS 4
static unsigned long slob_nr_pages;     /* SLOB pages on the lists */
static unsigned int slob_nr_caches;
static unsigned int slob_corrupt_reports;

static inline struct slob_cache *slob_cache(const struct kmem_cache *s)
{
	return &slob_caches[s->id];
}

static inline slob_t *slob_base(const struct slab *sp)
{
	return slab_address(sp);
}

static inline slobidx_t slob_freelist_off(const struct slab *sp)
{
	return sp->freelist ? (slobidx_t)((slob_t *)sp->freelist - slob_base(sp)) : SLOB_PAGE_UNITS;
}

static inline void slob_set_freelist(struct slab *sp, slobidx_t at)
{
	sp->freelist = at < SLOB_PAGE_UNITS ? slob_base(sp) + at : NULL;
}

static inline void set_slob(slob_t *base, slobidx_t at, slobidx_t units, slobidx_t next)
{
	base[at].units = units;
	base[at].next = next;
}

static struct list_head *slob_list_for(slobidx_t units)
{
	size_t bytes = (size_t)units * SLOB_UNIT;
	if (bytes < SLOB_BREAK1)
		return &free_slob_small;
	if (bytes < SLOB_BREAK2)
		return &free_slob_medium;
	return &free_slob_large;
}

/* Units to skip at @pos so the slot after the header lands on @align (page-aligned base, align
 * at most PAGE_SIZE: offsets within the page decide it). */
static inline slobidx_t slob_align_delta(slobidx_t pos, unsigned int align)
{
	if (align <= SLOB_UNIT)
		return 0;
	size_t slot = (size_t)(pos + 1) * SLOB_UNIT;
	return (slobidx_t)((ALIGN(slot, (size_t)align) - slot) / SLOB_UNIT);
}

/* The most objects of @units and @align an empty page takes (for slabinfo's objperslab). */
static unsigned int slob_objects_per_page(slobidx_t units, unsigned int align)
{
	unsigned int n = 0;
	slobidx_t pos = 0;
	for (;;) {
		slobidx_t d = slob_align_delta(pos, align);
		if (pos + d + units > SLOB_PAGE_UNITS)
			return n;
		pos += d + units;
		n++;
	}
}

/* The zones a request may take pages from: every lowmem zone, or only up to DMA/DMA32. */
static enum zone_type slob_zone_limit(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_HIGHMEM;
}

/* list_rotate_to_front: make @entry the first of @head. */
static inline void slob_rotate_to_front(struct list_head *entry, struct list_head *head)
{
	if (head->next != entry)
		list_move_tail(head, entry);
}

/*
 * slob_page_alloc - carve @units (aligned for @align) out of @sp's free blocks, first fit.
 * slob_lock held. Return: the unit offset of the new block, or -1 when no free block fits.
 * A page left full moves to slob_full (*full set: the caller must not touch its list place).
 */
static slobidx_t slob_page_alloc(struct slab *sp, slobidx_t units, unsigned int align, bool *full)
{
	slob_t *base = slob_base(sp);
	slobidx_t prev = -1;
	*full = false;
	for (slobidx_t cur = slob_freelist_off(sp); cur < SLOB_PAGE_UNITS; prev = cur, cur = base[cur].next) {
		slobidx_t avail = base[cur].units;
		slobidx_t delta = slob_align_delta(cur, align);
		if (avail < units + delta)
			continue;
		slobidx_t next = base[cur].next;
		if (delta) {
			/* The head fragment stays a free block in front of the aligned one. */
			set_slob(base, cur + delta, avail - delta, next);
			set_slob(base, cur, delta, cur + delta);
			prev = cur;
			cur += delta;
			avail -= delta;
		}
		slobidx_t after = next;
		if (avail > units) {
			/* Fragment: the tail stays free. */
			after = cur + units;
			set_slob(base, after, avail - units, next);
		}
		if (prev >= 0)
			base[prev].next = after;
		else
			slob_set_freelist(sp, after);
		sp->units -= units;
		if (!sp->units) {
			sp->freelist = NULL;
			list_move(&sp->slab_list, &slob_full);
			*full = true;
		}
		return cur;
	}
	return -1;
}

/* ---- walking a page's blocks ---- */

/* One block met by slob_walk_page. */
struct slob_walk {
	slobidx_t at, units;
	bool free;
	slobidx_t prev_free;            /* the last free block before it, -1: none */
	slobidx_t next_free;            /* the first free block after it, SLOB_PAGE_UNITS: none */
};

enum slob_walk_result { SLOB_WALK_DONE, SLOB_WALK_STOPPED, SLOB_WALK_CORRUPT };

typedef bool (*slob_visit_t)(struct slab *sp, const struct slob_walk *w, void *arg);

/*
 * slob_walk_page - visit @sp's blocks in address order, following the free chain beside them;
 * @visit returns true to stop. Every index is checked before use, so a corrupted page (a user
 * overflow into a header) is reported through @why and never followed out of the page.
 * slob_lock held.
 */
static enum slob_walk_result slob_walk_page(struct slab *sp, slob_visit_t visit, void *arg,
					    const char **why, slobidx_t *where)
{
	slob_t *base = slob_base(sp);
	slobidx_t pos = 0, f = slob_freelist_off(sp), prev_free = -1;
	if (f < 0 || f > SLOB_PAGE_UNITS || (f == SLOB_PAGE_UNITS && sp->units)) {
		*why = "freelist outside the page";
		*where = 0;
		return SLOB_WALK_CORRUPT;
	}
	while (pos < SLOB_PAGE_UNITS) {
		struct slob_walk w = { .at = pos, .prev_free = prev_free };
		*where = pos;
		if (pos == f) {
			w.free = true;
			w.units = base[pos].units;
			w.next_free = base[pos].next;
			if (w.units < 1 || w.units > SLOB_PAGE_UNITS - pos) {
				*why = "free block size out of the page";
				return SLOB_WALK_CORRUPT;
			}
			if (w.next_free != SLOB_PAGE_UNITS &&
			    (w.next_free < pos + w.units || w.next_free > SLOB_PAGE_UNITS)) {
				*why = "free chain out of address order";
				return SLOB_WALK_CORRUPT;
			}
			f = w.next_free;
			prev_free = pos;
		} else if (pos > f) {
			*why = "free chain points inside a block";
			return SLOB_WALK_CORRUPT;
		} else {
			const slob_t *h = &base[pos];
			if (h->magic != SLOB_MAGIC_LIVE && h->magic != SLOB_MAGIC_RCU) {
				*why = "allocated block header overwritten (bad magic)";
				return SLOB_WALK_CORRUPT;
			}
			w.units = h->hunits;
			if (w.units < 2 || w.units > f - pos) {
				*why = "allocated block overlaps the next block";
				return SLOB_WALK_CORRUPT;
			}
			w.next_free = f;
		}
		if (visit && visit(sp, &w, arg))
			return SLOB_WALK_STOPPED;
		pos += w.units;
	}
	return SLOB_WALK_DONE;
}

static void slob_report_corrupt(struct slab *sp, const char *why, slobidx_t where)
{
	if (__atomic_fetch_add(&slob_corrupt_reports, 1, __ATOMIC_RELAXED) >= 16)
		return;
	fprintf(stderr, "numamm: slob: page %p (pfn %#lx) corrupted: %s at offset %#lx\n",
		slab_address(sp), page_to_pfn(slab_page(sp)), why, (unsigned long)where * SLOB_UNIT);
}

/* Is @sp a SLOB page whose blocks may be walked? slob_lock held. */
static bool slob_page_walkable(struct slab *sp)
{
	return PageSlab(slab_page(sp)) && !PageTail(slab_page(sp)) && !sp->slab_cache && slab_address(sp) &&
	       sp->units >= 0 && sp->units < SLOB_PAGE_UNITS;
}

struct slob_find {
	const char *p;
	struct slob_walk w;
};

static bool slob_find_visit(struct slab *sp, const struct slob_walk *w, void *arg)
{
	struct slob_find *f = arg;
	if (f->p >= (const char *)(slob_base(sp) + w->at + w->units))
		return false;
	f->w = *w;
	return true;
}

/* The cache of the allocated block header @h, if it is a live SLOB cache of matching size. */
static struct kmem_cache *slob_header_cache(const slob_t *h)
{
	if (h->cache_id >= NMM_SLAB_MAX_CACHES)
		return NULL;
	struct kmem_cache *s = __atomic_load_n(&slab_cache_by_id[h->cache_id], __ATOMIC_ACQUIRE);
	if (!s || s->ops != &slob_allocator || slob_caches[h->cache_id].units != h->hunits)
		return NULL;
	return s;
}

/* The object pointer of the allocated block @w of @s in @sp. */
static inline void *slob_block_obj(const struct kmem_cache *s, struct slab *sp, const struct slob_walk *w)
{
	return (char *)(slob_base(sp) + w->at + 1) + s->red_left_pad;
}

/*
 * slob_lookup - the cache of the live block holding @p in SLOB page @sp, and that block (@w),
 * found by walking the page. NULL for a pointer into a free block, into a block waiting for
 * RCU, or into a page that is not (or no longer) a SLOB page. The caller compares @p with
 * slob_block_obj() when it needs an object start. slob_lock held.
 */
static struct kmem_cache *slob_lookup(struct slab *sp, const void *p, struct slob_walk *w)
{
	if (!slob_page_walkable(sp))
		return NULL;
	struct slob_find f = { .p = p };
	const char *why = NULL;
	slobidx_t where;
	enum slob_walk_result r = slob_walk_page(sp, slob_find_visit, &f, &why, &where);
	if (r == SLOB_WALK_CORRUPT)
		slob_report_corrupt(sp, why, where);
	if (r != SLOB_WALK_STOPPED || f.w.free)
		return NULL;
	const slob_t *h = slob_base(sp) + f.w.at;
	if (h->magic != SLOB_MAGIC_LIVE)
		return NULL;
	*w = f.w;
	return slob_header_cache(h);
}

/* The cache of the live own-page object holding @p in @sp; *@start: the object. slob_lock held. */
static struct kmem_cache *slob_big_lookup(struct slab *sp, const void *p, const void **start)
{
	struct kmem_cache *s = sp->slab_cache;
	if (!PageSlab(slab_page(sp)) || !s || s->ops != &slob_allocator)
		return NULL;
	const char *o = (const char *)slab_address(sp) + s->red_left_pad;
	if (sp->freelist != o || (const char *)p < (const char *)slab_address(sp) ||
	    (const char *)p >= (const char *)slab_address(sp) + (PAGE_SIZE << s->order))
		return NULL;
	*start = o;
	return s;
}

/* The cache of the live object holding @p, and in *@start that object's start. slob_lock held. */
static struct kmem_cache *slob_obj_cache_locked(struct slab *sp, const void *p, const void **start)
{
	if (sp->slab_cache)
		return slob_big_lookup(sp, p, start);
	struct slob_walk w;
	struct kmem_cache *s = slob_lookup(sp, p, &w);
	if (s)
		*start = slob_block_obj(s, sp, &w);
	return s;
}

/* ---- allocation ---- */

static void *slob_alloc_big(struct kmem_cache *s, gfp_t gfp, int node)
{
	struct slob_cache *c = slob_cache(s);
	struct slab *sp = slab_pages_alloc(s, gfp & ~__GFP_ZERO, node, s->order);
	if (!sp)
		return NULL;
	void *obj = (char *)slab_address(sp) + s->red_left_pad;
	spin_lock(&slob_lock);
	sp->freelist = obj;
	sp->inuse = 1;
	sp->objects = 1;
	list_add(&sp->slab_list, &c->big);
	c->big_pages += 1UL << s->order;
	c->new_pages++;
	c->live++;
	c->allocs++;
	spin_unlock(&slob_lock);
	return obj;
}

/* First fit over @list's pages usable by the request. slob_lock held. Return: block or NULL. */
static slob_t *slob_alloc_from_list(struct list_head *list, slobidx_t units, unsigned int align, int node,
				    enum zone_type zmax)
{
	struct slab *sp;
	list_for_each_entry(sp, list, slab_list) {
		if (sp->units < units)
			continue;
		if (node != NUMA_NO_NODE && slab_nid(sp) != node)
			continue;
		if (zmax != ZONE_HIGHMEM && page_zonenum(slab_page(sp)) > zmax)
			continue;
		bool full;
		slobidx_t at = slob_page_alloc(sp, units, align, &full);
		if (at < 0)
			continue;
		/* Start the next search here (the kernel's list_rotate_to_front). A page that just
		 * went full has left the list. */
		if (!full)
			slob_rotate_to_front(&sp->slab_list, list);
		return slob_base(sp) + at;
	}
	return NULL;
}

static void slob_set_header(slob_t *b, struct kmem_cache *s, slobidx_t units)
{
	b->magic = SLOB_MAGIC_LIVE;
	b->hunits = (uint16_t)units;
	b->cache_id = s->id;
}

static void *slob_alloc(struct kmem_cache *s, gfp_t gfp, int node)
{
	struct slob_cache *c = slob_cache(s);
	if (unlikely(!c->units))
		return slob_alloc_big(s, gfp, node);

	slobidx_t units = c->units;
	unsigned int align = s->align;
	struct list_head *list = slob_list_for(units);
	enum zone_type zmax = slob_zone_limit(gfp | s->allocflags);

	spin_lock(&slob_lock);
	slob_t *b = slob_alloc_from_list(list, units, align, node, zmax);
	if (b) {
		slob_set_header(b, s, units);
		c->live++;
		c->allocs++;
	}
	spin_unlock(&slob_lock);

	if (!b) {
		/* Not enough room anywhere: a new page, taken without slob_lock (reclaim may
		 * shrink slab caches). Pages are shared, so the cache's reclaimable bit is not
		 * theirs; the zone bits are. */
		gfp_t pgfp = (gfp | (s->allocflags & (__GFP_DMA | __GFP_DMA32))) & ~(__GFP_ZERO | __GFP_RECLAIMABLE);
		struct slab *sp = slab_pages_alloc(NULL, pgfp, node, 0);
		if (!sp) {
			spin_lock(&slob_lock);
			c->alloc_fail++;
			spin_unlock(&slob_lock);
			return NULL;
		}
		slob_t *base = slob_base(sp);
		bool full;
		spin_lock(&slob_lock);
		sp->units = SLOB_PAGE_UNITS;
		set_slob(base, 0, SLOB_PAGE_UNITS, SLOB_PAGE_UNITS);
		sp->freelist = base;
		list_add(&sp->slab_list, list);
		slob_nr_pages++;
		slobidx_t at = slob_page_alloc(sp, units, align, &full);
		if (unlikely(at < 0)) {
			/* cache_create keeps in-page only caches whose block fits an empty page. */
			spin_unlock(&slob_lock);
			slab_report(s, "slob: a %d-unit block does not fit an empty page", units);
			return NULL;
		}
		b = base + at;
		slob_set_header(b, s, units);
		c->live++;
		c->allocs++;
		c->new_pages++;
		spin_unlock(&slob_lock);
	}

	return (char *)(b + 1) + s->red_left_pad;
}

static void *slob_alloc_op(struct kmem_cache *s, gfp_t gfp, int node)
{
	void *obj = slob_alloc(s, gfp, node);
	if (unlikely(!obj))
		return NULL;
	/* Every SLOB slot is new: lay out its redzones and poison (debug caches, in-page and
	 * own-page alike), then construct it — SLOB keeps no constructed free objects, so the
	 * constructor runs on every allocation. */
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS))
		slab_debug_init_slot(s, obj);
	if (s->ctor)
		s->ctor(obj);
	return obj;
}

/* ---- free ---- */

/*
 * slob_free_block - give the allocated block @w back to @sp, merging with free neighbours.
 * slob_lock held. Return: true when the page became entirely free; it is then off every list
 * and marked dying, and the caller hands it to the page allocator after unlocking.
 */
static bool slob_free_block(struct slab *sp, const struct slob_walk *w)
{
	slob_t *base = slob_base(sp);
	slobidx_t b = w->at, units = w->units;

	if (sp->units + units == SLOB_PAGE_UNITS) {
		list_del(&sp->slab_list);
		sp->units = SLOB_PAGE_DYING;
		sp->freelist = NULL;
		slob_nr_pages--;
		return true;
	}
	if (!sp->units) {
		/* A full page becomes partially free: onto the list of this block's class. */
		set_slob(base, b, units, SLOB_PAGE_UNITS);
		sp->freelist = base + b;
		sp->units = units;
		list_move(&sp->slab_list, slob_list_for(units));
		return false;
	}
	sp->units += units;
	slobidx_t next = w->next_free, prev = w->prev_free;
	if (next < SLOB_PAGE_UNITS && b + units == next) {
		units += base[next].units;
		next = base[next].next;
	}
	if (prev >= 0 && prev + base[prev].units == b) {
		base[prev].units += units;
		base[prev].next = next;
	} else {
		set_slob(base, b, units, next);
		if (prev >= 0)
			base[prev].next = b;
		else
			sp->freelist = base + b;
	}
	return false;
}

/* Free the in-page block @w of @s (slob_lock held, dropped on return). */
static void slob_free_locked(struct kmem_cache *s, struct slab *sp, const struct slob_walk *w)
{
	struct slob_cache *c = slob_cache(s);
	c->live--;
	c->frees++;
	bool empty = slob_free_block(sp, w);
	spin_unlock(&slob_lock);
	if (empty)
		slab_pages_free(NULL, sp, 0);
}

/* SLAB_TYPESAFE_BY_RCU: the grace period is over, the block goes back for real. */
static void slob_rcu_free(struct rcu_head *head)
{
	struct slob_rcu *r = container_of(head, struct slob_rcu, head);
	spin_lock(&slob_lock);                  /* r->block was written under it */
	slob_t *b = r->block;
	struct slab *sp = virt_to_slab(b);
	struct kmem_cache *s = NULL;
	struct slob_find f = { .p = (const char *)b };
	const char *why = NULL;
	slobidx_t where;
	if (sp && slob_page_walkable(sp) &&
	    slob_walk_page(sp, slob_find_visit, &f, &why, &where) == SLOB_WALK_STOPPED && !f.w.free &&
	    slob_base(sp) + f.w.at == b && b->magic == SLOB_MAGIC_RCU)
		s = slob_header_cache(b);
	if (!s) {
		spin_unlock(&slob_lock);
		fprintf(stderr, "numamm: slob: RCU-freed block %p was overwritten during its grace period; "
			"leaked\n", (void *)b);
		return;
	}
	slob_cache(s)->rcu_pending--;
	slob_free_locked(s, sp, &f.w);
}

static void slob_free_big(struct kmem_cache *s, struct slab *sp, void *obj)
{
	struct slob_cache *c = slob_cache(s);
	const void *start = NULL;
	spin_lock(&slob_lock);
	if (slob_big_lookup(sp, obj, &start) != s || start != obj) {
		spin_unlock(&slob_lock);
		fprintf(stderr, "numamm: slob: kmem_cache_free(%s, %p): not a live object; not freed\n", s->name, obj);
		return;
	}
	list_del(&sp->slab_list);
	sp->freelist = NULL;
	sp->inuse = 0;
	c->big_pages -= 1UL << s->order;
	c->live--;
	c->frees++;
	spin_unlock(&slob_lock);
	slab_pages_free(s, sp, s->order);   /* after a grace period for SLAB_TYPESAFE_BY_RCU */
}

static void slob_free_op(struct kmem_cache *s, struct slab *slab, void *obj)
{
	struct slab *sp = slab ? slab : virt_to_slab(obj);
	if (!sp) {
		fprintf(stderr, "numamm: slob: kmem_cache_free(%s, %p): not in a slab page; not freed\n", s->name, obj);
		return;
	}
	if (sp->slab_cache) {
		slob_free_big(s, sp, obj);
		return;
	}
	/* The front end checked the pointer; check again under the lock, where the answer holds
	 * (two threads freeing one object race between the check and here). */
	struct slob_walk w;
	spin_lock(&slob_lock);
	if (slob_lookup(sp, obj, &w) != s || slob_block_obj(s, sp, &w) != obj) {
		spin_unlock(&slob_lock);
		fprintf(stderr, "numamm: slob: kmem_cache_free(%s, %p): not a live object of the cache; "
			"not freed\n", s->name, obj);
		return;
	}
	struct slob_cache *c = slob_cache(s);
	if (s->flags & SLAB_TYPESAFE_BY_RCU) {
		slob_t *b = slob_base(sp) + w.at;
		struct slob_rcu *r = (struct slob_rcu *)(b + w.units - c->rcu_units);
		b->magic = SLOB_MAGIC_RCU;      /* a second free now fails the lookup */
		c->rcu_pending++;
		r->block = b;
		spin_unlock(&slob_lock);
		call_rcu(&r->head, slob_rcu_free);
		return;
	}
	slob_free_locked(s, sp, &w);
}

/* ---- the cache ops ---- */

static int slob_cache_create(struct kmem_cache *s)
{
	struct slob_cache *c = slob_cache(s);
	slobidx_t rcu_units = s->flags & SLAB_TYPESAFE_BY_RCU ? SLOB_UNITS(sizeof(struct slob_rcu)) : 0;
	slobidx_t units = 1 + SLOB_UNITS(s->size) + rcu_units;
	unsigned int per_page = s->size < PAGE_SIZE && units <= SLOB_PAGE_UNITS
					? slob_objects_per_page(units, s->align) : 0;
	unsigned int order = 0;
	/* Objects that do not fit a page beside their header get pages of their own, like the
	 * kernel's slob_new_pages for objects of a page or more. */
	while (!per_page && (PAGE_SIZE << order) < s->size)
		order++;
	if (order > MAX_ORDER)
		return -EINVAL;
	s->order = order;
	s->objects = per_page ? per_page : 1;
	s->fast = SLAB_FAST_NONE;
	s->cpu = NULL;
	s->priv = c;
	spin_lock(&slob_lock);
	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->big);
	c->rcu_units = rcu_units;
	c->units = per_page ? units : 0;
	slob_nr_caches++;
	spin_unlock(&slob_lock);
	return 0;
}

static int slob_cache_shutdown(struct kmem_cache *s)
{
	struct slob_cache *c = slob_cache(s);
	spin_lock(&slob_lock);
	bool pending = c->rcu_pending;
	spin_unlock(&slob_lock);
	if (pending)
		slab_rcu_barrier();     /* its callbacks touch the cache: let them run first */
	spin_lock(&slob_lock);
	unsigned long live = c->live;
	spin_unlock(&slob_lock);
	/* Empty pages never stay: with no live object the cache holds nothing. */
	return live ? -EBUSY : 0;
}

static void slob_cache_release(struct kmem_cache *s)
{
	struct slob_cache *c = slob_cache(s);
	spin_lock(&slob_lock);
	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->big);
	if (!--slob_nr_caches) {
		/* The last cache is gone: only nmm_shutdown releases caches with live objects, and
		 * their pages go with the arena. Forget them so a new boot starts empty. */
		for (int i = 0; i < SLOB_NR_LISTS; i++)
			INIT_LIST_HEAD(slob_lists[i]);
		slob_nr_pages = 0;
	}
	spin_unlock(&slob_lock);
}

/* SLOB frees a page the moment its last block goes: there is never anything to shrink. */
static unsigned long slob_shrink(struct kmem_cache *s, bool all)
{
	(void)s;
	(void)all;
	return 0;
}

static unsigned long slob_reclaimable_pages(struct kmem_cache *s)
{
	(void)s;
	return 0;
}

/* The cache of the live object holding @obj (its start or not: the front end then reports "not
 * the start of an object", as for the other back ends), NULL for anything else. */
static struct kmem_cache *slob_obj_cache(struct slab *slab, const void *obj)
{
	const void *start;
	spin_lock(&slob_lock);
	struct kmem_cache *s = slob_obj_cache_locked(slab, obj, &start);
	spin_unlock(&slob_lock);
	return s;
}

static bool slob_is_obj_start(struct kmem_cache *s, struct slab *slab, const void *obj)
{
	const void *start = NULL;
	if (!slab)
		slab = virt_to_slab(obj);
	if (!slab)
		return false;
	spin_lock(&slob_lock);
	bool ok = slob_obj_cache_locked(slab, obj, &start) == s && start == obj;
	spin_unlock(&slob_lock);
	return ok;
}

/* Call @visit on every SLOB page (slob_lock held); stops when it returns true. */
static void slob_for_each_page(bool (*visit)(struct slab *sp, int list, void *arg), void *arg)
{
	for (int i = 0; i < SLOB_NR_LISTS; i++) {
		struct slab *sp;
		list_for_each_entry(sp, slob_lists[i], slab_list)
			if (visit(sp, i, arg))
				return;
	}
}

/* Objects of one cache in a page. */
struct slob_count {
	struct kmem_cache *s;
	unsigned long objects, rcu, pages;
	void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg);
	void *arg;
};

static bool slob_count_visit(struct slab *sp, const struct slob_walk *w, void *arg)
{
	struct slob_count *c = arg;
	const slob_t *h = slob_base(sp) + w->at;
	if (w->free || h->cache_id != c->s->id)
		return false;
	c->objects++;
	if (h->magic == SLOB_MAGIC_RCU)
		c->rcu++;
	if (c->fn)
		c->fn(c->s, (char *)(slob_base(sp) + w->at + 1) + c->s->red_left_pad, h->magic == SLOB_MAGIC_LIVE,
		      c->arg);
	return false;
}

static bool slob_count_page(struct slab *sp, int list, void *arg)
{
	(void)list;
	struct slob_count *c = arg;
	unsigned long before = c->objects;
	const char *why;
	slobidx_t where;
	slob_walk_page(sp, slob_count_visit, c, &why, &where);
	if (c->objects != before)
		c->pages++;
	return false;
}

/* Slabs: SLOB pages holding at least one object of @s plus its own pages, found by walking
 * every SLOB page (slabinfo is rare; allocation keeps no per-page, per-cache counts). */
static void slob_get_info(struct kmem_cache *s, struct slabinfo *si)
{
	struct slob_cache *c = slob_cache(s);
	struct slob_count cnt = { .s = s };
	spin_lock(&slob_lock);
	if (c->units)
		slob_for_each_page(slob_count_page, &cnt);
	else
		cnt.pages = c->big_pages >> s->order;
	unsigned long live = c->live - c->rcu_pending;
	spin_unlock(&slob_lock);
	memset(si, 0, sizeof(*si));
	si->active_objs = si->num_objs = live;
	si->active_slabs = si->num_slabs = cnt.pages;
	si->objects_per_slab = s->objects;
	si->cache_order = s->order;
}

/* Calls @fn with slob_lock held: it must not allocate or free slab memory. */
static void slob_for_each_object(struct kmem_cache *s,
				 void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg), void *arg)
{
	struct slob_cache *c = slob_cache(s);
	struct slob_count cnt = { .s = s, .fn = fn, .arg = arg };
	spin_lock(&slob_lock);
	if (c->units) {
		slob_for_each_page(slob_count_page, &cnt);
	} else {
		struct slab *sp;
		list_for_each_entry(sp, &c->big, slab_list)
			fn(s, sp->freelist, true, arg);
	}
	spin_unlock(&slob_lock);
}

/* ---- consistency ---- */

struct slob_check {
	FILE *why;
	struct kmem_cache *s;
	unsigned long pages, objects;
	bool ok;
};

struct slob_page_sums {
	slobidx_t free_units, alloc_units, last_free_end;
	struct kmem_cache *s;
	unsigned long objects;
	const char *bad;
	slobidx_t bad_at;
};

static bool slob_check_visit(struct slab *sp, const struct slob_walk *w, void *arg)
{
	struct slob_page_sums *p = arg;
	const slob_t *h = slob_base(sp) + w->at;
	if (w->free) {
		if (w->prev_free >= 0 && p->last_free_end == w->at) {
			p->bad = "two free blocks touch (not merged)";
			p->bad_at = w->at;
			return true;
		}
		p->free_units += w->units;
		p->last_free_end = w->at + w->units;
		return false;
	}
	p->alloc_units += w->units;
	struct kmem_cache *hs = NULL;
	if (h->cache_id < NMM_SLAB_MAX_CACHES)
		hs = __atomic_load_n(&slab_cache_by_id[h->cache_id], __ATOMIC_ACQUIRE);
	if (!hs || hs->ops != &slob_allocator) {
		p->bad = "allocated block of no SLOB cache";
		p->bad_at = w->at;
		return true;
	}
	if (slob_caches[h->cache_id].units != w->units) {
		p->bad = "allocated block size differs from its cache's";
		p->bad_at = w->at;
		return true;
	}
	if (hs == p->s)
		p->objects++;
	return false;
}

static bool slob_check_page(struct slab *sp, int list, void *arg)
{
	struct slob_check *c = arg;
	struct page *page = slab_page(sp);
	const char *bad = NULL;
	slobidx_t where = 0;
	c->pages++;
	if (!PageSlab(page) || PageTail(page) || PageHead(page) || sp->slab_cache || !slab_address(sp))
		bad = "not an order-0 SLOB page (PageSlab, no cache)";
	else if (list == SLOB_NR_LISTS - 1 ? sp->units != 0 : sp->units <= 0 || sp->units >= SLOB_PAGE_UNITS)
		bad = list == SLOB_NR_LISTS - 1 ? "full-list page with free units"
						: "free-list page that is full or entirely free";
	else if ((sp->units == 0) != (sp->freelist == NULL))
		bad = "freelist does not match the free units";
	else if (sp->slab_list.next->prev != &sp->slab_list || sp->slab_list.prev->next != &sp->slab_list)
		bad = "list links broken";
	struct slob_page_sums sums = { .s = c->s, .last_free_end = -1 };
	if (!bad) {
		if (slob_walk_page(sp, slob_check_visit, &sums, &bad, &where) == SLOB_WALK_STOPPED) {
			bad = sums.bad;
			where = sums.bad_at;
		} else if (!bad && sums.free_units != sp->units) {
			bad = "free blocks do not add up to the page's free units";
		} else if (!bad && sums.free_units + sums.alloc_units != SLOB_PAGE_UNITS) {
			bad = "blocks do not tile the page";
		}
	}
	if (bad) {
		fprintf(c->why, "numamm: slob: page %p on the %s list (units %ld): %s at offset %#lx\n",
			slab_address(sp), slob_list_names[list], sp->units, bad, (unsigned long)where * SLOB_UNIT);
		c->ok = false;
		return true;
	}
	c->objects += sums.objects;
	return false;
}

static bool slob_is_valid(struct kmem_cache *s, FILE *why)
{
	struct slob_cache *sc = slob_cache(s);
	struct slob_check c = { .why = why, .s = s, .ok = true };
	spin_lock(&slob_lock);
	slob_for_each_page(slob_check_page, &c);
	if (c.ok && c.pages != slob_nr_pages) {
		fprintf(why, "numamm: slob: %lu pages on the lists, %lu counted\n", c.pages, slob_nr_pages);
		c.ok = false;
	}
	unsigned long big = 0;
	struct slab *sp;
	list_for_each_entry(sp, &sc->big, slab_list) {
		const void *start;
		if (slob_big_lookup(sp, sp->freelist, &start) != s) {
			fprintf(why, "numamm: slob: %s: own-page slab %p holds no live object\n", s->name, (void *)sp);
			c.ok = false;
			break;
		}
		big++;
	}
	if (c.ok && (sc->units ? big != 0 : c.objects != 0)) {
		fprintf(why, "numamm: slob: %s: objects in the wrong kind of page\n", s->name);
		c.ok = false;
	}
	if (c.ok && c.objects + big != sc->live) {
		fprintf(why, "numamm: slob: %s: %lu live objects counted, %lu found\n", s->name, sc->live,
			c.objects + big);
		c.ok = false;
	}
	if (c.ok && sc->big_pages != big << s->order) {
		fprintf(why, "numamm: slob: %s: %lu own pages counted, %lu found\n", s->name, sc->big_pages,
			big << s->order);
		c.ok = false;
	}
	spin_unlock(&slob_lock);
	return c.ok;
}

struct slob_list_stats {
	unsigned long pages[SLOB_NR_LISTS], free_units;
};

static bool slob_stats_page(struct slab *sp, int list, void *arg)
{
	struct slob_list_stats *st = arg;
	st->pages[list]++;
	st->free_units += (unsigned long)sp->units;
	return false;
}

static void slob_print_stats(struct kmem_cache *s, FILE *out)
{
	struct slob_cache *c = slob_cache(s);
	spin_lock(&slob_lock);
	struct slob_cache snap = *c;
	struct slob_list_stats st = { { 0 }, 0 };
	bool first = list_first_entry(&slab_caches, struct kmem_cache, list) == s;
	if (first)
		slob_for_each_page(slob_stats_page, &st);
	spin_unlock(&slob_lock);
	if (snap.units)
		fprintf(out, "  slob: live %lu rcu_pending %lu allocs %lu frees %lu alloc_fail %lu new_pages %lu "
			"block_units %d (%zu bytes)\n", snap.live, snap.rcu_pending, snap.allocs, snap.frees,
			snap.alloc_fail, snap.new_pages, snap.units, (size_t)snap.units * SLOB_UNIT);
	else
		fprintf(out, "  slob: live %lu allocs %lu frees %lu own pages %lu (order %u each)\n", snap.live,
			snap.allocs, snap.frees, snap.big_pages, s->order);
	if (first)
		fprintf(out, "  slob pages: small %lu medium %lu large %lu full %lu, free %lu bytes\n", st.pages[0],
			st.pages[1], st.pages[2], st.pages[3], st.free_units * SLOB_UNIT);
}

struct slob_state {
	struct slab *sp;
	int list;
	int free_blocks;
};

static bool slob_state_page(struct slab *sp, int list, void *arg)
{
	struct slob_state *st = arg;
	if (sp != st->sp)
		return false;
	st->list = list;
	return true;
}

static bool slob_state_visit(struct slab *sp, const struct slob_walk *w, void *arg)
{
	(void)sp;
	((struct slob_state *)arg)->free_blocks += w->free;
	return false;
}

/**
 * slob_page_state - what the SLOB page holding @p looks like (for tests and debugging).
 * @p: any address
 * @free_units: set to the page's free units (SLOB_UNIT bytes each); may be NULL
 * @free_blocks: set to the number of free blocks on its freelist; may be NULL
 *
 * Context: takes slob_lock; walks the lists (slow).
 * Return: the list holding the page (0 free_slob_small, 1 free_slob_medium, 2 free_slob_large,
 * 3 full), or -1 when @p is not in a SLOB page.
 */
int slob_page_state(const void *p, long *free_units, int *free_blocks)
{
	if (!virt_addr_valid(p))
		return -1;
	struct slab *sp = virt_to_slab(p);
	if (!sp)
		return -1;
	struct slob_state st = { .sp = sp, .list = -1 };
	spin_lock(&slob_lock);
	if (slob_page_walkable(sp)) {
		slob_for_each_page(slob_state_page, &st);
		const char *why;
		slobidx_t where;
		if (st.list >= 0 && slob_walk_page(sp, slob_state_visit, &st, &why, &where) == SLOB_WALK_CORRUPT)
			st.list = -1;
		if (free_units)
			*free_units = sp->units;
		if (free_blocks)
			*free_blocks = st.free_blocks;
	}
	spin_unlock(&slob_lock);
	return st.list;
}

/**
 * slob_allocator - the SLOB back end (slab=slob): first-fit lists shared by all caches.
 */
const struct slab_allocator slob_allocator = {
	.name = "slob",
	.cache_create = slob_cache_create,
	.cache_shutdown = slob_cache_shutdown,
	.cache_release = slob_cache_release,
	.alloc = slob_alloc_op,
	.free = slob_free_op,
	.shrink = slob_shrink,
	.reclaimable_pages = slob_reclaimable_pages,
	.obj_cache = slob_obj_cache,
	.is_obj_start = slob_is_obj_start,
	.get_info = slob_get_info,
	.for_each_object = slob_for_each_object,
	.is_valid = slob_is_valid,
	.print_stats = slob_print_stats,
};
