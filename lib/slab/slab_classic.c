/* lib/slab/slab_classic.c - SLAB, the classic slab allocator (mm/slab.c of Linux <= 6.4, chosen
 * with slab=slab): per-CPU array caches in front of per-node slab lists, a shared array per node,
 * alien arrays for frees of other nodes' objects, slab colouring, and the free index array that
 * names each slab's free slots.
 *
 * The structures and lock order are drawn in slab_classic.h. In short:
 *   alloc: this CPU's array (inline, rseq) -> cache_alloc_refill: batchcount objects from the
 *          node's shared array, then its partial and free slabs, then a new slab;
 *   free:  this CPU's array (inline, rseq) -> cache_flusharray: batchcount objects to the shared
 *          array, the rest back into their slabs; a slab left empty beyond free_limit goes back
 *          to the page allocator. An object of another node goes to this node's alien array for
 *          its home node, which is flushed home in batches.
 * The numbers (objects per slab, order, colour, limit/batchcount/shared) are chosen as
 * calculate_slab_order and enable_cpucache choose them.
 */
#include <errno.h>
#include <string.h>

#include "../fault/fault.h"
#include "../page_alloc/internal.h"
#include "slab_asan.h"
#include "slab_classic.h"
#include "slab_classic_fast.h"

int slabc_nr_cpus;
int slabc_alloc_cpus;

/* failslab armed or disarmed: the alloc fast path's bound (see slab_classic.h). */
static void slabc_fault_divert(bool armed)
{
	__atomic_store_n(&slabc_alloc_cpus, armed ? 0 : slabc_nr_cpus, __ATOMIC_RELAXED);
}
bool slabc_rseq_used;
static unsigned int slabc_nr_caches;    /* under slab_mutex (create/release hold it) */

#define BATCHREFILL_LIMIT 16            /* a cold array refills only this many */
#define SLAB_MAX_ORDER 1                /* slab_max_order on machines with more than 32 MiB */
#define OFF_SLAB_MIN_SIZE 128           /* index arrays of caches this large may go off-slab */
#define SLABC_MAX_OBJS 32767            /* slab->objects is 15 bits */
#define ALIEN_LIMIT 12                  /* alloc_alien_cache's limit */

/* Node counters change under list_lock; the shrinker's count and fallback_alloc read them
 * without it: single-copy atomic stores (WRITE_ONCE). */
#define NODE_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

static inline void stat_add(unsigned long *counter, unsigned long v)
{
	__atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

static inline void stat_max(unsigned long *counter, unsigned long v)
{
	unsigned long old = __atomic_load_n(counter, __ATOMIC_RELAXED);
	while (v > old && !__atomic_compare_exchange_n(counter, &old, v, false, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

/* ---- off-slab index arrays: fixed chunks carved from metadata pages ---- */

static void *pool_alloc(struct slabc_pool *p)
{
	spin_lock(&p->lock);
	if (!p->free) {
		spin_unlock(&p->lock);
		char *page = slab_meta_zalloc(PAGE_SIZE, NUMA_NO_NODE);
		if (!page)
			return NULL;
		spin_lock(&p->lock);
		/* The first chunk links the pool's pages; the others become free chunks. */
		*(void **)page = p->pages;
		p->pages = page;
		for (size_t off = p->chunk; off + p->chunk <= PAGE_SIZE; off += p->chunk) {
			*(void **)(page + off) = p->free;
			p->free = page + off;
		}
	}
	void *chunk = p->free;
	p->free = *(void **)chunk;
	p->used++;
	spin_unlock(&p->lock);
	return chunk;
}

static void pool_free(struct slabc_pool *p, void *chunk)
{
	spin_lock(&p->lock);
	*(void **)chunk = p->free;
	p->free = chunk;
	p->used--;
	spin_unlock(&p->lock);
}

static void pool_release(struct slabc_pool *p)
{
	void *page = p->pages;
	while (page) {
		void *next = *(void **)page;
		slab_meta_free(page, PAGE_SIZE);
		page = next;
	}
	p->pages = p->free = NULL;
	p->used = 0;
}

/* Shrink: the pool's pages go too once no slab holds a chunk (a slab being made holds one
 * before it is on any list: the count, not the lists, decides). Return: pages freed. */
static unsigned long pool_shrink(struct slabc_pool *p)
{
	unsigned long pages = 0;
	spin_lock(&p->lock);
	if (!p->used) {
		for (void *page = p->pages; page; page = *(void **)page)
			pages++;
		pool_release(p);
	}
	spin_unlock(&p->lock);
	return pages;
}

/* ---- slab geometry (cache_estimate, calculate_slab_order) ---- */

/* Objects of @size in a slab of @order, with the index array of @idx bytes per object on the
 * slab (aligned so the objects stay aligned) or off it; the bytes left over go to *@left. */
static unsigned int cache_estimate(unsigned int order, unsigned int size, unsigned int align,
				   unsigned int idx, bool off_slab, size_t *left)
{
	size_t slab_size = PAGE_SIZE << order, num, mgmt = 0;
	if (off_slab) {
		num = slab_size / size;
	} else {
		num = slab_size / (size + idx);
		while (num && num * size + ALIGN(num * idx, (size_t)align) > slab_size)
			num--;
		mgmt = ALIGN(num * idx, (size_t)align);
	}
	*left = slab_size - num * size - mgmt;
	return (unsigned int)num;
}

/* calculate_slab_order: the smallest order at or below slab_max_order whose leftover is at most
 * 1/8 of the slab (higher orders only for objects that fit in none). Fills c->num, c->idx_size,
 * s->order; returns the leftover. */
static size_t calculate_slab_order(struct kmem_cache *s, struct slabc_cache *c, bool off_slab)
{
	size_t left_over = 0;
	c->num = 0;
	for (unsigned int order = 0; order <= MAX_ORDER; order++) {
		size_t left;
		unsigned int idx = 1;
		unsigned int num = cache_estimate(order, s->size, s->align, idx, off_slab, &left);
		if (num > 256) {
			idx = 2;
			num = cache_estimate(order, s->size, s->align, idx, off_slab, &left);
		}
		if (!num)
			continue;
		if (num > SLABC_MAX_OBJS)
			break;
		c->num = num;
		c->idx_size = idx;
		s->order = order;
		left_over = left;
		if (s->flags & SLAB_RECLAIM_ACCOUNT)
			break;          /* reclaimable caches stay at the lowest order */
		if (order >= SLAB_MAX_ORDER)
			break;
		if (left * 8 <= (PAGE_SIZE << order))
			break;          /* acceptable internal fragmentation */
	}
	return left_over;
}

/* enable_cpucache: limit by object size, half of it per batch, a shared array of 8 batches. */
static void enable_cpucache(struct kmem_cache *s, struct slabc_cache *c)
{
	unsigned int limit;
	if (s->size > 131072)
		limit = 1;
	else if (s->size > PAGE_SIZE)
		limit = 8;
	else if (s->size > 1024)
		limit = 24;
	else if (s->size > 256)
		limit = 54;
	else
		limit = 120;
	_Static_assert(SLABC_AC_MAX_LIMIT >= 120, "a per-CPU array holds the largest limit");
	c->limit = limit;
	c->batchcount = (limit + 1) / 2;
	c->shared = (s->size <= PAGE_SIZE && slabc_nr_cpus > 1) ? 8 : 0;
}

static int nr_cpus_node(int nid)
{
	int n = 0;
	for (int cpu = 0; cpu < slabc_nr_cpus; cpu++)
		n += cpu_to_node(cpu) == nid;
	return n;
}

static void ac_init(struct array_cache *ac, unsigned int limit, unsigned int batch, int node)
{
	ac->word = 0;
	ac->locked = 0;
	ac->limit = limit;
	ac->batchcount = batch;
	ac->touched = 0;
	ac->node = node;
	spin_lock_init(&ac->lock);
}

/* One node's struct, its shared array and its alien arrays in one block of metadata. */
static size_t node_block_bytes(const struct slabc_cache *c)
{
	size_t b = ALIGN(sizeof(struct slabc_node), (size_t)NMM_CACHE_LINE);
	if (c->shared)
		b += ALIGN(ac_bytes(c->shared * c->batchcount), (size_t)NMM_CACHE_LINE);
	if (c->use_alien)
		b += (size_t)nr_node_ids * (sizeof(void *) +
					    ALIGN(ac_bytes(ALIEN_LIMIT), (size_t)NMM_CACHE_LINE));
	return b;
}

static struct slabc_node *node_block_alloc(struct slabc_cache *c, int nid)
{
	char *p = slab_meta_zalloc(node_block_bytes(c), nid);
	if (!p)
		return NULL;
	struct slabc_node *n = (struct slabc_node *)p;
	p += ALIGN(sizeof(*n), (size_t)NMM_CACHE_LINE);
	spin_lock_init(&n->list_lock);
	INIT_LIST_HEAD(&n->slabs_partial);
	INIT_LIST_HEAD(&n->slabs_full);
	INIT_LIST_HEAD(&n->slabs_free);
	n->free_limit = (unsigned int)(1 + nr_cpus_node(nid)) * c->batchcount + c->num;
	if (c->shared) {
		n->shared = (struct array_cache *)p;
		ac_init(n->shared, c->shared * c->batchcount, c->batchcount, nid);
		p += ALIGN(ac_bytes(c->shared * c->batchcount), (size_t)NMM_CACHE_LINE);
	}
	if (c->use_alien) {
		n->alien = (struct array_cache **)p;
		p += (size_t)nr_node_ids * sizeof(void *);
		unsigned int alimit = c->limit > 1 ? ALIEN_LIMIT : 1;
		for (int home = 0; home < nr_node_ids; home++) {
			n->alien[home] = (struct array_cache *)p;
			ac_init(n->alien[home], alimit, alimit, home);
			p += ALIGN(ac_bytes(ALIEN_LIMIT), (size_t)NMM_CACHE_LINE);
		}
	}
	return n;
}

static void slabc_free_struct(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	if (s->cpu)
		slab_meta_free(s->cpu, (size_t)slabc_nr_cpus << SLABC_AC_SHIFT);
	s->cpu = NULL;
	if (!c)
		return;
	for (int nid = 0; nid < NMM_MAX_NODES; nid++)
		if (c->node[nid])
			slab_meta_free(c->node[nid], node_block_bytes(c));
	pool_release(&c->freelist_pool);
	slab_meta_free(c, sizeof(*c));
	s->priv = NULL;
}

static int slabc_cache_create(struct kmem_cache *s)
{
	slabc_nr_cpus = nmm_nr_cpu_ids;
	nmm_fault_divert_hook[NMM_FAULT_SLAB] = slabc_fault_divert;
	slabc_fault_divert(nmm_fault_on(NMM_FAULT_SLAB));
	struct slabc_cache *c = slab_meta_zalloc(sizeof(*c), NUMA_NO_NODE);
	if (!c)
		return -ENOMEM;
	s->priv = c;
	c->recip = ((1ULL << SLABC_RECIP_SHIFT) + s->size - 1) / s->size;

	/* Index array off the slab when that saves room (set_off_slab_cache), else on it. */
	size_t left = 0;
	bool off_slab = false;
	if (s->size >= OFF_SLAB_MIN_SIZE) {
		left = calculate_slab_order(s, c, true);
		off_slab = c->num && left < (size_t)c->num * c->idx_size;
	}
	if (!off_slab)
		left = calculate_slab_order(s, c, false);
	if (!c->num) {
		slabc_free_struct(s);
		return -EINVAL;
	}
	c->off_slab = off_slab;
	c->mgmt_size = off_slab ? 0 : ALIGN(c->num * c->idx_size, s->align);
	c->freelist_pool.chunk = ALIGN(c->num * c->idx_size, (unsigned int)sizeof(void *));
	spin_lock_init(&c->freelist_pool.lock);
	c->colour_off = s->align > NMM_CACHE_LINE ? s->align : NMM_CACHE_LINE;
	c->colour = (unsigned int)(left / c->colour_off);
	s->objects = c->num;
	enable_cpucache(s, c);
	c->use_alien = nr_node_ids > 1;

	s->cpu = slab_meta_zalloc((size_t)slabc_nr_cpus << SLABC_AC_SHIFT, NUMA_NO_NODE);
	if (!s->cpu)
		goto nomem;
	for (int cpu = 0; cpu < slabc_nr_cpus; cpu++)
		ac_init(slabc_cpu_ac(s, (unsigned int)cpu), c->limit, c->batchcount, cpu_to_node(cpu));
	for (int nid = 0; nid < nr_node_ids; nid++) {
		c->node[nid] = node_block_alloc(c, nid);
		if (!c->node[nid])
			goto nomem;
	}
	/* ASan builds: every object passes slab_common.c, which poisons it (slab_asan.h). */
	s->fast = (s->flags & SLAB_DEBUG_FLAGS) || NMM_SLAB_ASAN ? SLAB_FAST_NONE : SLAB_FAST_SLAB;
	slabc_nr_caches++;
	return 0;
nomem:
	slabc_free_struct(s);
	return -ENOMEM;
}

/* ---- slabs ---- */

/* cache_grow_begin: a new slab on @nid (any node unless @gfp has __GFP_THISNODE) with its colour,
 * its index array and every object constructed. Not yet on a list. */
static struct slab *cache_grow(struct kmem_cache *s, gfp_t gfp, int nid)
{
	struct slabc_cache *c = slabc(s);
	struct slab *slab = slab_pages_alloc(s, gfp, nid, s->order);
	if (!slab) {
		stat_add(&c->stats.errors, 1);
		return NULL;
	}
	struct slabc_node *n = c->node[slab_nid(slab)];
	unsigned int off = 0;
	if (c->colour)
		off = (__atomic_fetch_add(&n->colour_next, 1, __ATOMIC_RELAXED) % c->colour) * c->colour_off;
	void *freelist;
	if (c->off_slab) {
		freelist = pool_alloc(&c->freelist_pool);
		if (!freelist) {
			slab_pages_free(s, slab, s->order);
			stat_add(&c->stats.errors, 1);
			return NULL;
		}
	} else {
		/* Colour first, then the index array, then the objects. */
		freelist = (char *)slab_address(slab) + off;
		off += c->mgmt_size;
	}
	slab->freelist = freelist;
	slab->colour_off = off;
	slab->objects = c->num;
	slab->inuse = 0;
	for (unsigned int i = 0; i < c->num; i++)
		slabc_fl_set(c, slab, i, i);
	void *base = slabc_first_slot(slab);
	if (s->flags & SLAB_DEBUG_FLAGS)
		for (unsigned int i = 0; i < c->num; i++)
			slab_debug_init_slot(s, slab_obj_at(s, base, i));
	slab_run_ctor_all(s, base);
	if (slab_asan_cache(s))
		slab_asan_poison_new_slab(s, base, c->num);
	stat_add(&c->stats.grown, 1);
	return slab;
}

static void slab_destroy(struct kmem_cache *s, struct slab *slab)
{
	struct slabc_cache *c = slabc(s);
	if (c->off_slab)
		pool_free(&c->freelist_pool, slab->freelist);
	slab->freelist = NULL;
	slab_pages_free(s, slab, s->order);
}

static void slabs_destroy(struct kmem_cache *s, struct list_head *list)
{
	struct slab *slab, *next;
	unsigned long n = 0;
	list_for_each_entry_safe(slab, next, list, slab_list) {
		list_del(&slab->slab_list);
		slab_destroy(s, slab);
		n++;
	}
	if (n)
		stat_add(&slabc(s)->stats.reaped, n);
}

static inline void *slab_get_obj(struct kmem_cache *s, struct slab *slab)
{
	unsigned int idx = slabc_fl_get(slabc(s), slab, slab->inuse);
	slab->inuse++;
	return slab_obj_at(s, slabc_first_slot(slab), idx);
}

static inline void slab_put_obj(struct kmem_cache *s, struct slab *slab, void *obj)
{
	long idx = slabc_obj_index(s, slab, obj);
	slab->inuse--;
	slabc_fl_set(slabc(s), slab, slab->inuse, (unsigned int)idx);
}

/* Up to @want objects from @n's slabs, partial ones first (list_lock held). */
static unsigned int take_from_slabs(struct kmem_cache *s, struct slabc_node *n, void **objs,
				    unsigned int want)
{
	unsigned int got = 0;
	while (got < want) {
		struct slab *slab;
		if (!list_empty(&n->slabs_partial)) {
			slab = list_first_entry(&n->slabs_partial, struct slab, slab_list);
		} else if (!list_empty(&n->slabs_free)) {
			slab = list_first_entry(&n->slabs_free, struct slab, slab_list);
			NODE_SET(n->free_slabs, n->free_slabs - 1);
		} else {
			break;
		}
		while (slab->inuse < slab->objects && got < want)
			objs[got++] = slab_get_obj(s, slab);
		list_del(&slab->slab_list);
		list_add(&slab->slab_list, slab->inuse == slab->objects ? &n->slabs_full : &n->slabs_partial);
	}
	NODE_SET(n->free_objects, n->free_objects - got);
	return got;
}

/* The newest @want (or fewer) objects of a shared array into @objs (list_lock held). */
static unsigned int shared_take(struct kmem_cache *s, struct array_cache *sh, void **objs, unsigned int want)
{
	unsigned int avail = ac_avail(sh), k = avail < want ? avail : want;
	memcpy(objs, &sh->entry[avail - k], k * sizeof(void *));
	ac_set_avail(sh, avail - k);
	if (k)
		stat_add(&slabc(s)->stats.shared_out, k);
	return k;
}

/*
 * Up to @want objects of node @nid: its shared array (@use_shared), its slabs, then one new slab
 * (the new slab lands on whatever node the page allocator gave when @gfp lacks __GFP_THISNODE:
 * its objects then belong to that node). Takes and drops list_lock; allocates pages unlocked.
 */
static unsigned int alloc_batch(struct kmem_cache *s, gfp_t gfp, int nid, void **objs, unsigned int want,
				bool use_shared)
{
	struct slabc_cache *c = slabc(s);
	struct slabc_node *n = c->node[nid];
	unsigned int got = 0;
	spin_lock(&n->list_lock);
	if (use_shared && n->shared)
		got = shared_take(s, n->shared, objs, want);
	got += take_from_slabs(s, n, objs + got, want - got);
	spin_unlock(&n->list_lock);
	if (got)
		return got;
	struct slab *slab = cache_grow(s, gfp, nid);
	if (!slab)
		return 0;
	n = c->node[slab_nid(slab)];
	spin_lock(&n->list_lock);
	/* A slab from another node despite __GFP_THISNODE: keep it there as a free slab, hand
	 * out nothing (the caller's array must hold @nid's objects only; it falls back). */
	bool foreign = (gfp & __GFP_THISNODE) && slab_nid(slab) != nid;
	while (!foreign && got < want && slab->inuse < slab->objects)
		objs[got++] = slab_get_obj(s, slab);
	if (foreign) {
		list_add(&slab->slab_list, &n->slabs_free);
		NODE_SET(n->free_slabs, n->free_slabs + 1);
		stat_add(&c->stats.errors, 1);
	} else {
		list_add(&slab->slab_list, slab->inuse == slab->objects ? &n->slabs_full : &n->slabs_partial);
	}
	NODE_SET(n->total_slabs, n->total_slabs + 1);
	NODE_SET(n->free_objects, n->free_objects + (slab->objects - slab->inuse));
	unsigned long active = (n->total_slabs - n->free_slabs) * c->num - n->free_objects;
	spin_unlock(&n->list_lock);
	stat_max(&c->stats.high_mark, active);
	return got;
}

/* free_block: @objs (all of node @n) back into their slabs (list_lock held). Slabs left empty
 * beyond free_limit go on @destroy. */
static void free_block(struct kmem_cache *s, struct slabc_node *n, void **objs, unsigned int nr,
		       struct list_head *destroy)
{
	struct slabc_cache *c = slabc(s);
	for (unsigned int i = 0; i < nr; i++) {
		struct slab *slab = virt_to_slab(objs[i]);
		list_del(&slab->slab_list);
		slab_put_obj(s, slab, objs[i]);
		NODE_SET(n->free_objects, n->free_objects + 1);
		if (slab->inuse == 0) {
			if (n->free_objects > n->free_limit) {
				NODE_SET(n->free_objects, n->free_objects - slab->objects);
				NODE_SET(n->total_slabs, n->total_slabs - 1);
				list_add(&slab->slab_list, destroy);
			} else {
				list_add(&slab->slab_list, &n->slabs_free);
				NODE_SET(n->free_slabs, n->free_slabs + 1);
			}
		} else {
			/* The tail: the longest time for its other objects to come back too. */
			list_add_tail(&slab->slab_list, &n->slabs_partial);
		}
	}
	stat_max(&c->stats.max_freeable, n->free_objects);
}

/**
 * slabc_free_to_node - give objects of node @nid back: into its shared array while it has room
 * (@to_shared, as cache_flusharray does), the rest into their slabs.
 * @objs: objects of @s, all on node @nid
 * Context: may hold a thread's or an alien array's lock; takes the node's list_lock.
 */
void slabc_free_to_node(struct kmem_cache *s, int nid, void **objs, unsigned int nr, bool to_shared)
{
	struct slabc_node *n = slabc(s)->node[nid];
	LIST_HEAD(destroy);
	spin_lock(&n->list_lock);
	if (to_shared && n->shared) {
		struct array_cache *sh = n->shared;
		unsigned int avail = ac_avail(sh), room = sh->limit - avail, k = nr < room ? nr : room;
		memcpy(&sh->entry[avail], objs, k * sizeof(void *));
		ac_set_avail(sh, avail + k);
		if (k)
			stat_add(&slabc(s)->stats.shared_in, k);
		objs += k;
		nr -= k;
	}
	free_block(s, n, objs, nr, &destroy);
	spin_unlock(&n->list_lock);
	slabs_destroy(s, &destroy);
}

/* Objects of any nodes back into their slabs, a run of one node at a time. */
static void free_objs_any(struct kmem_cache *s, void **objs, unsigned int nr)
{
	while (nr) {
		int nid = slab_nid(virt_to_slab(objs[0]));
		unsigned int k = 1;
		while (k < nr && slab_nid(virt_to_slab(objs[k])) == nid)
			k++;
		slabc_free_to_node(s, nid, objs, k, false);
		objs += k;
		nr -= k;
	}
}

/* ---- alien arrays ---- */

/**
 * slabc_drain_alien - send every object of @alien home to node @home (__drain_alien_cache):
 * into its shared array while there is room, the rest into their slabs.
 * Context: @alien's lock held.
 */
void slabc_drain_alien(struct kmem_cache *s, struct array_cache *alien, int home)
{
	unsigned int avail = ac_avail(alien);
	if (!avail)
		return;
	slabc_free_to_node(s, home, alien->entry, avail, true);
	ac_set_avail(alien, 0);
	alien->batch_out += avail;
	stat_add(&slabc(s)->stats.alien_flushed, avail);
}

/**
 * slabc_free_alien - free @obj, of node @home, from a CPU or thread of node @from
 * (cache_free_alien): onto @from's alien array for @home, which goes home whole when full.
 */
void slabc_free_alien(struct kmem_cache *s, int from, int home, void *obj)
{
	struct slabc_cache *c = slabc(s);
	struct array_cache *alien = c->node[from]->alien[home];
	stat_add(&c->stats.node_frees, 1);
	spin_lock(&alien->lock);
	unsigned int avail = ac_avail(alien);
	if (avail >= alien->limit) {
		stat_add(&c->stats.node_overflow, 1);
		slabc_drain_alien(s, alien, home);
		avail = 0;
	}
	alien->entry[avail] = obj;
	ac_set_avail(alien, avail + 1);
	alien->batch_in++;
	spin_unlock(&alien->lock);
}

/* ---- allocation ---- */

/* The refill's batch: a cold array (not touched since its last drain) takes only 16. */
static unsigned int refill_batch(const struct array_cache *ac)
{
	unsigned int batch = ac->batchcount;
	if (!__atomic_load_n(&ac->touched, __ATOMIC_RELAXED) && batch > BATCHREFILL_LIMIT)
		batch = BATCHREFILL_LIMIT;
	return batch;
}

/* Slabs for a refill come from the array's own node only (gfp_exact_node) when there are
 * several: the array must hold one node's objects. The caller falls back to other nodes. */
static gfp_t refill_gfp(const struct slabc_cache *c, gfp_t gfp)
{
	if (c->use_alien && !(gfp & __GFP_THISNODE))
		gfp |= __GFP_THISNODE | __GFP_NOWARN;
	return gfp;
}

#if SLABC_HAVE_RSEQ
/* cache_alloc_refill for CPU @cpu's array: batchcount objects in, one of them out. */
static void *cache_alloc_refill_cpu(struct kmem_cache *s, gfp_t gfp, int cpu)
{
	struct slabc_cache *c = slabc(s);
	struct array_cache *ac = slabc_cpu_ac(s, (unsigned int)cpu);
	void *objs[SLABC_AC_MAX_LIMIT];
	unsigned int got = alloc_batch(s, refill_gfp(c, gfp), ac->node, objs, refill_batch(ac), true);
	if (!got)
		return NULL;
	stat_add(&c->stats.allocmiss, 1);
	void *obj = objs[--got];
	if (got) {
		if (ac_push_batch_rseq(nmm_rseq_area(), cpu, ac, objs, got)) {
			__atomic_fetch_add(&ac->batch_in, got, __ATOMIC_RELAXED);
			__atomic_store_n(&ac->touched, 1, __ATOMIC_RELAXED);
		} else {
			/* Migrated, locked by a drainer, or refilled by another thread meanwhile. */
			slabc_free_to_node(s, ac->node, objs, got, false);
		}
	}
	return obj;
}
#endif

/**
 * slabc_refill_thread - cache_alloc_refill for a thread's array (@ac, its lock not held).
 * Return: one object, the rest of the batch left in @ac; NULL when the node has none and no
 * slab can be had there.
 */
void *slabc_refill_thread(struct kmem_cache *s, gfp_t gfp, struct array_cache *ac)
{
	struct slabc_cache *c = slabc(s);
	void *objs[SLABC_AC_MAX_LIMIT];
	unsigned int got = alloc_batch(s, refill_gfp(c, gfp), ac->node, objs, refill_batch(ac), true);
	if (!got)
		return NULL;
	stat_add(&c->stats.allocmiss, 1);
	void *obj = objs[--got];
	spin_lock(&ac->lock);
	unsigned int avail = ac_avail(ac), room = ac->limit - avail, k = got < room ? got : room;
	memcpy(&ac->entry[avail], objs, k * sizeof(void *));
	ac_set_avail(ac, avail + k);
	ac->batch_in += k;
	ac->touched = 1;
	spin_unlock(&ac->lock);
	if (k < got)
		slabc_free_to_node(s, ac->node, objs + k, got - k, false);
	return obj;
}

/* ____cache_alloc_node, then fallback_alloc: one object of node @nid straight from its lists;
 * failing that (and unless __GFP_THISNODE) any node's free objects, then a slab from wherever
 * the page allocator finds one. */
static void *cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid)
{
	struct slabc_cache *c = slabc(s);
	void *obj;
	if (alloc_batch(s, refill_gfp(c, gfp), nid, &obj, 1, false)) {
		stat_add(&c->stats.node_allocs, 1);
		return obj;
	}
	if (!c->use_alien || (gfp & __GFP_THISNODE))
		return NULL;
	for (int i = 1; i < nr_node_ids; i++) {
		int m = (nid + i) % nr_node_ids;
		struct slabc_node *n = c->node[m];
		if (!__atomic_load_n(&n->free_objects, __ATOMIC_RELAXED))
			continue;
		spin_lock(&n->list_lock);
		unsigned int got = take_from_slabs(s, n, &obj, 1);
		spin_unlock(&n->list_lock);
		if (got)
			return obj;
	}
	if (alloc_batch(s, gfp, nid, &obj, 1, false))
		return obj;
	return NULL;
}

static void *slabc_alloc(struct kmem_cache *s, gfp_t gfp, int node)
{
	void *obj;
	int local;
	if ((unsigned int)node >= (unsigned int)nr_node_ids && node != NUMA_NO_NODE) {
		slab_report(s, "kmem_cache_alloc_node: node %d is not online; using the local node", node);
		node = NUMA_NO_NODE;
	}
#if SLABC_HAVE_RSEQ
	int cpu = slabc_rseq_cpu();
	if (cpu >= 0) {
		struct array_cache *ac = slabc_cpu_ac(s, (unsigned int)cpu);
		if (unlikely(!__atomic_load_n(&slabc_rseq_used, __ATOMIC_RELAXED)))
			__atomic_store_n(&slabc_rseq_used, true, __ATOMIC_RELAXED);
		local = ac->node;
		if (node == NUMA_NO_NODE || node == local) {
			if (ac_pop_rseq(nmm_rseq_area(), cpu, ac, &obj))
				return obj;
			obj = cache_alloc_refill_cpu(s, gfp, cpu);
			if (obj)
				return obj;
			node = local;
		}
		return cache_alloc_node(s, gfp, node);
	}
#endif
	struct array_cache *ac = slabc_thread_ac(s);
	local = ac ? ac->node : numa_node_id();
	if (ac && (node == NUMA_NO_NODE || node == local)) {
		spin_lock(&ac->lock);
		unsigned int avail = ac_avail(ac);
		if (avail) {
			obj = ac->entry[avail - 1];
			ac_set_avail(ac, avail - 1);
			spin_unlock(&ac->lock);
			return obj;
		}
		spin_unlock(&ac->lock);
		obj = slabc_refill_thread(s, gfp, ac);
		if (obj)
			return obj;
	}
	if (node == NUMA_NO_NODE)
		node = local;
	return cache_alloc_node(s, gfp, node);
}

/* ---- free ---- */

#if SLABC_HAVE_RSEQ
/* ___cache_free on a CPU whose inline push failed: alien objects go to the alien array; a full
 * array first sends its newest batchcount objects to the shared array / slabs
 * (cache_flusharray). Sequences restarted by a migration are retried on the new CPU. */
static void cache_free_cpu(struct kmem_cache *s, struct slab *slab, void *obj)
{
	struct slabc_cache *c = slabc(s);
	int nid = slab_nid(slab);
	for (int tries = 0; tries < 4; tries++) {
		int cpu = slabc_rseq_cpu();
		if (cpu < 0)
			break;
		struct rseq *rs = nmm_rseq_area();
		struct array_cache *ac = slabc_cpu_ac(s, (unsigned int)cpu);
		if (nid != ac->node) {
			slabc_free_alien(s, ac->node, nid, obj);
			return;
		}
		if (ac_push_rseq(rs, cpu, ac, obj))
			return;
		if (__atomic_load_n(&ac->locked, __ATOMIC_RELAXED))
			break;
		if (ac_avail(ac) < ac->limit)
			continue;
		void *objs[SLABC_AC_MAX_LIMIT];
		unsigned int b = ac->batchcount;
		if (!ac_pop_batch_rseq(rs, cpu, ac, objs, b))
			continue;
		__atomic_fetch_add(&ac->batch_out, b, __ATOMIC_RELAXED);
		stat_add(&c->stats.freemiss, 1);
		slabc_free_to_node(s, nid, objs, b, true);
		if (ac_push_batch_rseq(rs, cpu, ac, &obj, 1)) {
			__atomic_fetch_add(&ac->batch_in, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	/* A drainer owns the array: straight back to the slab. */
	slabc_free_to_node(s, nid, &obj, 1, false);
}
#endif

/**
 * slabc_flusharray_thread - cache_flusharray for a full thread array: its oldest batchcount
 * objects to the shared array or their slabs, the rest moved down, then @obj pushed.
 * Context: @ac's lock held.
 */
void slabc_flusharray_thread(struct kmem_cache *s, struct array_cache *ac, void *obj)
{
	unsigned int avail = ac_avail(ac), b = ac->batchcount < avail ? ac->batchcount : avail;
	slabc_free_to_node(s, ac->node, ac->entry, b, true);
	memmove(ac->entry, &ac->entry[b], (avail - b) * sizeof(void *));
	ac->batch_out += b;
	ac->entry[avail - b] = obj;
	ac_set_avail(ac, avail - b + 1);
	ac->batch_in++;
	stat_add(&slabc(s)->stats.freemiss, 1);
}

static void slabc_free(struct kmem_cache *s, struct slab *slab, void *obj)
{
	if (!slab)
		slab = virt_to_slab(obj);
#if SLABC_HAVE_RSEQ
	if (slabc_rseq_cpu() >= 0) {
		cache_free_cpu(s, slab, obj);
		return;
	}
#endif
	struct array_cache *ac = slabc_thread_ac(s);
	if (!ac) {
		free_objs_any(s, &obj, 1);
		return;
	}
	int nid = slab_nid(slab);
	if (nid != ac->node) {
		slabc_free_alien(s, ac->node, nid, obj);
		return;
	}
	spin_lock(&ac->lock);
	unsigned int avail = ac_avail(ac);
	if (likely(avail < ac->limit)) {
		ac->entry[avail] = obj;
		__atomic_store_n(&ac->word, ac->word + SLABC_PUSH_ONE, __ATOMIC_RELAXED);
	} else {
		slabc_flusharray_thread(s, ac, obj);
	}
	spin_unlock(&ac->lock);
}

/* ---- bulk ---- */

static int slabc_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++) {
		if (slabc_alloc_fast(s, &p[i]))
			continue;
		p[i] = slabc_alloc(s, gfp, NUMA_NO_NODE);
		if (!p[i]) {
			for (size_t j = 0; j < i; j++)
				slabc_free(s, NULL, p[j]);
			return 0;
		}
	}
	return (int)nr;
}

static void slabc_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++)
		if (!slabc_free_fast(s, p[i]))
			slabc_free(s, NULL, p[i]);
}

/* ---- shrink, shutdown ---- */

/**
 * slabc_drain_freelist - give every free slab of @s back to the page allocator.
 * Return: pages freed.
 */
unsigned long slabc_drain_freelist(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	unsigned long slabs = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct slabc_node *n = c->node[nid];
		LIST_HEAD(destroy);
		spin_lock(&n->list_lock);
		list_splice_init(&n->slabs_free, &destroy);
		slabs += n->free_slabs;
		NODE_SET(n->total_slabs, n->total_slabs - n->free_slabs);
		NODE_SET(n->free_objects, n->free_objects - n->free_slabs * c->num);
		NODE_SET(n->free_slabs, 0);
		spin_unlock(&n->list_lock);
		slabs_destroy(s, &destroy);
	}
	return slabs << s->order;
}

/* drain_cpu_caches: every array of @s (CPUs', threads', alien, shared) back into the slabs. */
static void drain_all_arrays(struct kmem_cache *s, bool release_thread_arrays)
{
	struct slabc_cache *c = slabc(s);
	slabc_drain_arrays(s, release_thread_arrays);
	if (c->use_alien)
		for (int nid = 0; nid < nr_node_ids; nid++)
			for (int home = 0; home < nr_node_ids; home++) {
				struct array_cache *alien = c->node[nid]->alien[home];
				spin_lock(&alien->lock);
				slabc_drain_alien(s, alien, home);
				spin_unlock(&alien->lock);
			}
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct slabc_node *n = c->node[nid];
		if (!n->shared)
			continue;
		LIST_HEAD(destroy);
		spin_lock(&n->list_lock);
		unsigned int avail = ac_avail(n->shared);
		free_block(s, n, n->shared->entry, avail, &destroy);
		ac_set_avail(n->shared, 0);
		if (avail)
			stat_add(&c->stats.shared_out, avail);
		spin_unlock(&n->list_lock);
		slabs_destroy(s, &destroy);
	}
}

static unsigned long slabc_shrink(struct kmem_cache *s, bool all)
{
	if (all)
		drain_all_arrays(s, false);
	unsigned long pages = slabc_drain_freelist(s);
	if (slabc(s)->off_slab)
		pages += pool_shrink(&slabc(s)->freelist_pool);
	return pages;
}

static unsigned long slabc_reclaimable_pages(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	unsigned long slabs = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		slabs += __atomic_load_n(&c->node[nid]->free_slabs, __ATOMIC_RELAXED);
	return slabs << s->order;
}

static int slabc_cache_shutdown(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	drain_all_arrays(s, false);
	slabc_drain_freelist(s);
	for (int nid = 0; nid < nr_node_ids; nid++)
		if (__atomic_load_n(&c->node[nid]->total_slabs, __ATOMIC_RELAXED))
			return -EBUSY;
	slabc_drain_arrays(s, true);      /* the (empty) thread arrays go */
	return 0;
}

static void slabc_cache_release(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	if (c) {
		/* At nmm_shutdown a cache may still hold live objects: its slabs go too. */
		drain_all_arrays(s, true);
		for (int nid = 0; nid < nr_node_ids; nid++) {
			struct slabc_node *n = c->node[nid];
			LIST_HEAD(destroy);
			spin_lock(&n->list_lock);
			list_splice_init(&n->slabs_full, &destroy);
			list_splice_init(&n->slabs_partial, &destroy);
			list_splice_init(&n->slabs_free, &destroy);
			NODE_SET(n->total_slabs, 0);
			NODE_SET(n->free_slabs, 0);
			NODE_SET(n->free_objects, 0);
			spin_unlock(&n->list_lock);
			slabs_destroy(s, &destroy);
		}
	}
	slabc_free_struct(s);
	if (slabc_nr_caches && !--slabc_nr_caches)
		slabc_threads_forget();
}

static bool slabc_is_obj_start(struct kmem_cache *s, struct slab *slab, const void *obj)
{
	return slabc_obj_index(s, slab, obj) >= 0;
}

static void slabc_thread_flush(void)
{
	slabc_thread_flush_all();
}

const struct slab_allocator slab_classic_allocator = {
	.name = "slab",
	.cache_create = slabc_cache_create,
	.cache_shutdown = slabc_cache_shutdown,
	.cache_release = slabc_cache_release,
	.alloc = slabc_alloc,
	.free = slabc_free,
	.alloc_bulk = slabc_alloc_bulk,
	.free_bulk = slabc_free_bulk,
	.shrink = slabc_shrink,
	.reclaimable_pages = slabc_reclaimable_pages,
	.is_obj_start = slabc_is_obj_start,
	.get_info = slabc_get_info,
	.for_each_object = slabc_for_each_object,
	.is_valid = slabc_is_valid,
	.print_stats = slabc_print_stats,
	.thread_flush = slabc_thread_flush,
};

/**
 * slabc_lock_nodes - take every node's list_lock of @s, in node order (walkers).
 */
void slabc_lock_nodes(struct kmem_cache *s)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		spin_lock(&slabc(s)->node[nid]->list_lock);
}

/**
 * slabc_unlock_nodes - drop what slabc_lock_nodes took.
 */
void slabc_unlock_nodes(struct kmem_cache *s)
{
	for (int nid = nr_node_ids - 1; nid >= 0; nid--)
		spin_unlock(&slabc(s)->node[nid]->list_lock);
}
