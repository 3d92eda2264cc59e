/* lib/highmem/kmap_local.c - kmap_local_page()/kunmap_local() and kmap_atomic() (mm/highmem.c:
 * __kmap_local_pfn_prot, kunmap_local_indexed).
 *
 * DOC: kmap_local
 * Each thread owns a window of KM_MAX_IDX slots (reserved at its first highmem kmap_local) and
 * uses it as a stack: kmap_local_page() maps into slot `depth` and pushes, kunmap_local() pops.
 * No lock, no waiting: only the owning thread touches its stack. The window's bounds live in
 * two __thread variables so kunmap_local() of a lowmem address is one compare, inline.
 *
 * Each slot remembers the chunk it maps and keeps it after kunmap_local (lazy flush), so a
 * thread that maps the same page again at the same depth does no system call; a different
 * chunk is one mmap(MAP_FIXED) over the old one. A stale slot is therefore readable after
 * kunmap_local until reused: a use-after-unmap bug reads the right page instead of faulting.
 *
 * Release out of order (kmap A, kmap B, kunmap A) is reported; A is marked released and
 * popped when B is unmapped, so the stack recovers. (The kernel warns and pops the top.)
 *
 * Windows are linked on a registry so shutdown can drop every thread's mappings (they hold
 * the node memfds alive); a thread notices through nmm_highmem_gen and starts again. A
 * thread's window is unmapped when the thread exits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

struct kmap_local_ctx {
	char *base;                      /* KM_MAX_IDX slots of slot_size; written under registry_lock */
	size_t slot_size;
	unsigned long gen;               /* nmm_highmem_gen when the stack was last valid */
	int depth;                       /* slots in use: 0..KM_MAX_IDX */
	uint64_t key[KM_MAX_IDX];        /* chunk each slot maps, NMM_HIGHMEM_NO_KEY when none */
	bool released[KM_MAX_IDX];       /* unmapped out of order, waiting for the slots above */
	struct kmap_local_ctx *next, *prev;
};

__thread uintptr_t nmm_kmap_local_base;
__thread size_t nmm_kmap_local_len;
static __thread struct kmap_local_ctx *kctx;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmap_local_ctx *registry;
static pthread_key_t ctx_key;
static pthread_once_t ctx_key_once = PTHREAD_ONCE_INIT;

unsigned long nmm_kmap_local_maps, nmm_kmap_local_bad_unmaps;

/* Thread exit: the window goes with the thread. */
static void kmap_local_ctx_free(void *arg)
{
	struct kmap_local_ctx *c = arg;
	pthread_mutex_lock(&registry_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		registry = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->base)
		munmap(c->base, KM_MAX_IDX * c->slot_size);
	pthread_mutex_unlock(&registry_lock);
	free(c);
	kctx = NULL;
	nmm_kmap_local_base = 0;
	nmm_kmap_local_len = 0;
}

static void ctx_key_create(void)
{
	pthread_key_create(&ctx_key, kmap_local_ctx_free);
}

/* First use by this thread, or first use since a shutdown: (re)build the window. */
static noinline struct kmap_local_ctx *kmap_local_ctx_slow(struct kmap_local_ctx *c)
{
	pthread_once(&ctx_key_once, ctx_key_create);
	pthread_mutex_lock(&registry_lock);
	size_t ss = nmm_highmem_slot_size();
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			pthread_mutex_unlock(&registry_lock);
			fprintf(stderr, "numamm: highmem: kmap_local: out of memory for the thread's stack\n");
			return NULL;
		}
		c->next = registry;
		if (registry)
			registry->prev = c;
		registry = c;
		pthread_setspecific(ctx_key, c);
		kctx = c;
	}
	if (c->base && c->slot_size != ss) {
		munmap(c->base, KM_MAX_IDX * c->slot_size);
		c->base = NULL;
	}
	if (!c->base) {
		c->base = nmm_highmem_reserve(KM_MAX_IDX * ss, ss);
		if (!c->base) {
			pthread_mutex_unlock(&registry_lock);
			fprintf(stderr, "numamm: highmem: kmap_local: cannot reserve %d slots of %zu KiB\n",
				KM_MAX_IDX, ss >> 10);
			return NULL;
		}
		c->slot_size = ss;
	}
	c->gen = __atomic_load_n(&nmm_highmem_gen, __ATOMIC_RELAXED);
	c->depth = 0;
	for (int i = 0; i < KM_MAX_IDX; i++) {
		c->key[i] = NMM_HIGHMEM_NO_KEY;
		c->released[i] = false;
	}
	nmm_kmap_local_base = (uintptr_t)c->base;
	nmm_kmap_local_len = KM_MAX_IDX * c->slot_size;
	pthread_mutex_unlock(&registry_lock);
	return c;
}

static inline struct kmap_local_ctx *kmap_local_ctx(void)
{
	struct kmap_local_ctx *c = kctx;
	if (likely(c && c->gen == __atomic_load_n(&nmm_highmem_gen, __ATOMIC_RELAXED)))
		return c;
	return kmap_local_ctx_slow(c);
}

/**
 * __kmap_local_high - push a highmem page on this thread's kmap_local stack.
 * @page: a ZONE_HIGHMEM page
 *
 * Context: any; never sleeps.
 * Return: its address, or NULL (reported) when the stack is full or the page cannot be mapped.
 */
void *__kmap_local_high(struct page *page)
{
	struct kmap_local_ctx *c = kmap_local_ctx();
	if (unlikely(!c))
		return NULL;
	int d = c->depth;
	if (unlikely(d >= KM_MAX_IDX)) {
		fprintf(stderr, "numamm: highmem: kmap_local: all %d slots of this thread are in use\n",
			KM_MAX_IDX);
		return NULL;
	}
	struct nmm_highmem_chunk ch;
	if (unlikely(nmm_highmem_chunk_of(page, &ch))) {
		fprintf(stderr, "numamm: highmem: kmap_local: page %p (pfn %#lx) is not highmem of a booted node\n",
			(void *)page, page_to_pfn(page));
		return NULL;
	}
	char *slot = c->base + (size_t)d * c->slot_size;
	if (c->key[d] != ch.key) {
		c->key[d] = NMM_HIGHMEM_NO_KEY;
		int e = nmm_highmem_map_chunk(slot, c->slot_size, &ch);
		if (e) {
			fprintf(stderr, "numamm: highmem: kmap_local: cannot map pfn %#lx: %s\n",
				page_to_pfn(page), strerror(-e));
			return NULL;
		}
		c->key[d] = ch.key;
		__atomic_fetch_add(&nmm_kmap_local_maps, 1, __ATOMIC_RELAXED);
	}
	c->released[d] = false;
	c->depth = d + 1;
	return slot + ch.inner;
}

/**
 * __kunmap_local_high - pop a mapping of this thread's kmap_local stack.
 * @addr: an address inside a slot of the thread's window
 *
 * Context: any; never sleeps.
 */
void __kunmap_local_high(const void *addr)
{
	struct kmap_local_ctx *c = kctx;
	size_t i = ((uintptr_t)addr - nmm_kmap_local_base) / (nmm_kmap_local_len / KM_MAX_IDX);
	if (!c || c->gen != __atomic_load_n(&nmm_highmem_gen, __ATOMIC_RELAXED) ||
	    i >= (size_t)c->depth || c->released[i]) {
		__atomic_fetch_add(&nmm_kmap_local_bad_unmaps, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "numamm: WARNING: kunmap_local: %p is not mapped\n", addr);
		return;
	}
	if (i != (size_t)c->depth - 1) {
		__atomic_fetch_add(&nmm_kmap_local_bad_unmaps, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "numamm: WARNING: kunmap_local: out of order: %p is slot %zu, the last "
			"mapped is slot %d\n", addr, i, c->depth - 1);
		c->released[i] = true;
		return;
	}
	int d = c->depth - 1;
	while (d > 0 && c->released[d - 1])
		c->released[--d] = false;
	c->depth = d;
}

int nmm_kmap_local_depth(void)
{
	struct kmap_local_ctx *c = kctx;
	if (!c || c->gen != __atomic_load_n(&nmm_highmem_gen, __ATOMIC_RELAXED))
		return 0;
	return c->depth;
}

void nmm_kmap_local_release(void)
{
	pthread_mutex_lock(&registry_lock);
	__atomic_fetch_add(&nmm_highmem_gen, 1, __ATOMIC_RELAXED);
	for (struct kmap_local_ctx *c = registry; c; c = c->next)
		if (c->base)
			nmm_highmem_unmap_keep(c->base, KM_MAX_IDX * c->slot_size);
	pthread_mutex_unlock(&registry_lock);
}
