/* lib/malloc/internal.h - the drop-in malloc's pieces and how they fit (libnumamm-malloc.so).
 *
 * Where a pointer comes from, decided by address alone (free, realloc, malloc_usable_size):
 *   arena   virt_addr_valid(p): kmalloc memory — the kmalloc-16 … kmalloc-8k caches (SLUB's
 *           per-CPU rseq fast path) and, up to MALLOC_KMALLOC_MAX, compound pages from the buddy
 *           allocator; kfree() frees both and reports anything that is not an object start.
 *   early   inside the early heap (early.c): allocations made before numamm is up and any made
 *           from inside numamm itself (hwloc/libnuma at boot, pthread_create's TLS for kswapd,
 *           lazily created kmalloc caches) — the role memblock plays at kernel boot, for the
 *           window before the arena (and so memblock) exists. Never freed: counted.
 *   direct  in the direct-mapping registry (direct.c): sizes above MALLOC_KMALLOC_MAX, each its
 *           own mmap, munmap'ed on free (RSS drops at once), mremap'ed by realloc.
 *   libc    numamm could not boot: glibc's own allocator serves everything (__libc_malloc),
 *           after one line on stderr saying why.
 *   glibc's heap  only when glibc's entry points could not be diverted (divert.c): a library
 *           bound to them (RTLD_DEEPBIND) allocated it from the brk range; back to glibc.
 *   else    a pointer none of us returned: "free(): invalid pointer" (glibc's words) and abort,
 *           or with NUMAMM_MALLOC_DEBUG=1 the report with the caller, and the call ignored.
 *
 * Recursion: malloc_depth counts this thread's calls into numamm; an allocation while it is
 * non-zero (numamm's own code calling malloc) goes to the early heap, so no numamm lock is ever
 * taken twice.
 */
#ifndef NUMAMM_LIB_MALLOC_INTERNAL_H
#define NUMAMM_LIB_MALLOC_INTERNAL_H

#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define MALLOC_ALIGNMENT 16                    /* glibc's on x86-64: max_align_t */
#define MALLOC_KMALLOC_MAX (128UL << 10)       /* larger sizes: one mmap each (direct.c) */

enum malloc_state {
	MALLOC_DOWN,                           /* numamm not booted yet */
	MALLOC_BOOTING,                        /* one thread boots; the early heap serves the rest */
	MALLOC_UP,                             /* the fast path: local policy */
	MALLOC_UP_POLICY,                      /* up, interleave/bind: every allocation slow */
	MALLOC_LIBC,                           /* numamm could not boot */
};

extern int malloc_state;                       /* enum malloc_state, atomic */
extern __thread int malloc_depth __attribute__((tls_model("initial-exec"), visibility("hidden")));

/* config.c: NUMAMM_MALLOC_BOOT, NUMAMM_POLICY, NUMAMM_MALLOC_DEBUG, NUMAMM_STATS,
 * NUMAMM_MALLOC_PATCH_LIBC */
enum malloc_policy { POLICY_LOCAL, POLICY_INTERLEAVE, POLICY_BIND };
struct malloc_config {
	enum malloc_policy policy;
	int bind_node;
	bool debug;                            /* report bad frees with the caller, keep running */
	bool stats_at_exit;
	bool patch_libc;                       /* divert glibc's entry points (divert.c) */
};
extern struct malloc_config malloc_cfg;
void malloc_boot(void);                        /* state DOWN -> UP (or LIBC); any thread */
static inline bool malloc_is_up(void)
{
	int st = __atomic_load_n(&malloc_state, __ATOMIC_ACQUIRE);
	return st == MALLOC_UP || st == MALLOC_UP_POLICY;
}
void malloc_maybe_trim(void);                      /* free memory grew past the threshold? */

/* early.c */
void *early_alloc(size_t size, size_t align);
bool early_owns(const void *p);
size_t early_usable_size(const void *p);
/* early_free - back to its size's free list; a double free or a pointer that is not a block's
 * start is refused (the caller reports it, glibc's way). */
enum early_free_result { EARLY_FREED, EARLY_FREE_TWICE, EARLY_FREE_BAD };
enum early_free_result early_free(void *p);
/* bytes: carved from the early heap so far (it never shrinks); in_use: in live blocks. */
struct early_stats { size_t bytes, in_use, allocs, frees, reused; };
void early_get_stats(struct early_stats *st);

/* direct.c */
void *direct_alloc(size_t size, size_t align, bool zero);
bool direct_lookup(const void *p, size_t *len);   /* len: the mapping's bytes */
int direct_free(void *p);                          /* 0, or -ENOENT when not ours */
void *direct_realloc(void *p, size_t size);        /* NULL: failed, @p untouched */
struct direct_stats { size_t nr, bytes, peak_bytes; };
void direct_get_stats(struct direct_stats *st);
void direct_atfork_prepare(void);
void direct_atfork_parent(void);
void direct_atfork_child(void);

/* malloc.c */
void malloc_bad_pointer(const char *fn, const void *p, const void *caller);
void malloc_double_free(const void *p, const void *caller);
int malloc_node_for_alloc(void);                   /* NUMA_NO_NODE for the local policy */

size_t malloc_release_free_pages(void);            /* config.c: bytes given back to the OS */

/* Our exported entry points under names bound inside this object (aliases in malloc.c and
 * config.c), so divert.c points glibc's at ours even when something else interposes malloc. */
#if __has_attribute(copy)
#define MALLOC_COPY(fn) __attribute__((copy(fn)))   /* gcc: the entry point's attributes too */
#else
#define MALLOC_COPY(fn)                             /* clang (the fuzz build) has no copy */
#endif
#define MALLOC_SELF(fn) extern __typeof(fn) malloc_self_##fn __attribute__((visibility("hidden"))) MALLOC_COPY(fn)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"   /* mallinfo: we export it all the same */
MALLOC_SELF(malloc); MALLOC_SELF(free); MALLOC_SELF(calloc); MALLOC_SELF(realloc);
MALLOC_SELF(reallocarray); MALLOC_SELF(memalign); MALLOC_SELF(aligned_alloc);
MALLOC_SELF(posix_memalign); MALLOC_SELF(valloc); MALLOC_SELF(pvalloc);
MALLOC_SELF(malloc_usable_size); MALLOC_SELF(malloc_trim); MALLOC_SELF(mallinfo);
MALLOC_SELF(mallinfo2); MALLOC_SELF(malloc_stats);
#pragma GCC diagnostic pop
/* alias(MALLOC_STR(fn)): the name @fn stands for (dropin_names.h renames the family) */
#define MALLOC_STR_(x) #x
#define MALLOC_STR(x) MALLOC_STR_(x)
#define MALLOC_SELF_ALIAS(fn) extern __typeof(fn) malloc_self_##fn __attribute__((alias(MALLOC_STR(fn)))) MALLOC_COPY(fn)

/* divert.c: glibc's malloc entry points jump to ours (or, failing that, glibc's brk heap is
 * recognised); called by malloc_boot once numamm is up. */
void malloc_divert_libc(void);
extern bool malloc_libc_diverted;
bool libc_heap_owns(const void *p);                /* fallback only: in glibc's brk heap */
size_t libc_heap_usable_size(void *p);

#endif
