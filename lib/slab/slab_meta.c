/* lib/slab/slab_meta.c - memory for the slab back ends' own metadata: struct kmem_cache, SLUB's
 * per-cache private part, debug quarantines, SLAB's per-node blocks and array caches.
 *
 * A cache needs a few hundred bytes of it. Whole pages per request cost the 26 kmalloc caches
 * of every boot 78 pages (312 KiB of RSS in each process preloading the malloc). So a request
 * of at most half a page with no node to honour is carved from shared pages instead: chunks of
 * a power-of-two size (64 B .. 2 KiB), one size per page, free chunks linked inside the page,
 * pages kept per node (a node-bound request gets memory of its node; one with no node, of the
 * calling CPU's node). A page goes back to the page allocator when its last chunk is freed, so
 * creating and destroying caches leaves free memory where it was. Larger requests get whole
 * pages (alloc_pages_exact_nid), as before.
 *
 * The page's own fields hold the state (it is not a slab page, so kfree and ksize refuse it):
 * mapping = first free chunk, index = chunks in use, private = META_TAG | size class, lru = the
 * node's list of pages of that class with a free chunk. One mutex, a leaf (the page allocator
 * is called outside it; fork takes it last, nmm_fork_prepare); callers are process context
 * (cache creation and destruction), never a fast path.
 */
#include <pthread.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>

#include "slab.h"

#define META_MIN_SHIFT 6
#define META_CLASSES 6                         /* 64 B << 0 .. 5 = 2 KiB */
#define META_MAX (1UL << (META_MIN_SHIFT + META_CLASSES - 1))
#define META_TAG 0x6d657461UL << 8            /* "meta" */
_Static_assert(META_MAX == PAGE_SIZE / 2, "classes end at half a page");

static pthread_mutex_t meta_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head meta_partial[NMM_MAX_NODES][META_CLASSES];
static bool meta_lists_ready;

static void lists_init(void)
{
	if (meta_lists_ready)
		return;
	for (int n = 0; n < NMM_MAX_NODES; n++)
		for (int c = 0; c < META_CLASSES; c++)
			INIT_LIST_HEAD(&meta_partial[n][c]);
	meta_lists_ready = true;
}

static unsigned int size_class(size_t size)
{
	return size <= (1UL << META_MIN_SHIFT) ? 0 : 64 - __builtin_clzl(size - 1) - META_MIN_SHIFT;
}

/* A fresh page cut into chunks of class @c, all free. */
static void carve(struct page *page, unsigned int c)
{
	size_t chunk = 1UL << (META_MIN_SHIFT + c);
	char *base = page_address(page);
	void *next = NULL;
	for (size_t off = PAGE_SIZE; off >= chunk; off -= chunk) {
		*(void **)(base + off - chunk) = next;
		next = base + off - chunk;
	}
	page->mapping = next;
	page->index = 0;
	page->private = META_TAG | c;
}

static void *chunk_alloc(size_t size, int node)
{
	unsigned int c = size_class(size);
	pthread_mutex_lock(&meta_lock);
	lists_init();
	struct list_head *partial = &meta_partial[node][c];
	if (list_empty(partial)) {
		pthread_mutex_unlock(&meta_lock);
		struct page *page = alloc_pages_node(node, GFP_KERNEL | __GFP_NOWARN, 0);
		if (!page)
			return NULL;
		carve(page, c);
		pthread_mutex_lock(&meta_lock);
		/* on its own node's list (a fallback page from another node stays there) */
		partial = &meta_partial[page_to_nid(page)][c];
		list_add(&page->lru, partial);
	}
	struct page *page = list_first_entry(partial, struct page, lru);
	void **chunk = page->mapping;
	page->mapping = *chunk;
	page->index++;
	if (!page->mapping)
		list_del(&page->lru);          /* full */
	pthread_mutex_unlock(&meta_lock);
	memset(chunk, 0, 1UL << (META_MIN_SHIFT + c));
	return chunk;
}

/* @p is a chunk of a metadata page? (Its page is tagged and @p is on a chunk boundary.) */
static bool is_chunk(const void *p, struct page **pagep)
{
	struct page *page = virt_to_page(p);
	if (PageSlab(page) || (page->private & ~0xffUL) != META_TAG)
		return false;
	size_t chunk = 1UL << (META_MIN_SHIFT + (page->private & 0xff));
	*pagep = page;
	return !(((uintptr_t)p & (PAGE_SIZE - 1)) & (chunk - 1));
}

static void chunk_free(void *p, struct page *page)
{
	unsigned int c = page->private & 0xff;
	pthread_mutex_lock(&meta_lock);
	bool was_full = !page->mapping;
	*(void **)p = page->mapping;
	page->mapping = p;
	if (--page->index == 0) {
		if (!was_full)
			list_del(&page->lru);
		page->mapping = NULL;
		page->private = 0;
		pthread_mutex_unlock(&meta_lock);
		__free_pages(page, 0);
		return;
	}
	if (was_full)
		list_add(&page->lru, &meta_partial[page_to_nid(page)][c]);
	pthread_mutex_unlock(&meta_lock);
}

void *slab_meta_zalloc(size_t size, int node)
{
	if (size && size <= META_MAX) {
		if (node < 0 || node >= NMM_MAX_NODES)
			node = numa_node_id();
		return chunk_alloc(size, node);
	}
	return alloc_pages_exact_nid(node, size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
}

void slab_meta_free(void *p, size_t size)
{
	if (!p)
		return;
	struct page *page;
	if (is_chunk(p, &page)) {        /* (by the page, whatever @size says) */
		chunk_free(p, page);
		return;
	}
	free_pages_exact(p, size);
}

void slab_meta_fork_lock(bool lock)
{
	if (lock)
		pthread_mutex_lock(&meta_lock);
	else
		pthread_mutex_unlock(&meta_lock);
}

void slab_meta_reset(void)
{
	pthread_mutex_lock(&meta_lock);
	meta_lists_ready = false;                /* the pages went with the arena */
	lists_init();
	pthread_mutex_unlock(&meta_lock);
}
