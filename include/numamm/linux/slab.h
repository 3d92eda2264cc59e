/* linux/slab.h - the object allocator: kmem_cache and the kmalloc family, with Linux 6.1's
 * names, signatures and flag values.
 *
 * One API, three back ends chosen at boot with `slab=slub|slab|slob` (default SLUB), so the
 * same binary can compare them. Caches are created and destroyed in process context; alloc and
 * free may be called from any thread. A GFP mask without __GFP_DIRECT_RECLAIM (GFP_ATOMIC,
 * GFP_NOWAIT) never sleeps; GFP_KERNEL may run reclaim when the page allocator is short.
 *
 * Bad calls are caught and reported on stderr in the kernel's words, never corrupting anything:
 * freeing to the wrong cache, a pointer that is not an object start, a pointer numamm never
 * returned, and (with debug flags, or `slub_debug=` at boot) double frees, redzone overwrites
 * and use after free, each naming the cache, the object and the call sites.
 */
#ifndef NUMAMM_LINUX_SLAB_H
#define NUMAMM_LINUX_SLAB_H

#include <string.h>

#include "../ktypes.h"
#include "compiler.h"
#include "gfp.h"
#include "numa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags to kmem_cache_create() (Linux 6.1 values). DEBUG flags turn on the checks in the
 * header comment for one cache; `slub_debug=` turns them on for all. */
#define SLAB_CONSISTENCY_CHECKS ((slab_flags_t)0x00000100U) /* DEBUG: checks on alloc/free */
#define SLAB_RED_ZONE           ((slab_flags_t)0x00000400U) /* DEBUG: red zones around objects */
#define SLAB_POISON             ((slab_flags_t)0x00000800U) /* DEBUG: poison free objects */
#define SLAB_KMALLOC            ((slab_flags_t)0x00001000U) /* a kmalloc-* cache */
#define SLAB_HWCACHE_ALIGN      ((slab_flags_t)0x00002000U) /* align objects on cache lines */
#define SLAB_CACHE_DMA          ((slab_flags_t)0x00004000U) /* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32        ((slab_flags_t)0x00008000U) /* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER         ((slab_flags_t)0x00010000U) /* DEBUG: record alloc/free sites */
#define SLAB_RECLAIM_ACCOUNT    ((slab_flags_t)0x00020000U) /* objects are reclaimable */
#define SLAB_PANIC              ((slab_flags_t)0x00040000U) /* abort() if creation fails */
#define SLAB_TYPESAFE_BY_RCU    ((slab_flags_t)0x00080000U) /* slab pages freed after a grace period */
#define SLAB_MEM_SPREAD         ((slab_flags_t)0x00100000U) /* accepted, no effect */
#define SLAB_TRACE              ((slab_flags_t)0x00200000U) /* accepted: use the USDT probes */
#define SLAB_DEBUG_OBJECTS      ((slab_flags_t)0x00400000U) /* accepted, no effect */
#define SLAB_NOLEAKTRACE        ((slab_flags_t)0x00800000U) /* accepted, no effect */
#define SLAB_FAILSLAB           ((slab_flags_t)0x02000000U) /* fault injection may fail it */
#define SLAB_ACCOUNT            ((slab_flags_t)0x04000000U) /* accepted (no memcg) */
#define SLAB_KASAN              ((slab_flags_t)0x08000000U) /* accepted, no effect */
#define SLAB_NO_USER_FLAGS      ((slab_flags_t)0x10000000U) /* ignore slub_debug= for this cache */

/* ZERO_SIZE_PTR: what kmalloc(0) returns; kfree() accepts it. Dereferencing it faults. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define ARCH_KMALLOC_MINALIGN  8
#define ARCH_SLAB_MINALIGN     8
#define KMALLOC_MIN_SIZE       8
#define KMALLOC_SHIFT_LOW      3
#define KMALLOC_SHIFT_HIGH     (PAGE_SHIFT + 1)                /* kmalloc-8k is the largest cache */
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_SHIFT_MAX      (MAX_ORDER + PAGE_SHIFT)         /* largest kmalloc: one buddy block */
#define KMALLOC_MAX_SIZE       (1UL << KMALLOC_SHIFT_MAX)
#define KMALLOC_MAX_ORDER      (KMALLOC_SHIFT_MAX - PAGE_SHIFT)

struct kmem_cache;

/**
 * kmem_cache_create - create a cache of objects of one size.
 * @name: shown in slabinfo and reports (the string is copied)
 * @size: object size in bytes (> 0)
 * @align: required alignment (0 or a power of two), raised to ARCH_SLAB_MINALIGN
 * @flags: SLAB_* flags
 * @ctor: constructor run on each object when its slab is created (not on every allocation,
 *        except under SLOB, which runs it on every allocation as the kernel's SLOB did), or NULL
 *
 * Caches with the same size class, alignment and mergeable flags and no constructor share one
 * cache (as the kernel merges them; boot with `slab_nomerge` to keep them apart).
 * Context: process context; may sleep.
 * Return: the cache, or NULL (with a message) for a bad argument or no memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));
/* kmem_cache_create_usercopy - as kmem_cache_create, with the user-copyable window
 * [@useroffset, @useroffset + @usersize) of the object recorded (and checked to lie inside it). */
struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size, unsigned int align,
					      slab_flags_t flags, unsigned int useroffset,
					      unsigned int usersize, void (*ctor)(void *));
/**
 * kmem_cache_destroy - destroy a cache.
 * @s: the cache, or NULL
 *
 * With live objects left, reports them (with their allocation call sites when the cache stores
 * users, e.g. `slub_debug=U`), keeps the cache and its slabs so nothing is corrupted, and
 * returns; later frees of those objects still work.
 * Context: process context; no concurrent use of @s.
 */
void kmem_cache_destroy(struct kmem_cache *s);
/* kmem_cache_shrink - give empty slabs back to the page allocator. Return: 0. */
int kmem_cache_shrink(struct kmem_cache *s);
/* kmem_cache_size - the usable size of @s's objects. */
unsigned int kmem_cache_size(struct kmem_cache *s);
const char *kmem_cache_name(const struct kmem_cache *s);

/**
 * kmem_cache_alloc - allocate an object from @s.
 * @gfp: GFP mask: __GFP_ZERO zeroes it; without __GFP_DIRECT_RECLAIM it never sleeps
 * Return: the object, or NULL when the page allocator cannot give a new slab.
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp) __attribute__((__malloc__));
/* kmem_cache_alloc_node - as kmem_cache_alloc, the object from node @node (NUMA_NO_NODE: the
 * calling CPU's node; with __GFP_THISNODE, only @node). */
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node) __attribute__((__malloc__));
/* kmem_cache_free - free @obj to @s. NULL is ignored; a wrong cache is reported, not freed. */
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* kmem_cache_alloc_bulk - allocate @size objects into @p. Return: @size, or 0 (none kept). */
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

#define KMEM_CACHE(__struct, __flags)                                                          \
	kmem_cache_create(#__struct, sizeof(struct __struct), __alignof__(struct __struct), (__flags), NULL)
#define KMEM_CACHE_USERCOPY(__struct, __flags, __field)                                        \
	kmem_cache_create_usercopy(#__struct, sizeof(struct __struct), __alignof__(struct __struct), \
				   (__flags), __builtin_offsetof(struct __struct, __field),    \
				   sizeof(((struct __struct *)0)->__field), NULL)

/* The kmalloc family. Sizes up to KMALLOC_MAX_CACHE_SIZE come from the kmalloc-* caches (8, 16,
 * 32, 64, 96, 128, 192, 256, ... 8k; dma-kmalloc-* for GFP_DMA, kmalloc-dma32-* for GFP_DMA32),
 * larger ones straight from the page allocator, up to KMALLOC_MAX_SIZE. */
void *kmalloc(size_t size, gfp_t gfp) __attribute__((__malloc__, __alloc_size__(1)));
void *kmalloc_node(size_t size, gfp_t gfp, int node) __attribute__((__malloc__, __alloc_size__(1)));
void *krealloc(const void *p, size_t new_size, gfp_t gfp) __attribute__((__alloc_size__(2)));
/* kfree - free what the kmalloc family returned. NULL and ZERO_SIZE_PTR are fine; a pointer
 * numamm never returned is reported and left alone. */
void kfree(const void *p);
/* kfree_sensitive - zero the whole object (its ksize()), then free it. */
void kfree_sensitive(const void *p);
/* ksize - bytes usable at @p (the size class, at least the size asked for); 0 for NULL. */
size_t ksize(const void *p);

static inline void *kzalloc(size_t size, gfp_t gfp) { return kmalloc(size, gfp | __GFP_ZERO); }
static inline void *kzalloc_node(size_t size, gfp_t gfp, int node)
{
	return kmalloc_node(size, gfp | __GFP_ZERO, node);
}
/* kmalloc_array - @n * @size bytes; NULL when the product overflows. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}
static inline void *kmalloc_array_node(size_t n, size_t size, gfp_t gfp, int node)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc_node(bytes, gfp, node);
}
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}
static inline void *kcalloc_node(size_t n, size_t size, gfp_t gfp, int node)
{
	return kmalloc_array_node(n, size, gfp | __GFP_ZERO, node);
}
/* krealloc_array - krealloc to @n * @size bytes; NULL (and @p untouched) on overflow. */
static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return krealloc(p, bytes, gfp);
}

char *kstrdup(const char *s, gfp_t gfp) __attribute__((__malloc__));
char *kstrndup(const char *s, size_t max, gfp_t gfp) __attribute__((__malloc__));
const char *kstrdup_const(const char *s, gfp_t gfp);
void kfree_const(const void *p);
void *kmemdup(const void *src, size_t len, gfp_t gfp) __attribute__((__alloc_size__(2)));

/* kvmalloc - kmalloc, falling back to vmalloc for large sizes once the vmalloc layer can take
 * them; kvfree frees either. */
void *kvmalloc_node(size_t size, gfp_t gfp, int node) __attribute__((__alloc_size__(1)));
static inline void *kvmalloc(size_t size, gfp_t gfp) { return kvmalloc_node(size, gfp, NUMA_NO_NODE); }
static inline void *kvzalloc(size_t size, gfp_t gfp) { return kvmalloc(size, gfp | __GFP_ZERO); }
static inline void *kvzalloc_node(size_t size, gfp_t gfp, int node)
{
	return kvmalloc_node(size, gfp | __GFP_ZERO, node);
}
static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, gfp);
}
static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kvmalloc_array(n, size, gfp | __GFP_ZERO);
}
void kvfree(const void *p);
void kvfree_sensitive(const void *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif
