/* lib/slab/slab_asan.h - slab objects as AddressSanitizer sees them (ASan builds only).
 *
 * ASan knows glibc's heap, not ours: without help, a use after free or an overflow into a free
 * neighbour inside a slab page is an ordinary access to mapped memory. In builds with
 * -fsanitize=address (NUMAMM_SANITIZE=address, the fuzzers) the slab layer tells it what is
 * allocated through the manual poisoning interface (<sanitizer/asan_interface.h>), the way the
 * kernel's KASAN hooks do:
 *   - a new slab's slots are poisoned whole, except the word where SLUB keeps its free pointer;
 *   - an allocated object is unpoisoned for its object_size, so the slot's padding past it
 *     stays poisoned (a right red zone of 0..align-1 bytes); a kmalloc object only up to the
 *     size asked for (KASAN's kmalloc red zone), ksize() opens it up to the object size, as
 *     the kernel documents;
 *   - a freed object is poisoned again before any other thread can see it on a freelist;
 *   - a slab's pages are unpoisoned when they go back to the page allocator.
 * So ASan reports, with its usual stack traces, a read or write of a freed object, of a never
 * allocated slot, of a kmalloc object past its size, or of a slot's padding.
 *
 * To poison before an object is published, ASan builds route every allocation and free through
 * slab_common.c's checked slow entries: the caches get no inline fast path (s->fast is
 * SLAB_FAST_NONE; the per-CPU structures are still used by the back ends' own paths). Left out:
 * debug caches (slub_debug= does its own red zones and poison and reads freed objects to check
 * them), SLAB_TYPESAFE_BY_RCU caches (readers may legitimately read a freed object until the
 * grace period ends) and SLOB (its free blocks hold its list inside them). Elsewhere every
 * function here is empty and costs nothing.
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_ASAN_H
#define NUMAMM_LIB_SLAB_SLAB_ASAN_H

#include <stdbool.h>
#include <stddef.h>

#include "slab.h"

#include "../sanitize.h"

#define NMM_SLAB_ASAN NMM_ASAN

#if NMM_SLAB_ASAN

/* Does @s take part? (Not debug, not RCU-typesafe, not SLOB.) */
bool slab_asan_cache(const struct kmem_cache *s);
/* Poison slot of @obj whole but SLUB's free pointer word: a free object, or a new slab's slot. */
void slab_asan_poison_free(const struct kmem_cache *s, void *obj);
/* @obj handed out: addressable for @size bytes (object_size, or a kmalloc request). */
void slab_asan_unpoison(const struct kmem_cache *s, void *obj, size_t size);
/* Every slot of a new slab whose first slot starts at @base, @objects of them. */
void slab_asan_poison_new_slab(const struct kmem_cache *s, void *base, unsigned int objects);
/* A slab's pages leave for the page allocator: addressable again. */
static inline void slab_asan_release(void *addr, size_t bytes)
{
	ASAN_UNPOISON_MEMORY_REGION(addr, bytes);
}
#else
static inline bool slab_asan_cache(const struct kmem_cache *s) { (void)s; return false; }
static inline void slab_asan_poison_free(const struct kmem_cache *s, void *obj) { (void)s; (void)obj; }
static inline void slab_asan_unpoison(const struct kmem_cache *s, void *obj, size_t size)
{
	(void)s; (void)obj; (void)size;
}
static inline void slab_asan_poison_new_slab(const struct kmem_cache *s, void *base, unsigned int objects)
{
	(void)s; (void)base; (void)objects;
}
static inline void slab_asan_release(void *addr, size_t bytes) { (void)addr; (void)bytes; }
#endif

#endif
