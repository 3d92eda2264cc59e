/* tools/soak/soak_ops.c - what a soak worker does: one random step on one layer.
 *
 * Every allocation becomes a struct soak_item whose memory is tagged from the item's id
 * (fill/verify below); every free verifies the tag first, so a page or object handed out twice,
 * written by someone else or freed early shows up as a mismatch at the next free of either.
 * Shared objects (pages, kmalloc, the shared caches, vmalloc areas, mempool elements) may be
 * handed to another worker's inbox and freed there; private caches live and die inside one
 * step. The shrinker-evicted cache grows by itself and only reclaim (direct or kswapd) empties
 * it: with a small mem= that keeps the allocator at its watermarks for the whole run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/highmem.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/shrinker.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>

#include "soak.h"

#define INBOX_SLOTS 1024
#define MEMPOOL_MIN 64
#define MAX_VMALLOC_HELD 8
#define NR_SHARED_CACHES 4

static const char *const kind_names[SOAK_NR_KINDS] = {
	"pages", "highmem", "kmalloc", "cache", "vmalloc", "mempool",
};

const char *soak_kind_name(enum soak_kind k)
{
	return kind_names[k];
}

struct inbox {
	pthread_mutex_t lock;
	struct soak_item *ring[INBOX_SLOTS];
	int head, n;
};

static struct inbox *inboxes;
static int nr_inboxes;
static struct kmem_cache *shared_cache[NR_SHARED_CACHES];
static const unsigned int shared_size[NR_SHARED_CACHES] = { 24, 100, 512, 3000 };
static mempool_t *pool_kmalloc, *pool_page;
static long pool_out[2];                 /* elements out of each pool now (capped) */
static int mem_nodes[64], nr_mem_nodes;
static bool have_highmem;

/* ---- the tag ---- */

static inline uint64_t tag_of(uint64_t id)
{
	return (id + 1) * 0x9E3779B97F4A7C15ULL ^ 0x5A17C0DEULL;
}

static inline uint8_t byte_of(uint64_t tag, size_t i)
{
	return (uint8_t)(tag >> ((i & 7) * 8)) ^ (uint8_t)(i >> 3);
}

/* Small regions: every byte. Larger: the tag in the first 8 bytes of every 4 KiB, the bytes up
 * to 256 patterned, the inverted tag in the last 8 bytes. */
static void fill(void *p, size_t n, uint64_t id)
{
	uint8_t *b = p;
	uint64_t tag = tag_of(id), inv = ~tag;
	if (n < 16) {
		for (size_t i = 0; i < n; i++)
			b[i] = byte_of(tag, i);
		return;
	}
	size_t mid = n - 8 < 256 ? n - 8 : 256;
	for (size_t i = 8; i < mid; i++)
		b[i] = byte_of(tag, i);
	for (size_t off = 0; off + 8 <= n - 8; off += 4096) {
		uint64_t v = tag ^ off;
		memcpy(b + off, &v, 8);
	}
	memcpy(b + n - 8, &inv, 8);
}

/* Return: the offset of the first wrong byte, or -1 when the region is as fill() left it. */
static long verify(const void *p, size_t n, uint64_t id)
{
	const uint8_t *b = p;
	uint64_t tag = tag_of(id), inv = ~tag, v;
	if (n < 16) {
		for (size_t i = 0; i < n; i++)
			if (b[i] != byte_of(tag, i))
				return (long)i;
		return -1;
	}
	for (size_t off = 0; off + 8 <= n - 8; off += 4096) {
		memcpy(&v, b + off, 8);
		if (v != (tag ^ off))
			return (long)off;
	}
	size_t mid = n - 8 < 256 ? n - 8 : 256;
	for (size_t i = 8; i < mid; i++)
		if (b[i] != byte_of(tag, i))
			return (long)i;
	memcpy(&v, b + n - 8, 8);
	return v == inv ? -1 : (long)(n - 8);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

void soak_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	flockfile(stderr);
	fputs("numamm-soak: VIOLATION: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
	__atomic_fetch_add(&soak_violations, 1, __ATOMIC_RELAXED);
}

static void bad_tag(const struct soak_item *it, long off, const char *when)
{
	soak_fail("%s item %llu (%zu bytes, order %u, node %d, from thread %d) %s: wrong byte at "
		  "offset %ld", kind_names[it->kind], (unsigned long long)it->id, it->size, it->order,
		  it->nid, it->owner, when, off);
}

/* ---- pages, through the linear map or kmap ---- */

static void page_fill_or_verify(struct soak_thread *t, struct soak_item *it, bool do_fill)
{
	struct page *page = it->ptr;
	if (!PageHighMem(page)) {
		char *va = page_address(page);
		if (do_fill)
			fill(va, it->size, it->id);
		else if (verify(va, it->size, it->id) >= 0)
			bad_tag(it, verify(va, it->size, it->id), "before free");
		return;
	}
	/* Highmem: alternate the pkmap window and the thread's local slots. */
	bool local = soak_below(t, 2);
	char *va = local ? kmap_local_page(page) : kmap(page);
	t->count[SOAK_KMAPS]++;
	if (do_fill)
		fill(va, it->size, it->id);
	else if (verify(va, it->size, it->id) >= 0)
		bad_tag(it, verify(va, it->size, it->id), "before free (through kmap)");
	if (local)
		kunmap_local(va);
	else
		kunmap(page);
}

static gfp_t page_gfp(struct soak_thread *t)
{
	unsigned int r = soak_below(t, 16);
	if (r == 0)
		return GFP_ATOMIC | __GFP_NOWARN;
	if (r == 1)
		return GFP_NOWAIT | __GFP_NOWARN;
	return GFP_KERNEL | __GFP_NOWARN;
}

static bool alloc_pages_item(struct soak_thread *t, struct soak_item *it, bool high)
{
	gfp_t gfp = high ? GFP_HIGHUSER | __GFP_NOWARN : page_gfp(t);
	bool zero = soak_below(t, 8) == 0, thisnode = !high && soak_below(t, 4) == 0;
	it->order = high ? 0 : soak_below(t, 4);
	it->nid = soak_below(t, 3) ? mem_nodes[soak_below(t, (unsigned int)nr_mem_nodes)] : NUMA_NO_NODE;
	if (zero)
		gfp |= __GFP_ZERO;
	if (thisnode && it->nid != NUMA_NO_NODE)
		gfp |= __GFP_THISNODE;
	struct page *page = alloc_pages_node(it->nid, gfp, it->order);
	if (!page)
		return false;
	it->ptr = page;
	it->size = PAGE_SIZE << it->order;
	if (page_ref_count(page) != 1)
		soak_fail("order-%u page pfn %#lx handed out with refcount %d", it->order,
			  page_to_pfn(page), page_ref_count(page));
	if ((gfp & __GFP_THISNODE) && page_to_nid(page) != it->nid)
		soak_fail("__GFP_THISNODE order-%u page for node %d is on node %d", it->order, it->nid,
			  page_to_nid(page));
	if (gfp & __GFP_THISNODE)
		t->count[SOAK_THISNODE]++;
	if (zero && !PageHighMem(page) && !all_zero(page_address(page), it->size))
		soak_fail("__GFP_ZERO order-%u page pfn %#lx is not zero", it->order, page_to_pfn(page));
	page_fill_or_verify(t, it, true);
	return true;
}

/* ---- kmalloc, caches, vmalloc, mempools ---- */

static size_t kmalloc_size(struct soak_thread *t)
{
	unsigned int r = soak_below(t, 100);
	if (r < 70)
		return 1 + soak_below(t, 256);
	if (r < 95)
		return 257 + soak_below(t, 8192 - 256);
	return 8193 + soak_below(t, 65536 - 8192);
}

static bool alloc_kmalloc_item(struct soak_thread *t, struct soak_item *it)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	it->size = kmalloc_size(t);
	unsigned int how = soak_below(t, 8);
	void *p;
	if (how < 2)
		p = kzalloc(it->size, gfp);
	else if (how == 2)
		p = kmalloc_node(it->size, gfp, mem_nodes[soak_below(t, (unsigned int)nr_mem_nodes)]);
	else
		p = kmalloc(it->size, gfp);
	if (!p)
		return false;
	if (how < 2 && !all_zero(p, it->size))
		soak_fail("kzalloc(%zu) returned memory that is not zero", it->size);
	if (ksize(p) < it->size)
		soak_fail("ksize of a kmalloc(%zu) object is %zu", it->size, ksize(p));
	it->ptr = p;
	fill(p, it->size, it->id);
	return true;
}

static bool alloc_cache_item(struct soak_thread *t, struct soak_item *it)
{
	int c = (int)soak_below(t, NR_SHARED_CACHES);
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	it->cache = shared_cache[c];
	it->size = shared_size[c];
	void *p;
	if (soak_below(t, 4) == 0) {
		it->nid = mem_nodes[soak_below(t, (unsigned int)nr_mem_nodes)];
		p = kmem_cache_alloc_node(it->cache, gfp | __GFP_THISNODE, it->nid);
		if (p && page_to_nid(virt_to_page(p)) != it->nid)
			soak_fail("kmem_cache_alloc_node(%s, __GFP_THISNODE, %d) object is on node %d",
				  kmem_cache_name(it->cache), it->nid, page_to_nid(virt_to_page(p)));
		if (p)
			t->count[SOAK_THISNODE]++;
	} else {
		p = kmem_cache_alloc(it->cache, gfp);
	}
	if (!p)
		return false;
	it->ptr = p;
	fill(p, it->size, it->id);
	return true;
}

static bool alloc_vmalloc_item(struct soak_thread *t, struct soak_item *it)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	it->size = soak_below(t, 16) ? (1 + soak_below(t, 16)) * PAGE_SIZE - soak_below(t, 4096)
				     : (size_t)(1 + soak_below(t, 1 << 20));
	unsigned int how = soak_below(t, 4);
	void *p;
	if (how == 0)
		p = vzalloc(it->size);
	else if (how == 1)
		p = vmalloc_node(it->size, mem_nodes[soak_below(t, (unsigned int)nr_mem_nodes)]);
	else
		p = __vmalloc(it->size, gfp);
	if (!p)
		return false;
	if (!is_vmalloc_addr(p) || !vmalloc_to_page(p) ||
	    !vmalloc_to_page((char *)p + it->size - 1))
		soak_fail("vmalloc(%zu) = %p: not a mapped vmalloc address", it->size, p);
	if (how == 0 && !all_zero(p, it->size))
		soak_fail("vzalloc(%zu) returned memory that is not zero", it->size);
	it->ptr = p;
	fill(p, it->size, it->id);
	return true;
}

/* Return: 1 allocated, 0 failed, -1 not tried (the pool's elements out are at the cap). */
static int alloc_mempool_item(struct soak_thread *t, struct soak_item *it)
{
	it->order = soak_below(t, 2);     /* 0: kmalloc pool, 1: page pool */
	/* Below the reserve, mempool_alloc never has to wait for a free (see soak.h). */
	if (__atomic_add_fetch(&pool_out[it->order], 1, __ATOMIC_RELAXED) > MEMPOOL_MIN - 4) {
		__atomic_sub_fetch(&pool_out[it->order], 1, __ATOMIC_RELAXED);
		return -1;
	}
	gfp_t gfp = soak_below(t, 4) ? GFP_KERNEL : GFP_NOWAIT;
	void *e = mempool_alloc(it->order ? pool_page : pool_kmalloc, gfp);
	if (!e) {
		__atomic_sub_fetch(&pool_out[it->order], 1, __ATOMIC_RELAXED);
		if (gfp == GFP_KERNEL)
			soak_fail("mempool_alloc(GFP_KERNEL) returned NULL with its reserve not used up");
		return 0;
	}
	it->ptr = e;
	it->size = it->order ? PAGE_SIZE : 192;
	fill(it->order ? page_address((struct page *)e) : e, it->size, it->id);
	return 1;
}

static void free_item(struct soak_thread *t, struct soak_item *it)
{
	long off;
	if (it->owner != t->slot)
		t->count[SOAK_CROSS_FREES]++;
	t->frees[it->kind]++;
	switch (it->kind) {
	case SOAK_PAGE:
	case SOAK_HIGHPAGE: {
		struct page *page = it->ptr;
		page_fill_or_verify(t, it, false);
		if (page_ref_count(page) != 1)
			soak_fail("page pfn %#lx freed with refcount %d", page_to_pfn(page), page_ref_count(page));
		__free_pages(page, it->order);
		break;
	}
	case SOAK_KMALLOC:
		if ((off = verify(it->ptr, it->size, it->id)) >= 0)
			bad_tag(it, off, "before kfree");
		kfree(it->ptr);
		break;
	case SOAK_CACHE:
		if ((off = verify(it->ptr, it->size, it->id)) >= 0)
			bad_tag(it, off, "before kmem_cache_free");
		kmem_cache_free(it->cache, it->ptr);
		break;
	case SOAK_VMALLOC:
		if ((off = verify(it->ptr, it->size, it->id)) >= 0)
			bad_tag(it, off, "before vfree");
		vfree(it->ptr);
		break;
	case SOAK_MEMPOOL: {
		void *va = it->order ? page_address((struct page *)it->ptr) : it->ptr;
		if ((off = verify(va, it->size, it->id)) >= 0)
			bad_tag(it, off, "before mempool_free");
		mempool_free(it->ptr, it->order ? pool_page : pool_kmalloc);
		__atomic_sub_fetch(&pool_out[it->order], 1, __ATOMIC_RELAXED);
		break;
	}
	default:
		break;
	}
	free(it);
}

static int count_held(const struct soak_thread *t, enum soak_kind k)
{
	int n = 0;
	for (int i = 0; i < t->nr_held; i++)
		n += t->held[i]->kind == k;
	return n;
}

static void alloc_one(struct soak_thread *t)
{
	static const unsigned char weight[SOAK_NR_KINDS] = { 20, 8, 30, 20, 6, 16 };
	unsigned int r = soak_below(t, 100), k = 0;
	while (r >= weight[k])
		r -= weight[k++];
	if (k == SOAK_HIGHPAGE && !have_highmem)
		k = SOAK_PAGE;
	if (k == SOAK_VMALLOC && count_held(t, SOAK_VMALLOC) >= MAX_VMALLOC_HELD)
		k = SOAK_KMALLOC;
	struct soak_item *it = calloc(1, sizeof(*it));
	if (!it)
		return;
	it->kind = (enum soak_kind)k;
	it->id = t->next_id++;
	it->owner = t->slot;
	it->nid = NUMA_NO_NODE;
	int ok;
	switch (it->kind) {
	case SOAK_PAGE: ok = alloc_pages_item(t, it, false); break;
	case SOAK_HIGHPAGE: ok = alloc_pages_item(t, it, true); break;
	case SOAK_KMALLOC: ok = alloc_kmalloc_item(t, it); break;
	case SOAK_CACHE: ok = alloc_cache_item(t, it); break;
	case SOAK_VMALLOC: ok = alloc_vmalloc_item(t, it); break;
	default: ok = alloc_mempool_item(t, it); break;
	}
	if (ok < 0) {
		t->count[SOAK_POOL_CAPPED]++;
		free(it);
		return;
	}
	t->ops[it->kind]++;
	if (!ok) {
		t->fails[it->kind]++;
		free(it);
		return;
	}
	t->held[t->nr_held++] = it;
}

static struct soak_item *take_held(struct soak_thread *t, unsigned int i)
{
	struct soak_item *it = t->held[i];
	t->held[i] = t->held[--t->nr_held];
	return it;
}

/* Give @it to a random worker other than @t (itself when alone or the inbox is full). */
static void hand_over(struct soak_thread *t, struct soak_item *it)
{
	int w = (int)soak_below(t, (unsigned int)nr_inboxes);
	if (w == t->slot && nr_inboxes > 1)
		w = (w + 1) % nr_inboxes;
	struct inbox *ib = &inboxes[w];
	pthread_mutex_lock(&ib->lock);
	if (ib->n < INBOX_SLOTS) {
		ib->ring[(ib->head + ib->n++) % INBOX_SLOTS] = it;
		it = NULL;
	}
	pthread_mutex_unlock(&ib->lock);
	if (it)
		free_item(t, it);
}

void soak_drain_inbox(struct soak_thread *t)
{
	struct inbox *ib = &inboxes[t->slot];
	for (;;) {
		pthread_mutex_lock(&ib->lock);
		struct soak_item *it = NULL;
		if (ib->n) {
			it = ib->ring[ib->head];
			ib->head = (ib->head + 1) % INBOX_SLOTS;
			ib->n--;
		}
		pthread_mutex_unlock(&ib->lock);
		if (!it)
			return;
		free_item(t, it);
	}
}

static void realloc_one(struct soak_thread *t)
{
	if (!t->nr_held)
		return;
	struct soak_item *it = t->held[soak_below(t, (unsigned int)t->nr_held)];
	if (it->kind != SOAK_KMALLOC)
		return;
	long off = verify(it->ptr, it->size, it->id);
	if (off >= 0) {
		bad_tag(it, off, "before krealloc");
		return;
	}
	uint8_t keep[256];
	size_t nsize = kmalloc_size(t), same = it->size < nsize ? it->size : nsize;
	if (same > sizeof(keep))
		same = sizeof(keep);
	memcpy(keep, it->ptr, same);
	t->count[SOAK_REALLOCS]++;
	void *p = krealloc(it->ptr, nsize, GFP_KERNEL | __GFP_NOWARN);
	if (!p) {
		t->count[SOAK_REALLOC_FAILS]++;
		return;   /* the old object is intact */
	}
	if (memcmp(p, keep, same))
		soak_fail("krealloc(%zu -> %zu) lost the object's first %zu bytes", it->size, nsize, same);
	it->ptr = p;
	it->size = nsize;
	fill(p, nsize, it->id);
}

/* A private cache: created, filled, checked, emptied in random order, maybe shrunk, destroyed
 * in one step, while the other threads use theirs and the shared ones. */
static void private_cache(struct soak_thread *t)
{
	char name[48];
	unsigned int size = 8 + soak_below(t, 4089), n = 1 + soak_below(t, 200), got = 0;
	slab_flags_t flags = soak_below(t, 2) ? SLAB_HWCACHE_ALIGN : 0;
	snprintf(name, sizeof(name), "soak-t%d-%lu", t->slot, t->count[SOAK_CACHE_CREATES]);
	struct kmem_cache *s = kmem_cache_create(name, size, 0, flags, NULL);
	if (!s) {
		soak_fail("kmem_cache_create(%s, %u) failed", name, size);
		return;
	}
	t->count[SOAK_CACHE_CREATES]++;
	void **obj = calloc(n, sizeof(*obj));
	uint64_t *ids = calloc(n, sizeof(*ids));
	for (unsigned int i = 0; obj && ids && i < n; i++) {
		t->ops[SOAK_CACHE]++;
		if ((obj[got] = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN)) == NULL) {
			t->fails[SOAK_CACHE]++;
			continue;
		}
		ids[got] = t->next_id++;
		fill(obj[got], size, ids[got]);
		got++;
	}
	for (unsigned int i = 0; i < got; i++) {
		unsigned int j = i + soak_below(t, got - i);
		void *o = obj[i];
		uint64_t id = ids[i];
		obj[i] = obj[j], ids[i] = ids[j];
		obj[j] = o, ids[j] = id;
		long off = verify(obj[i], size, ids[i]);
		if (off >= 0)
			soak_fail("private cache %s (%u bytes): object %p wrong at offset %ld", name, size,
				  obj[i], off);
		kmem_cache_free(s, obj[i]);
		t->frees[SOAK_CACHE]++;
	}
	free(obj);
	free(ids);
	if (soak_below(t, 2))
		kmem_cache_shrink(s);
	kmem_cache_destroy(s);
}

/* ---- the shrinker-evicted cache ---- */

struct shrink_item {
	struct list_head lru;
	uint64_t id;
	size_t size;
};

static LIST_HEAD(shrink_lru);
static pthread_mutex_t shrink_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long shrink_nr;
static unsigned long shrink_freed, shrink_scans;
static uint64_t shrink_next_id = 1ULL << 62;
static __thread bool in_batch;   /* set by workers around their batches (soak_main.c) */

void soak_set_in_batch(bool on)
{
	in_batch = on;
}

static void shrink_item_free(struct shrink_item *si)
{
	long off = verify(si + 1, si->size - sizeof(*si), si->id);
	if (off >= 0)
		soak_fail("shrinker cache item %llu (%zu bytes): wrong byte at offset %ld",
			  (unsigned long long)si->id, si->size, off + (long)sizeof(*si));
	kfree(si);
}

/* Detach up to @n items from the cold end (under the lock), free them outside it. */
static unsigned long shrink_evict(unsigned long n)
{
	LIST_HEAD(victims);
	unsigned long got = 0;
	pthread_mutex_lock(&shrink_lock);
	while (got < n && !list_empty(&shrink_lru)) {
		list_move(shrink_lru.next, &victims);
		got++;
	}
	__atomic_store_n(&shrink_nr, shrink_nr - got, __ATOMIC_RELAXED);   /* count_objects reads it unlocked */
	pthread_mutex_unlock(&shrink_lock);
	while (!list_empty(&victims)) {
		struct shrink_item *si = list_first_entry(&victims, struct shrink_item, lru);
		list_del(&si->lru);
		shrink_item_free(si);
	}
	return got;
}

static unsigned long soak_shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	(void)sc;
	unsigned long n = __atomic_load_n(&shrink_nr, __ATOMIC_RELAXED);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long soak_shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	/* kswapd (or any thread outside a batch) must not run while the checker walks. */
	bool outside = !in_batch;
	if (outside && pthread_rwlock_tryrdlock(&soak_quiesce))
		return SHRINK_STOP;
	unsigned long got = shrink_evict(sc->nr_to_scan);
	if (outside)
		pthread_rwlock_unlock(&soak_quiesce);
	__atomic_fetch_add(&shrink_freed, got, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shrink_scans, 1, __ATOMIC_RELAXED);
	return got ? got : SHRINK_STOP;
}

static struct shrinker soak_shrinker = {
	.count_objects = soak_shrink_count,
	.scan_objects = soak_shrink_scan,
	.seeks = DEFAULT_SEEKS,
	.batch = 64,
};

static void shrink_add(struct soak_thread *t)
{
	size_t size = sizeof(struct shrink_item) + 64 + soak_below(t, 4000);
	struct shrink_item *si = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!si)
		return;
	si->size = size;
	si->id = __atomic_fetch_add(&shrink_next_id, 1, __ATOMIC_RELAXED);
	fill(si + 1, size - sizeof(*si), si->id);
	pthread_mutex_lock(&shrink_lock);
	list_add_tail(&si->lru, &shrink_lru);
	__atomic_store_n(&shrink_nr, shrink_nr + 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&shrink_lock);
	t->count[SOAK_SHRINK_ADDS]++;
}

void soak_shrink_cache_drop(void)
{
	while (shrink_evict(1024))
		;
}

unsigned long soak_shrink_cache_items(void)
{
	return __atomic_load_n(&shrink_nr, __ATOMIC_RELAXED);
}

void soak_shrink_stats(unsigned long *freed, unsigned long *scans)
{
	*freed = __atomic_load_n(&shrink_freed, __ATOMIC_RELAXED);
	*scans = __atomic_load_n(&shrink_scans, __ATOMIC_RELAXED);
}

/* ---- steps ---- */

void soak_step(struct soak_thread *t)
{
	unsigned int r = soak_below(t, 100);
	if (r < 40 || (r < 80 && !t->nr_held)) {
		if (t->nr_held < t->max_held)
			alloc_one(t);
		else
			free_item(t, take_held(t, soak_below(t, (unsigned int)t->nr_held)));
	} else if (r < 70) {
		free_item(t, take_held(t, soak_below(t, (unsigned int)t->nr_held)));
	} else if (r < 80) {
		hand_over(t, take_held(t, soak_below(t, (unsigned int)t->nr_held)));
	} else if (r < 85) {
		realloc_one(t);
	} else if (r < 95) {
		shrink_add(t);
	} else if (r == 95) {
		if (soak_below(t, 4) == 0)
			private_cache(t);
	} else if (t->slot < nr_inboxes) {
		soak_drain_inbox(t);
	}
}

void soak_free_held(struct soak_thread *t)
{
	while (t->nr_held)
		free_item(t, take_held(t, (unsigned int)t->nr_held - 1));
}

void soak_hand_out(struct soak_thread *t)
{
	while (t->nr_held)
		hand_over(t, take_held(t, (unsigned int)t->nr_held - 1));
}

/* ---- setup ---- */

int soak_ops_init(int nr_workers)
{
	nr_mem_nodes = 0;
	for (int nid = 0; nid < nr_node_ids && nr_mem_nodes < 64; nid++)
		if (node_state_memory(nid))
			mem_nodes[nr_mem_nodes++] = nid;
	have_highmem = false;
	for (int nid = 0; nid < nr_node_ids; nid++)
		have_highmem |= populated_zone(&NODE_DATA(nid)->node_zones[ZONE_HIGHMEM]);
	inboxes = calloc((size_t)nr_workers, sizeof(*inboxes));
	if (!inboxes || !nr_mem_nodes)
		return -ENOMEM;
	nr_inboxes = nr_workers;
	for (int i = 0; i < nr_workers; i++)
		pthread_mutex_init(&inboxes[i].lock, NULL);
	for (int c = 0; c < NR_SHARED_CACHES; c++) {
		char name[32];
		snprintf(name, sizeof(name), "soak-shared-%u", shared_size[c]);
		shared_cache[c] = kmem_cache_create(name, shared_size[c], 0, c & 1 ? SLAB_HWCACHE_ALIGN : 0,
						    NULL);
		if (!shared_cache[c])
			return -ENOMEM;
	}
	pool_kmalloc = mempool_create_kmalloc_pool(MEMPOOL_MIN, 192);
	pool_page = mempool_create_page_pool(MEMPOOL_MIN, 0);
	if (!pool_kmalloc || !pool_page)
		return -ENOMEM;
	return register_shrinker(&soak_shrinker, "soak");
}

void soak_ops_exit(void)
{
	unregister_shrinker(&soak_shrinker);
	soak_shrink_cache_drop();
	mempool_destroy(pool_kmalloc);
	mempool_destroy(pool_page);
	pool_kmalloc = pool_page = NULL;
	for (int c = 0; c < NR_SHARED_CACHES; c++) {
		kmem_cache_destroy(shared_cache[c]);
		shared_cache[c] = NULL;
	}
	for (int i = 0; i < nr_inboxes; i++) {
		if (inboxes[i].n)
			soak_fail("worker %d's inbox still holds %d items at exit", i, inboxes[i].n);
		pthread_mutex_destroy(&inboxes[i].lock);
	}
	free(inboxes);
	inboxes = NULL;
	nr_inboxes = 0;
}
