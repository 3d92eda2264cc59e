/* lib/slab/kmalloc.c - the kmalloc family over size-class caches (mm/slab_common.c kmalloc_info,
 * __kmalloc_node, kfree, ksize, krealloc; mm/util.c kstrdup/kmemdup/kvmalloc).
 *
 * Classes: 8 16 32 64 96 128 192 256 512 1k 2k 4k 8k, one set per kmalloc type: normal
 * ("kmalloc-64"), reclaimable (__GFP_RECLAIMABLE, "kmalloc-rcl-64"), DMA (__GFP_DMA,
 * "dma-kmalloc-64") and DMA32 (__GFP_DMA32, "dma32-kmalloc-64"). Normal and reclaimable caches
 * are made at boot; the DMA ones on first use. Above 8 KiB, kmalloc takes a compound block from
 * the page allocator and marks its head page so kfree can tell it from a stray pointer.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <numamm/linux/vmalloc.h>

#include "../trace/slab_events.h"
#include "slab.h"
#include "slab_asan.h"
#include "slab_fastpath.h"

enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA, KMALLOC_DMA32, NR_KMALLOC_TYPES };

#define KMALLOC_NR_CLASSES (KMALLOC_SHIFT_HIGH + 1)     /* index 1 = 96, 2 = 192, 3..13 = 2^i */

static struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_NR_CLASSES];
static pthread_mutex_t kmalloc_lazy_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * kmalloc's and kfree's fast paths (frame-less, like kmem_cache_alloc/free): sizes 1..8192
 * without DMA/reclaimable/zeroing flags index kmalloc_fast_caches by (size - 1) / 8 — one load
 * instead of size_index/fls and the type — and kfree finds the cache from the slab page in a
 * few loads (kfree_slab_cache). Before boot and after shutdown every entry is kmalloc_unbooted,
 * which has no fast path, so the slow path (which boots numamm) needs no extra test here.
 */
#define KMALLOC_FAST_ENTRIES (KMALLOC_MAX_CACHE_SIZE / 8)
#define KMALLOC_FAST_GFP_SLOW (__GFP_DMA | __GFP_DMA32 | __GFP_RECLAIMABLE | __GFP_ZERO)

static struct kmem_cache kmalloc_unbooted = { .fast = SLAB_FAST_NONE, .name = "kmalloc-unbooted" };
static struct kmem_cache *kmalloc_fast_caches[KMALLOC_FAST_ENTRIES] = {
	[0 ... KMALLOC_FAST_ENTRIES - 1] = &kmalloc_unbooted,
};

static const char *const type_prefix[NR_KMALLOC_TYPES] = { "kmalloc-", "kmalloc-rcl-", "dma-kmalloc-",
							   "dma32-kmalloc-" };

/* A marker in page->mapping of a large kmalloc's head page. */
static const char kmalloc_large_marker[] = "kmalloc-large";
#define KMALLOC_LARGE_MAPPING ((void *)kmalloc_large_marker)

/* size_index (mm/slab_common.c): class index for sizes 1..192, by (size - 1) / 8. */
static const unsigned char size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,      /* 8, 16, 32, 32, 64 x4 */
	1, 1, 1, 1,                  /* 96 */
	7, 7, 7, 7,                  /* 128 */
	2, 2, 2, 2, 2, 2, 2, 2,      /* 192 */
};

static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) / 8];
	return 64 - (unsigned int)__builtin_clzl(size - 1);   /* fls(size - 1): 256 → 8 */
}

static unsigned int class_size(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
}

static __always_inline enum kmalloc_cache_type kmalloc_type(gfp_t gfp)
{
	if (likely(!(gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_RECLAIMABLE))))
		return KMALLOC_NORMAL;
	if (gfp & __GFP_DMA)
		return KMALLOC_DMA;
	if (gfp & __GFP_DMA32)
		return KMALLOC_DMA32;
	return KMALLOC_RECLAIM;
}

static struct kmem_cache *create_kmalloc_cache(enum kmalloc_cache_type type, unsigned int idx)
{
	static const slab_flags_t type_flags[NR_KMALLOC_TYPES] = {
		0, SLAB_RECLAIM_ACCOUNT, SLAB_CACHE_DMA, SLAB_CACHE_DMA32,
	};
	char name[NMM_SLAB_NAME_MAX];
	unsigned int size = class_size(idx);
	if (size >= 1024)
		snprintf(name, sizeof(name), "%s%uk", type_prefix[type], size / 1024);
	else
		snprintf(name, sizeof(name), "%s%u", type_prefix[type], size);
	/* Objects of a power-of-two class are aligned to their size up to a page, as the kernel
	 * guarantees for kmalloc (ARCH_KMALLOC_MINALIGN, natural alignment of 2^n sizes). */
	unsigned int align = (size & (size - 1)) ? ARCH_KMALLOC_MINALIGN : (size < PAGE_SIZE ? size : PAGE_SIZE);
	return __kmem_cache_create_flags(name, size, align, SLAB_KMALLOC | type_flags[type], 0, 0, NULL, 0);
}

int kmalloc_caches_init(char *err, size_t errlen)
{
	for (int type = KMALLOC_NORMAL; type <= KMALLOC_RECLAIM; type++) {
		for (unsigned int idx = 1; idx < KMALLOC_NR_CLASSES; idx++) {
			if (idx == 1 || idx == 2 || idx >= KMALLOC_SHIFT_LOW) {
				struct kmem_cache *s = create_kmalloc_cache(type, idx);
				if (!s) {
					snprintf(err, errlen, "cannot create the kmalloc caches");
					return -ENOMEM;
				}
				kmalloc_caches[type][idx] = s;
			}
		}
	}
	for (size_t i = 0; i < KMALLOC_FAST_ENTRIES; i++)
		__atomic_store_n(&kmalloc_fast_caches[i], kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(i * 8 + 1)],
				 __ATOMIC_RELEASE);
	return 0;
}

void kmalloc_caches_release(void)
{
	for (size_t i = 0; i < KMALLOC_FAST_ENTRIES; i++)
		__atomic_store_n(&kmalloc_fast_caches[i], &kmalloc_unbooted, __ATOMIC_RELAXED);
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
}

/* kmalloc_caches_settle - every kmalloc cache gives its empty slabs back, after one kmalloc and
 * kfree of each normal class from the calling thread: what a thread's first use of a cache sets
 * up (SLAB's per-thread array caches) is then in place on both sides of a measurement. Tests
 * and fuzzers settle the free page count with it before comparing. */
void kmalloc_caches_settle(void)
{
	for (unsigned int idx = 1; idx < KMALLOC_NR_CLASSES; idx++)
		if (idx <= 2 || idx >= KMALLOC_SHIFT_LOW)
			kfree(kmalloc(class_size(idx), GFP_KERNEL));
	for (int type = 0; type < NR_KMALLOC_TYPES; type++)
		for (unsigned int idx = 0; idx < KMALLOC_NR_CLASSES; idx++) {
			struct kmem_cache *s = __atomic_load_n(&kmalloc_caches[type][idx], __ATOMIC_ACQUIRE);
			if (s)
				kmem_cache_shrink(s);
		}
}

static noinline struct kmem_cache *kmalloc_slab_lazy(enum kmalloc_cache_type type, unsigned int idx)
{
	pthread_mutex_lock(&kmalloc_lazy_lock);
	struct kmem_cache *s = kmalloc_caches[type][idx];
	if (!s) {
		s = create_kmalloc_cache(type, idx);
		__atomic_store_n(&kmalloc_caches[type][idx], s, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&kmalloc_lazy_lock);
	return s;
}

/* kmalloc_slab - the cache serving @size bytes with @gfp (size <= KMALLOC_MAX_CACHE_SIZE). */
static __always_inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	enum kmalloc_cache_type type = kmalloc_type(gfp);
	unsigned int idx = kmalloc_index(size);
	struct kmem_cache *s = __atomic_load_n(&kmalloc_caches[type][idx], __ATOMIC_ACQUIRE);
	if (unlikely(!s))
		s = kmalloc_slab_lazy(type, idx);
	return s;
}

/* Above KMALLOC_MAX_CACHE_SIZE: a compound block from the page allocator (kmalloc_large). */
static noinline void *kmalloc_large_node(size_t size, gfp_t gfp, int node)
{
	if (size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			fprintf(stderr, "numamm: kmalloc: %zu bytes is above KMALLOC_MAX_SIZE (%lu)\n", size,
				KMALLOC_MAX_SIZE);
		return NULL;
	}
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < size)
		order++;
	gfp &= ~(__GFP_HIGHMEM | __GFP_MOVABLE);       /* kmalloc memory is always in the linear map */
	struct page *page = alloc_pages_node(node, gfp | __GFP_COMP, order);
	if (!page)
		return NULL;
	page->mapping = KMALLOC_LARGE_MAPPING;
	page->private = order;
	return page_address(page);
}

/* The head page of a large kmalloc at @p, or NULL. */
static struct page *kmalloc_large_page(const void *p)
{
	if (!virt_addr_valid(p) || ((uintptr_t)p & (PAGE_SIZE - 1)))
		return NULL;
	struct page *page = virt_to_page(p);
	if (PageTail(page) || PageSlab(page) || page->mapping != KMALLOC_LARGE_MAPPING)
		return NULL;
	return page;
}

static void kfree_large(struct page *page)
{
	unsigned int order = (unsigned int)page->private;
	page->mapping = NULL;
	page->private = 0;
	__free_pages(page, order);
}

static __always_inline void *__do_kmalloc_node(size_t size, gfp_t gfp, int node, unsigned long caller)
{
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large_node(size, gfp, node);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	struct kmem_cache *s = kmalloc_slab(size, gfp);
	if (unlikely(!s))
		return NULL;
	void *obj = slab_alloc_node(s, gfp, node, caller);
	if (NMM_SLAB_ASAN && obj && size < s->object_size && slab_asan_cache(s))
		slab_asan_unpoison(s, obj, size);       /* the rest is its red zone */
	return obj;
}

static size_t __ksize(const void *p);

static noinline void *kmalloc_slow(size_t size, gfp_t gfp, unsigned long caller)
{
	void *p = __do_kmalloc_node(size, gfp, NUMA_NO_NODE, caller);
	trace_kmalloc(caller, p, size, __ksize(p), gfp, NUMA_NO_NODE);
	return p;
}

/*
 * kmalloc - the fast path is a table load and SLUB's pop behind three tests (size in 1..8192,
 * no DMA/reclaimable/zeroing flags, nobody tracing); everything else is one tail call away.
 */
void *kmalloc(size_t size, gfp_t gfp)
{
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE) && likely(!(gfp & KMALLOC_FAST_GFP_SLOW)) &&
	    !NMM_TRACE_ENABLED(kmalloc)) {
		struct kmem_cache *s = __atomic_load_n(&kmalloc_fast_caches[(size - 1) >> 3], __ATOMIC_ACQUIRE);
		if (likely(s->fast == SLAB_FAST_SLUB)) {
			void *obj = slub_alloc_fast(s);
			if (likely(obj))
				return obj;
		}
	}
	return kmalloc_slow(size, gfp, _RET_IP_);
}

void *kmalloc_node(size_t size, gfp_t gfp, int node)
{
	void *p = __do_kmalloc_node(size, gfp, node, _RET_IP_);
	trace_kmalloc_node(_RET_IP_, p, size, __ksize(p), gfp, node);
	return p;
}

/* The cache of a kmalloc'd object, NULL (reported) for a bad pointer. */
static struct kmem_cache *kfree_cache(const void *p, unsigned long caller, const char *fn)
{
	struct kmem_cache *s;
	return slab_free_check(NULL, p, caller, fn, &s) ? s : NULL;
}

static void do_kfree(const void *p, unsigned long caller, const char *fn)
{
	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	if (likely(virt_addr_valid(p))) {
		/* The slab's cache names the candidate; slab_free's fast path or its full check
		 * proves the pointer is one of its objects before anything is freed. */
		struct page *page = nmm_compound_head(virt_to_page(p));
		struct kmem_cache *s = PageSlab(page) ? page_slab(page)->slab_cache : NULL;
		if (likely(s) && s->fast) {
			slab_free(s, (void *)p, caller, fn);
			return;
		}
	}
	struct page *large = kmalloc_large_page(p);
	if (large) {
		kfree_large(large);
		return;
	}
	struct kmem_cache *s = kfree_cache(p, caller, fn);
	if (s)
		slab_free(s, (void *)p, caller, fn);
}

/* kfree_slab_cache - the cache of the slab holding @p (nmm_linear_slab_cache), or NULL. */
static __always_inline struct kmem_cache *kfree_slab_cache(const void *p)
{
	struct page *page;
	return nmm_linear_slab_cache(p, &page);
}

static noinline void kfree_slow(const void *p, unsigned long caller)
{
	trace_kfree(caller, p);
	do_kfree(p, caller, "kfree");
}

/* kfree - the slab page's cache and SLUB's push (which proves @p is an object of that cache in
 * the CPU's slab), no stack frame; everything else, NULL included, in kfree_slow. */
void kfree(const void *p)
{
	if (!NMM_TRACE_ENABLED(kfree)) {
		struct kmem_cache *s = kfree_slab_cache(p);
		if (likely(s) && likely(s->fast == SLAB_FAST_SLUB) && likely(slub_free_fast(s, (void *)p)))
			return;
	}
	kfree_slow(p, _RET_IP_);
}

/* The usable size of @p, reported through kfree_cache when @p is bad. */
static size_t __ksize(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return 0;
	struct page *large = kmalloc_large_page(p);
	if (large)
		return PAGE_SIZE << large->private;
	struct kmem_cache *s = kfree_cache(p, _RET_IP_, "ksize");
	return s ? s->object_size : 0;
}

/* Under ASan, @p (a kmalloc object) is addressable for exactly @size bytes from now on. */
static void kmalloc_asan_resize(const void *p, size_t size)
{
	if (!NMM_SLAB_ASAN || ZERO_OR_NULL_PTR(p) || kmalloc_large_page(p))
		return;
	struct kmem_cache *s = kfree_slab_cache(p);
	if (s && slab_asan_cache(s))
		slab_asan_unpoison(s, (void *)p, size);
}

/* ksize - the object's whole size, which the caller may use (under ASan it becomes
 * addressable, as the kernel's KASAN does in ksize()). */
size_t ksize(const void *p)
{
	size_t n = __ksize(p);
	if (n)
		kmalloc_asan_resize(p, n);
	return n;
}

void kfree_sensitive(const void *p)
{
	size_t n = ksize(p);
	if (n)
		__builtin_memset((void *)p, 0, n);
	do_kfree(p, _RET_IP_, "kfree_sensitive");
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	if (ZERO_OR_NULL_PTR(p))
		return kmalloc(new_size, gfp);
	if (!new_size) {
		do_kfree(p, _RET_IP_, "krealloc");
		return ZERO_SIZE_PTR;
	}
	size_t ks = ksize(p);
	if (!ks)
		return NULL;                    /* bad pointer, reported by ksize */
	if (new_size <= ks) {
		if ((gfp & __GFP_ZERO) && new_size < ks)
			memset((char *)p + new_size, 0, ks - new_size);
		kmalloc_asan_resize(p, new_size);
		return (void *)p;
	}
	void *n = __do_kmalloc_node(new_size, gfp & ~__GFP_ZERO, NUMA_NO_NODE, _RET_IP_);
	if (!n)
		return NULL;                    /* @p is untouched, as the kernel promises */
	memcpy(n, p, ks);
	if (gfp & __GFP_ZERO) {
		size_t nks = ksize(n);
		memset((char *)n + ks, 0, nks - ks);
		kmalloc_asan_resize(n, new_size);
	}
	do_kfree(p, _RET_IP_, "krealloc");
	return n;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	if (!s)
		return NULL;
	size_t len = strlen(s) + 1;
	char *p = __do_kmalloc_node(len, gfp, NUMA_NO_NODE, _RET_IP_);
	if (p)
		memcpy(p, s, len);
	return p;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, max);
	char *p = __do_kmalloc_node(len + 1, gfp, NUMA_NO_NODE, _RET_IP_);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* The kernel returns rodata strings as they are; we cannot know a string's lifetime, so we
 * always copy, and kfree_const() frees only what we returned. */
const char *kstrdup_const(const char *s, gfp_t gfp)
{
	return kstrdup(s, gfp);
}

void kfree_const(const void *p)
{
	if (virt_addr_valid(p))
		do_kfree(p, _RET_IP_, "kfree_const");
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = __do_kmalloc_node(len, gfp, NUMA_NO_NODE, _RET_IP_);
	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

/* kvmalloc_node - as mm/util.c: kmalloc, quietly and without retrying hard for more than a
 * page, then vmalloc (which needs GFP_KERNEL-compatible flags; others get kmalloc only). */
void *kvmalloc_node(size_t size, gfp_t gfp, int node)
{
	gfp_t kmalloc_flags = gfp;
	if ((gfp & GFP_KERNEL) != GFP_KERNEL)
		return __do_kmalloc_node(size, gfp, node, _RET_IP_);
	if (size > PAGE_SIZE) {
		kmalloc_flags |= __GFP_NOWARN;
		if (!(kmalloc_flags & __GFP_RETRY_MAYFAIL))
			kmalloc_flags |= __GFP_NORETRY;
		kmalloc_flags &= ~__GFP_NOFAIL;
	}
	void *p = __do_kmalloc_node(size, kmalloc_flags, node, _RET_IP_);
	if (p || size <= PAGE_SIZE)
		return p;
	if (size > INT_MAX)
		return NULL;
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, gfp, PAGE_KERNEL,
				    VM_ALLOW_HUGE_VMAP, node, (const void *)_RET_IP_);
}

void kvfree(const void *p)
{
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		do_kfree(p, _RET_IP_, "kvfree");
}

void kvfree_sensitive(const void *p, size_t len)
{
	if (!ZERO_OR_NULL_PTR(p))
		__builtin_memset((void *)p, 0, len);
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		do_kfree(p, _RET_IP_, "kvfree_sensitive");
}
