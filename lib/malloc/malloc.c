/* lib/malloc/malloc.c - the malloc family over numamm, exported with glibc's names
 * (libnumamm-malloc.so; internal.h draws where each pointer comes from).
 *
 * Fast path: malloc(n <= 128 KiB) is kmalloc() — for n <= 8 KiB SLUB's per-CPU pop through rseq
 * from the calling CPU's node — behind one state test and the recursion guard; free() of an
 * arena pointer is kfree(), which proves the pointer is an object start before it frees it.
 * Everything else (boot, policies other than local, early heap, big sizes, glibc fallback, bad
 * pointers) is malloc_slow() / free_slow().
 *
 * errno as glibc sets it: ENOMEM for every failed allocation, EINVAL for bad alignments
 * (posix_memalign returns it instead). Sizes below 16 get 16 bytes: glibc's alignment.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "fault/fault.h"
#include "internal.h"
#include "mcache.h"

#define PAGE 4096UL
#define MALLOC_GFP (GFP_KERNEL | __GFP_NOWARN)
#define CALLER() __builtin_return_address(0)

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static inline size_t kmalloc_size(size_t n) { return n < MALLOC_ALIGNMENT ? MALLOC_ALIGNMENT : n; }

static inline bool fast_ok(void)
{
	return likely(__atomic_load_n(&malloc_state, __ATOMIC_RELAXED) == MALLOC_UP) && likely(!malloc_depth);
}

/* Out of the arena: numamm's allocation under the recursion guard. */
static void *arena_alloc(size_t n, gfp_t gfp)
{
	int node = malloc_node_for_alloc();
	malloc_depth++;
	void *p = node == NUMA_NO_NODE ? kmalloc(kmalloc_size(n), gfp)
				       : kmalloc_node(kmalloc_size(n), gfp | (malloc_cfg.policy == POLICY_BIND ?
									     __GFP_THISNODE : 0), node);
	malloc_depth--;
	return p;
}

/* Every allocation that is not the fast path: @align > 16 only from the memalign family. */
static noinline void *malloc_slow(size_t n, size_t align, bool zero, const void *caller)
{
	int st = __atomic_load_n(&malloc_state, __ATOMIC_ACQUIRE);
	if (st == MALLOC_DOWN && !malloc_depth) {
		malloc_boot();
		st = __atomic_load_n(&malloc_state, __ATOMIC_ACQUIRE);
	}
	/* fail_malloc: the program's allocations only (numamm's own go to the early heap). */
	if (nmm_fault_on(NMM_FAULT_MALLOC) && (st == MALLOC_UP || st == MALLOC_UP_POLICY) && !malloc_depth &&
	    nmm_should_fail(NMM_FAULT_MALLOC, n, (uintptr_t)caller, false)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p;
	if (st == MALLOC_LIBC && !malloc_depth) {
		p = align > MALLOC_ALIGNMENT ? __libc_memalign(align, n) : zero ? __libc_calloc(1, n)
										 : __libc_malloc(n);
	} else if ((st != MALLOC_UP && st != MALLOC_UP_POLICY) || malloc_depth) {
		p = early_alloc(n, align);          /* zeroed, fresh or reused */
	} else if (align > MALLOC_ALIGNMENT) {
		/* kmalloc objects of a power-of-two size are aligned to it (slabs and buddy blocks are
		 * naturally aligned); debug layouts (red zones) are not, so check and fall back. */
		size_t want = n > align ? n : align;
		p = NULL;
		if (want <= MALLOC_KMALLOC_MAX) {   /* (rounding a bigger @want up could shift by 64) */
			size_t pow2 = want <= 1 ? 1 : 1UL << (64 - __builtin_clzl(want - 1));
			p = arena_alloc(pow2, MALLOC_GFP);
			if (p && ((uintptr_t)p & (align - 1))) {
				kfree(p);
				p = NULL;
			}
		}
		if (!p)
			p = direct_alloc(n, align, zero);
		else if (zero)
			memset(p, 0, n);
	} else if (n > MALLOC_KMALLOC_MAX) {
		p = direct_alloc(n, PAGE, zero);
	} else {
		p = arena_alloc(n, MALLOC_GFP);
		if (p && zero)
			memset(p, 0, n);
	}
	if (unlikely(!p))
		errno = ENOMEM;
	return p;
}

/* malloc's path past the per-CPU cache: out of line, so malloc itself needs no stack frame. */
static noinline void *malloc_kmalloc(size_t n)
{
	malloc_depth++;
	void *p = kmalloc(kmalloc_size(n), MALLOC_GFP);
	malloc_depth--;
	if (likely(p))
		return p;
	errno = ENOMEM;
	return NULL;
}

void *malloc(size_t n)
{
	if (likely(fast_ok()) && likely(n <= MALLOC_KMALLOC_MAX)) {
		void *p;
		if (mcache_pop(kmalloc_size(n), &p))
			return p;
		return malloc_kmalloc(n);
	}
	return malloc_slow(n, 0, false, CALLER());
}

/* Which of ours is @p? 0 arena, 1 early, 2 direct, 3 libc's (numamm did not boot), 4 glibc's
 * heap while we are up (divert.c's fallback), -1 nobody's. */
enum owner { OWN_ARENA, OWN_EARLY, OWN_DIRECT, OWN_LIBC, OWN_LIBC_HEAP, OWN_NONE = -1 };

static enum owner owner_of(const void *p, size_t *len)
{
	if (virt_addr_valid(p))
		return OWN_ARENA;
	if (early_owns(p))
		return OWN_EARLY;
	if (direct_lookup(p, len))
		return OWN_DIRECT;
	if (__atomic_load_n(&malloc_state, __ATOMIC_ACQUIRE) == MALLOC_LIBC)
		return OWN_LIBC;
	if (libc_heap_owns(p))
		return OWN_LIBC_HEAP;
	return OWN_NONE;
}

void malloc_bad_pointer(const char *fn, const void *p, const void *caller)
{
	if (!malloc_cfg.debug) {
		/* glibc's words and glibc's end: the heap may be corrupt past this point */
		fprintf(stderr, "%s(): invalid pointer\n", fn);
		abort();
	}
	Dl_info di;
	malloc_depth++;
	int found = caller && dladdr(caller, &di) && di.dli_fname;
	malloc_depth--;
	if (found)
		fprintf(stderr, "numamm-malloc: %s(%p): invalid pointer (not returned by this malloc), "
			"called from %p (%s%s%s+%#lx); ignored (NUMAMM_MALLOC_DEBUG=1)\n", fn, p, caller,
			di.dli_fname, di.dli_sname ? ":" : "", di.dli_sname ? di.dli_sname : "",
			(unsigned long)((const char *)caller -
					(const char *)(di.dli_sname ? di.dli_saddr : di.dli_fbase)));
	else
		fprintf(stderr, "numamm-malloc: %s(%p): invalid pointer (not returned by this malloc), "
			"called from %p; ignored (NUMAMM_MALLOC_DEBUG=1)\n", fn, p, caller);
}

/* A free the per-CPU cache's key caught (mcache.h): glibc's tcache words and glibc's end. */
void malloc_double_free(const void *p, const void *caller)
{
	(void)caller;
	fprintf(stderr, "free(): double free detected (%p)\n", p);
	abort();
}

static noinline void free_slow(void *p, const void *caller)
{
	switch (owner_of(p, NULL)) {
	case OWN_ARENA:
		kfree(p);
		return;
	case OWN_EARLY:
		switch (early_free(p)) {
		case EARLY_FREED:
			return;
		case EARLY_FREE_TWICE:
			malloc_double_free(p, caller);
			return;
		case EARLY_FREE_BAD:
			malloc_bad_pointer("free", p, caller);
			return;
		}
		return;
	case OWN_DIRECT:
		direct_free(p);
		return;
	case OWN_LIBC:
	case OWN_LIBC_HEAP:
		__libc_free(p);
		return;
	case OWN_NONE:
		malloc_bad_pointer("free", p, caller);
		return;
	}
}

/* Every 64th free of a page-aligned arena block (large kmallocs, the first object of a slab) and
 * every 64th bulk flush of a full magazine looks whether free memory grew enough to give pages
 * back to the OS. */
static __thread unsigned int trim_ticks;

static void trim_tick(void)
{
	if (!(++trim_ticks & 63) && !malloc_depth) {
		malloc_depth++;
		malloc_maybe_trim();
		malloc_depth--;
	}
}

static noinline void free_aligned(void *p)
{
	kfree(p);
	trim_tick();
}

/* An arena pointer mcache_push declined: kfree, the page-aligned ones through free_aligned. */
static __always_inline void free_arena(void *p)
{
	if (unlikely(!((uintptr_t)p & (PAGE - 1))))
		free_aligned(p);
	else
		kfree(p);
}

/* @p carried mc_key: report it if a magazine holds it, else free it the ordinary way. */
static noinline void free_keyed(void *p, const void *caller)
{
	if (!mcache_double_free(p, caller))
		free_arena(p);
}

/* @p met a full magazine: make room in bulk (mcache_flush_push), else free it the ordinary way. */
static noinline void free_full(void *p, struct kmem_cache *s)
{
	if (mcache_flush_push(p, s))
		trim_tick();
	else
		free_arena(p);
}

/* One struct page read serves mcache_push (kfree reads it again for SLUB); every call is a tail
 * call, so the fast path has no stack frame. */
void free(void *p)
{
	struct page *page;
	struct kmem_cache *s = nmm_linear_slab_cache(p, &page);
	if (likely(s)) {
		enum mc_push r = mcache_push(p, s, page);
		if (likely(r == MC_PUSHED))
			return;
		if (unlikely(r == MC_KEYED)) {
			free_keyed(p, CALLER());
			return;
		}
		if (r == MC_FULL) {
			free_full(p, s);
			return;
		}
		free_arena(p);
		return;
	}
	if (virt_addr_valid(p)) {       /* a large kmalloc's pages, or a bad pointer kfree reports */
		free_arena(p);
		return;
	}
	if (p)
		free_slow(p, CALLER());
}

void *calloc(size_t nmemb, size_t size)
{
	size_t n;
	if (unlikely(__builtin_mul_overflow(nmemb, size, &n))) {
		errno = ENOMEM;
		return NULL;
	}
	if (likely(fast_ok()) && likely(n <= MALLOC_KMALLOC_MAX)) {
		void *p;
		if (mcache_pop(kmalloc_size(n), &p))
			return memset(p, 0, n);      /* a cached object is as dirty as its last user left it */
		malloc_depth++;
		p = kmalloc(kmalloc_size(n), MALLOC_GFP);
		malloc_depth--;
		if (likely(p))
			return memset(p, 0, n);
		errno = ENOMEM;
		return NULL;
	}
	return malloc_slow(n, 0, true, CALLER());
}

size_t malloc_usable_size(void *p)
{
	size_t len = 0;
	if (!p)
		return 0;
	switch (owner_of(p, &len)) {
	case OWN_ARENA:
		return ksize(p);
	case OWN_EARLY:
		return early_usable_size(p);
	case OWN_DIRECT:
		return len;
	case OWN_LIBC: {
		static size_t (*libc_usable)(void *);
		if (!libc_usable)
			libc_usable = (size_t (*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
		return libc_usable ? libc_usable(p) : 0;
	}
	case OWN_LIBC_HEAP:
		return libc_heap_usable_size(p);
	case OWN_NONE:
		malloc_bad_pointer("malloc_usable_size", p, CALLER());
		return 0;
	}
	return 0;
}

/* Move @p (@old usable bytes) to a new block of @n bytes. */
static void *realloc_move(void *p, size_t old, size_t n)
{
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	free(p);
	return q;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (!n) {
		free(p);                            /* glibc: realloc(p, 0) frees and returns NULL */
		return NULL;
	}
	size_t len = 0, old;
	switch (owner_of(p, &len)) {
	case OWN_ARENA:
		old = ksize(p);
		if (!old) {
			malloc_bad_pointer("realloc", p, CALLER());
			return NULL;
		}
		/* in place while it fits and does not waste more than half the block */
		if (n <= old && (n > old / 2 || old <= 2 * MALLOC_ALIGNMENT))
			return p;
		return realloc_move(p, old, n);
	case OWN_EARLY:
		old = early_usable_size(p);
		if (!old) {
			malloc_bad_pointer("realloc", p, CALLER());
			return NULL;
		}
		if (n <= old)
			return p;
		return realloc_move(p, old, n);
	case OWN_DIRECT:
		if (n > MALLOC_KMALLOC_MAX) {
			if (nmm_fault_on(NMM_FAULT_MALLOC) && !malloc_depth &&
			    nmm_should_fail(NMM_FAULT_MALLOC, n, (uintptr_t)CALLER(), false)) {
				errno = ENOMEM;
				return NULL;
			}
			void *q = direct_realloc(p, n);
			if (!q)
				errno = ENOMEM;
			return q;
		}
		return realloc_move(p, len, n);
	case OWN_LIBC:
		return __libc_realloc(p, n);
	case OWN_LIBC_HEAP: {
		/* into our heap: glibc's serves only what cannot reach ours */
		void *q = malloc(n);
		if (!q)
			return NULL;
		old = libc_heap_usable_size(p);
		memcpy(q, p, old < n ? old : n);
		__libc_free(p);
		return q;
	}
	case OWN_NONE:
		malloc_bad_pointer("realloc", p, CALLER());
		return NULL;
	}
	return NULL;
}

void *reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;
	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n);
}

static void *aligned_slow(size_t align, size_t n, const void *caller)
{
	if (align <= MALLOC_ALIGNMENT)
		align = 0;
	if (n > SIZE_MAX - align) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc_slow(n, align, false, caller);
}

void *memalign(size_t align, size_t n)
{
	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (align & (align - 1))                    /* glibc rounds up to a power of two */
		align = 1UL << (64 - __builtin_clzl(align));
	return aligned_slow(align, n, CALLER());
}

void *aligned_alloc(size_t align, size_t n)
{
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return aligned_slow(align, n, CALLER());
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	int saved = errno;
	void *p = aligned_slow(align, n, CALLER());
	if (!p)
		return ENOMEM;
	errno = saved;
	*out = p;
	return 0;
}

void *valloc(size_t n) { return aligned_slow(PAGE, n, CALLER()); }

void *pvalloc(size_t n)
{
	if (n > SIZE_MAX - PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	return aligned_slow(PAGE, (n + PAGE - 1) & ~(PAGE - 1), CALLER());
}

MALLOC_SELF_ALIAS(malloc);
MALLOC_SELF_ALIAS(free);
MALLOC_SELF_ALIAS(calloc);
MALLOC_SELF_ALIAS(realloc);
MALLOC_SELF_ALIAS(reallocarray);
MALLOC_SELF_ALIAS(memalign);
MALLOC_SELF_ALIAS(aligned_alloc);
MALLOC_SELF_ALIAS(posix_memalign);
MALLOC_SELF_ALIAS(valloc);
MALLOC_SELF_ALIAS(pvalloc);
MALLOC_SELF_ALIAS(malloc_usable_size);
