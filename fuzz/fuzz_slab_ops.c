/* fuzz_slab_ops: the input is a program of slab operations, run against a model, on one of the
 * three slab back ends.
 *
 * The first byte picks the back end (slab=slub|slab|slob, % 3): numamm boots with
 * "$NMM_FUZZ_BOOT slab=<back end>" (default "mem=64M numa=fake=2") and, when an input asks for
 * another back end than the one running, shuts down and boots again (nmm_shutdown() forgets
 * everything; a boot costs a few ms under ASan, so one target covers all three). The rest is
 * operations, an opcode byte and its argument bytes (zeros once the input runs out):
 *   kmem_cache_create (size 1..8 KiB, align 0/8..4096, SLAB_HWCACHE_ALIGN, SLAB_TYPESAFE_BY_RCU,
 *   SLAB_RECLAIM_ACCOUNT, SLAB_ACCOUNT, a constructor), kmem_cache_alloc[_node] / kmem_cache_free,
 *   kmem_cache_alloc_bulk / kmem_cache_free_bulk, kmalloc[_node] / kzalloc (0 .. 4 MiB, mostly
 *   small) / kfree, krealloc (grow, shrink, to 0), ksize, kmem_cache_shrink, kmem_cache_destroy.
 * The model holds every object: cache, size asked, a tag byte filling the object. Each new object
 * must be aligned (its cache's alignment, ARCH_KMALLOC_MINALIGN, a power-of-two kmalloc size up
 * to a page on its size), overlap no held object, be zeroed when asked and constructed (the
 * constructor's pattern) in a cache with a constructor; ksize() >= the size asked; krealloc
 * keeps the contents up to the smaller size; a freed object still has its tag. Every K
 * operations our caches, on request (an opcode) and at the end every cache passes the back end's is_valid walker; at the end
 * everything is freed and destroyed, and the caches and the count of allocated objects
 * (for_each_object) are back where they started.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <numamm/numamm.h>

#include "slab/slab.h"
#include "fuzz_common.h"

#define MAX_HELD 512
#define MAX_CACHES 8
#define K 32
#define MAX_OPS 1500
#define CTOR_MAGIC 0xc7c7c7c7c7c7c7c7ULL

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_slab_ops: " __VA_ARGS__);                     \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

struct cache {
	struct kmem_cache *s;
	unsigned int size, align;
	bool ctor, rcu;
};

struct obj {
	void *p;
	size_t size;          /* asked */
	int cache;            /* index into caches[], -1: kmalloc */
	unsigned char tag;
	bool zeroed;          /* kmalloc: asked with __GFP_ZERO and every krealloc since too */
};

static struct cache caches[MAX_CACHES];
static struct obj held[MAX_HELD];
static int nheld;
static unsigned tagseq;
static int booted_as = -1;
static const char *const backends[] = { "slub", "slab", "slob" };

/* Allocation failures are fine when memory runs short (large kmallocs can exhaust 64 MiB). */
static bool low_memory(void)
{
	return nr_free_pages() < 4096;
}

static void ctor(void *p)
{
	*(uint64_t *)p = CTOR_MAGIC;
}

static gfp_t pick_gfp(struct cursor *c, bool zero_ok)
{
	static const gfp_t g[] = { GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL_ACCOUNT,
				   GFP_KERNEL | __GFP_ZERO, GFP_NOFS, GFP_KERNEL | __GFP_NORETRY,
				   GFP_DMA32 | GFP_KERNEL };
	gfp_t gfp = g[next8(c) % 8];
	if (!zero_ok)
		gfp &= ~__GFP_ZERO;
	return gfp | __GFP_NOWARN;
}

/* kmalloc sizes: mostly small, sometimes a size class edge, now and then large. */
static size_t pick_size(struct cursor *c)
{
	unsigned sel = next8(c), v = next16(c);
	switch (sel % 8) {
	case 0: return v % 64;
	case 1: case 2: return v % 1024;
	case 3: return v % 16384;
	case 4: return (1UL << (v % 14)) + (size_t)(int)((v >> 4) % 3) - 1;   /* 2^k-1 .. 2^k+1 */
	case 5: return (size_t)v * 64 % (4UL << 20);                         /* up to 4 MiB */
	default: return v % 256;
	}
}

static void fill(struct obj *o)
{
	o->tag = (unsigned char)(++tagseq | 1);
	if (o->size)
		memset(o->p, o->tag, o->size);
}

static void check_tag(const struct obj *o, size_t n, const char *when)
{
	const unsigned char *b = o->p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != o->tag)
			FAIL("%s: object %p (%zu bytes, cache %d) byte %zu is %#x, not its tag %#x", when,
			     o->p, o->size, o->cache, i, b[i], o->tag);
}

static void check_overlap(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, e = a + (n ? n : 1);
	for (int i = 0; i < nheld; i++) {
		uintptr_t b = (uintptr_t)held[i].p, f = b + (held[i].size ? held[i].size : 1);
		if (ZERO_OR_NULL_PTR(held[i].p))
			continue;
		if (a < f && b < e)
			FAIL("new object %p+%zu overlaps held %p+%zu", p, n, held[i].p, held[i].size);
	}
}

/* A new object @p of @size from cache @ci (-1: kmalloc): check and take it into the model. */
static bool natural = true;   /* off for a krealloc that stayed in place */

static void take(void *p, size_t size, int ci, gfp_t gfp)
{
	if (nheld == MAX_HELD)
		FAIL("model full");
	if (ZERO_OR_NULL_PTR(p) && !(size == 0 && ci < 0 && p == ZERO_SIZE_PTR))
		FAIL("take %p", p);
	if (!ZERO_OR_NULL_PTR(p)) {
		uintptr_t a = (uintptr_t)p;
		if (a % ARCH_KMALLOC_MINALIGN)
			FAIL("object %p not %d-aligned", p, ARCH_KMALLOC_MINALIGN);
		if (ci >= 0 && caches[ci].align && a % caches[ci].align)
			FAIL("cache %d (%s, size %u, align %u) object %p not aligned to %u", ci,
			     caches[ci].s->name, caches[ci].s->size, caches[ci].s->align, p, caches[ci].align);
		if (ci < 0 && natural && size && !(size & (size - 1)) && size <= PAGE_SIZE && a % size)
			FAIL("kmalloc(%zu) = %p not naturally aligned", size, p);
		size_t ks = ksize(p);
		if (ks < size)
			FAIL("ksize(%p) = %zu < %zu asked", p, ks, size);
		if (ci >= 0 && kmem_cache_size(caches[ci].s) < caches[ci].size)
			FAIL("kmem_cache_size %u < %u", kmem_cache_size(caches[ci].s), caches[ci].size);
		if (gfp & __GFP_ZERO)
			for (size_t i = 0; i < size; i++)
				if (((unsigned char *)p)[i])
					FAIL("__GFP_ZERO object %p byte %zu not zero", p, i);
		if (ci >= 0 && caches[ci].ctor && *(uint64_t *)p != CTOR_MAGIC)
			FAIL("cache %d object %p not constructed: %#llx", ci, p,
			     (unsigned long long)*(uint64_t *)p);
		check_overlap(p, size);
	}
	struct obj *o = &held[nheld++];
	*o = (struct obj){ .p = p, .size = size, .cache = ci, .zeroed = gfp & __GFP_ZERO };
	if (!ZERO_OR_NULL_PTR(p)) {
		if (ci >= 0 && caches[ci].ctor) {
			o->tag = 0xc7;   /* keep it constructed: the tag is the constructor's byte */
			memset((char *)p + 8, 0xc7, size - 8);
		} else {
			fill(o);
		}
	}
}

static void drop(int i)
{
	held[i] = held[--nheld];
}

static void release(int i)
{
	struct obj *o = &held[i];
	if (!ZERO_OR_NULL_PTR(o->p))
		check_tag(o, o->size, "free");
	if (o->cache >= 0)
		kmem_cache_free(caches[o->cache].s, o->p);
	else
		kfree(o->p);
	drop(i);
}

static void op_create(struct cursor *c)
{
	unsigned sz = next16(c), al = next8(c), fl = next8(c);
	int ci = 0;
	while (ci < MAX_CACHES && caches[ci].s)
		ci++;
	if (ci == MAX_CACHES)
		return;
	struct cache *k = &caches[ci];
	*k = (struct cache){ .size = sz % 8192 + 1 };
	if (al % 3 == 0)
		k->align = 8u << (al / 3 % 10);   /* 8 .. 4096 */
	slab_flags_t flags = 0;
	if (fl & 1)
		flags |= SLAB_HWCACHE_ALIGN;
	/* One cache in 16: destroying one waits for two RCU barriers (milliseconds each). */
	if ((fl & 0xe2) == 0xe2)
		flags |= SLAB_TYPESAFE_BY_RCU;
	if (fl & 4)
		flags |= SLAB_RECLAIM_ACCOUNT;
	if (fl & 8)
		flags |= SLAB_ACCOUNT;
	k->ctor = (fl & 16) && k->size >= 8;
	k->rcu = flags & SLAB_TYPESAFE_BY_RCU;
	char name[32];
	snprintf(name, sizeof(name), "fz-%d-%u", ci, k->size);
	k->s = kmem_cache_create(name, k->size, k->align, flags, k->ctor ? ctor : NULL);
	if (!k->s) {
		if (k->size <= 4096 && k->align <= 4096)
			FAIL("kmem_cache_create(%u, align %u, flags %#x) failed", k->size, k->align, flags);
		*k = (struct cache){ 0 };
	}
}

static int pick_cache(struct cursor *c)
{
	unsigned sel = next8(c);
	for (int n = 0; n < MAX_CACHES; n++) {
		int ci = (int)((sel + n) % MAX_CACHES);
		if (caches[ci].s)
			return ci;
	}
	return -1;
}

static void op_alloc(struct cursor *c)
{
	int ci = pick_cache(c);
	unsigned nsel = next8(c);
	if (ci < 0 || nheld == MAX_HELD)
		return;
	gfp_t gfp = pick_gfp(c, !caches[ci].ctor);
	int node = (int)(nsel % (unsigned)(nr_node_ids + 1)) - 1;
	void *p = nsel & 0x80 ? kmem_cache_alloc_node(caches[ci].s, gfp, node)
			      : kmem_cache_alloc(caches[ci].s, gfp);
	if (!p) {
		if (!low_memory())
			FAIL("kmem_cache_alloc from cache %d (%u bytes) failed", ci, caches[ci].size);
		return;
	}
	take(p, caches[ci].size, ci, gfp);
}

static void op_free(struct cursor *c)
{
	unsigned sel = next8(c);
	if (nheld)
		release((int)(sel % (unsigned)nheld));
}

static void op_bulk_alloc(struct cursor *c)
{
	int ci = pick_cache(c);
	size_t n = next8(c) % 40 + 1;
	gfp_t gfp = pick_gfp(c, !caches[ci < 0 ? 0 : ci].ctor);
	if (ci < 0 || nheld + (int)n > MAX_HELD)
		return;
	void *p[40];
	if (kmem_cache_alloc_bulk(caches[ci].s, gfp, n, p) != (int)n) {
		if (!low_memory())
			FAIL("kmem_cache_alloc_bulk(%zu) failed", n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		take(p[i], caches[ci].size, ci, gfp);
}

static void op_bulk_free(struct cursor *c)
{
	int ci = pick_cache(c);
	size_t want = next8(c) % 40 + 1, n = 0;
	void *p[40];
	if (ci < 0)
		return;
	for (int i = nheld - 1; i >= 0 && n < want; i--)
		if (held[i].cache == ci) {
			check_tag(&held[i], held[i].size, "bulk free");
			p[n++] = held[i].p;
			drop(i);
		}
	kmem_cache_free_bulk(caches[ci].s, n, p);
}

static void op_kmalloc(struct cursor *c)
{
	size_t size = pick_size(c);
	unsigned sel = next8(c);
	gfp_t gfp = pick_gfp(c, true);
	if (nheld == MAX_HELD)
		return;
	int node = (int)(sel % (unsigned)(nr_node_ids + 1)) - 1;
	void *p = sel & 0x80 ? kmalloc_node(size, gfp, node) : kmalloc(size, gfp);
	if (!p) {
		if (size <= KMALLOC_MAX_CACHE_SIZE && !low_memory())
			FAIL("kmalloc(%zu, %#x) failed", size, gfp);
		return;
	}
	if (size == 0 && p != ZERO_SIZE_PTR)
		FAIL("kmalloc(0) = %p, not ZERO_SIZE_PTR", p);
	take(p, size, -1, gfp);
}

static void op_krealloc(struct cursor *c)
{
	unsigned sel = next8(c);
	size_t size = pick_size(c);
	gfp_t gfp = pick_gfp(c, true);
	int i = -1;
	for (int n = 0; n < nheld && i < 0; n++) {
		int k = (int)((sel + (unsigned)n) % (unsigned)nheld);
		if (held[k].cache < 0)
			i = k;
	}
	if (i < 0 || sel == 0) {   /* krealloc(NULL) is kmalloc */
		if (nheld == MAX_HELD)
			return;
		void *p = krealloc(NULL, size, gfp);
		if (!p) {
			if (size <= KMALLOC_MAX_CACHE_SIZE && !low_memory())
				FAIL("krealloc(NULL, %zu) failed", size);
			return;
		}
		take(p, size, -1, gfp);
		return;
	}
	struct obj o = held[i];
	if (!ZERO_OR_NULL_PTR(o.p))
		check_tag(&o, o.size, "krealloc");
	void *p = krealloc(o.p, size, gfp);
	if (size == 0) {
		if (p != ZERO_SIZE_PTR)
			FAIL("krealloc(%p, 0) = %p, not ZERO_SIZE_PTR", o.p, p);
		drop(i);   /* krealloc(p, 0) frees p */
		return;
	}
	if (!p) {
		if (size <= KMALLOC_MAX_CACHE_SIZE && !low_memory())
			FAIL("krealloc(%p, %zu -> %zu) failed", o.p, o.size, size);
		check_tag(&o, o.size, "failed krealloc");   /* untouched, still ours */
		return;
	}
	size_t keep = o.size < size ? o.size : size;
	drop(i);
	struct obj n = { .p = p, .size = keep, .cache = -1, .tag = o.tag };
	if (keep)
		check_tag(&n, keep, "krealloc moved");
	if (ksize(p) < size)
		FAIL("krealloc: ksize(%p) = %zu < %zu", p, ksize(p), size);
	/* __GFP_ZERO holds for krealloc only when every call on the object had it (the
	 * kernel's rule, and what lets numamm zero the tail beyond a shrink). */
	bool zeroed = o.zeroed && (gfp & __GFP_ZERO);
	if (zeroed)
		for (size_t b = keep; b < size; b++)
			if (((unsigned char *)p)[b])
				FAIL("krealloc __GFP_ZERO: byte %zu of %p not zero", b, p);
	/* Natural alignment is kmalloc's promise for a new block; a krealloc that fits in place
	 * (ksize() of the old block) keeps its address. */
	natural = p != o.p;
	take(p, size, -1, 0);
	natural = true;
	held[nheld - 1].zeroed = zeroed;
}

static void op_ksize(struct cursor *c)
{
	unsigned sel = next8(c);
	if (!nheld)
		return;
	struct obj *o = &held[sel % (unsigned)nheld];
	size_t ks = ksize(o->p);
	if (o->p == ZERO_SIZE_PTR ? ks != 0 : ks < o->size)
		FAIL("ksize(%p) = %zu, %zu asked", o->p, ks, o->size);
	check_tag(o, o->size, "ksize");
}

static void destroy(int ci)
{
	for (int i = nheld - 1; i >= 0; i--)
		if (held[i].cache == ci)
			release(i);
	if (!caches[ci].s->ops->is_valid(caches[ci].s, stderr))
		FAIL("cache %d invalid before destroy", ci);
	kmem_cache_destroy(caches[ci].s);
	caches[ci] = (struct cache){ 0 };
}

static void op_shrink_destroy(struct cursor *c, bool destroy_it)
{
	int ci = pick_cache(c);
	if (ci < 0)
		return;
	if (destroy_it)
		destroy(ci);
	else
		kmem_cache_shrink(caches[ci].s);
}

/* Every cache on slab_caches (a snapshot: the walkers run without slab_mutex). */
static int snapshot(struct kmem_cache **v, int max)
{
	int n = 0;
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		if (n < max)
			v[n++] = s;
	pthread_mutex_unlock(&slab_mutex);
	if (n == max)
		FAIL("more than %d caches", max);
	return n;
}

static void check_caches(const char *when, int step)
{
	struct kmem_cache *v[256];
	int n = snapshot(v, 256);
	for (int i = 0; i < n; i++)
		if (!v[i]->ops->is_valid(v[i], stderr))
			FAIL("cache %s invalid %s %d", v[i]->name, when, step);
}

/* Our caches only (the walkers map and unmap a bitmap each: all ~30 caches every K steps would
 * be most of the time). */
static void check_ours(const char *when, int step)
{
	for (int ci = 0; ci < MAX_CACHES; ci++)
		if (caches[ci].s && !caches[ci].s->ops->is_valid(caches[ci].s, stderr))
			FAIL("cache %d (%s) invalid %s %d", ci, caches[ci].s->name, when, step);
}

static void count_obj(struct kmem_cache *s, void *obj, bool allocated, void *arg)
{
	(void)s;
	(void)obj;
	*(unsigned long *)arg += allocated;
}

static unsigned long allocated_objects(int *ncaches)
{
	struct kmem_cache *v[256];
	int n = snapshot(v, 256);
	unsigned long total = 0;
	for (int i = 0; i < n; i++)
		v[i]->ops->for_each_object(v[i], count_obj, &total);
	*ncaches = n;
	return total;
}

static void boot(int backend)
{
	if (booted_as == backend)
		return;
	if (booted_as >= 0)
		nmm_shutdown();
	char line[512];
	snprintf(line, sizeof(line), "%s slab=%s", fuzz_boot_line("mem=64M numa=fake=2"), backends[backend]);
	if (nmm_boot(line))
		FAIL("cannot boot '%s': %s", line, nmm_boot_strerror());
	booted_as = backend;
	/* The DMA32 kmalloc caches are made on first use: make them now, so the cache count
	 * compares like with like. */
	for (size_t sz = 8; sz <= KMALLOC_MAX_CACHE_SIZE; sz *= 2) {
		kfree(kmalloc(sz, GFP_KERNEL | GFP_DMA32));
		kfree(kmalloc(sz * 3 / 4, GFP_KERNEL | GFP_DMA32));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, data + size };
	boot((int)(next8(&c) % 3));
	/* Per-thread caches to the slabs first, so the counts compare like with like. */
	if (slab_ops->thread_flush)
		slab_ops->thread_flush();
	int ncaches0, ncaches1;
	unsigned long objs0 = allocated_objects(&ncaches0);
	for (int step = 0; c.p < c.end && step < MAX_OPS; step++) {
		switch (next8(&c) % 16) {
		case 0: op_create(&c); break;
		case 1: case 2: op_alloc(&c); break;
		case 3: case 4: op_free(&c); break;
		case 5: op_bulk_alloc(&c); break;
		case 6: op_bulk_free(&c); break;
		case 7: case 8: op_kmalloc(&c); break;
		case 9: op_krealloc(&c); break;
		case 10: op_ksize(&c); break;
		case 11: op_shrink_destroy(&c, false); break;
		case 12: op_shrink_destroy(&c, true); break;
		case 13: check_caches("at step", step); break;
		default: op_free(&c); break;
		}
		if (step % K == K - 1)
			check_ours("after step", step);
	}
	while (nheld)
		release(nheld - 1);
	for (int ci = 0; ci < MAX_CACHES; ci++)
		if (caches[ci].s)
			destroy(ci);
	check_caches("at the end", -1);
	if (slab_ops->thread_flush)
		slab_ops->thread_flush();
	unsigned long objs1 = allocated_objects(&ncaches1);
	if (ncaches1 != ncaches0)
		FAIL("%d caches at the start, %d after destroying ours", ncaches0, ncaches1);
	if (objs1 != objs0)
		FAIL("%lu allocated objects at the start, %lu after freeing everything", objs0, objs1);
	return 0;
}
