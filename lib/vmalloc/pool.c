/* lib/vmalloc/pool.c - where vmalloc's pages live in a file, and the per-node vmalloc pools.
 *
 * vmalloc maps a page at its vmalloc address by mapping the page's bytes from a memory file
 * (memfd) there. A page of a shmem-backed node is at a 4 KiB offset of its node's memfd, so it
 * comes straight from the page allocator and is mapped in place.
 *
 * The other backings cannot be mapped at 4 KiB: anonymous THP memory has no file at all, and a
 * hugetlb memfd maps only whole 2 MiB pages at 2 MiB aligned addresses. For those nodes the
 * vmalloc pool (the kernel has no equivalent; CMA is the nearest: memory of the page allocator
 * set aside for one user) takes a 2 MiB block from the page allocator on the node, re-backs the
 * block's linear map with a 2 MiB piece of the node's own shmem memfd ("numamm-vmalloc-nodeN",
 * bound to the node before first touch), splits it into order-0 pages and hands those out. The
 * pages keep their struct page, pfn, node and linear-map address, so page_address(), the linear
 * map alias and vmalloc_to_page() behave as for any other page; only the backing of those 2 MiB
 * changed (4 KiB shmem pages: slower first-touch faults than hugetlb/THP, nothing else).
 * Pool pages are marked by page->mapping == &vm_pool_marker, page->private = their block.
 * A block whose pages are all free goes back to the page allocator (with its original backing
 * restored) on nmm_vmalloc_pool_shrink() or when reclaim asks (the pool's shrinker).
 * On a THP node without a free 2 MiB block the pool takes smaller blocks (anonymous memory can
 * be re-backed at any 4 KiB boundary); a hugetlb node needs whole 2 MiB blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "../boot/boot.h"
#include "internal.h"

#define POOL_BLOCK_PAGES (1U << VM_HUGE_ORDER)

static char vm_pool_marker;

struct vm_pool_block {
	struct vm_pool_block *next;        /* all blocks of the pool */
	struct list_head partial;          /* on the pool's partial list while on_partial */
	struct page *first;
	uint64_t off;                      /* of the block's 2 MiB slot in the pool memfd */
	unsigned int order, nfree;
	bool on_partial;
	uint64_t freemap[POOL_BLOCK_PAGES / 64];   /* bit set: page free */
};

struct vm_pool {
	pthread_mutex_t lock;
	int fd;                            /* the pool memfd, -1 until the first block */
	uint64_t file_size;
	uint64_t *free_slots;              /* 2 MiB slots of the memfd given back (holes) */
	size_t nr_free_slots, max_free_slots;
	struct vm_pool_block *blocks;
	struct list_head partial;
	unsigned long pages, free;
};

static struct vm_pool pools[NMM_MAX_NODES] = {
	[0 ... NMM_MAX_NODES - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 },
};

static inline bool is_pool_page(const struct page *page)
{
	return page->mapping == &vm_pool_marker;
}

bool vm_node_is_hugetlb(int nid)
{
	return nmm_layout.arena[nid].backing == NMM_BACKING_HUGETLB;
}

static int arena_file_off(const struct nmm_arena *a, phys_addr_t pa, uint64_t *off)
{
	for (int r = 0; r < a->nr_ranges; r++)
		if (pa >= a->range[r].start && pa < a->range[r].end) {
			*off = a->range[r].file_off + (pa - a->range[r].start);
			return 0;
		}
	return -EINVAL;
}

int vm_page_file(const struct page *page, struct vm_file_ref *ref)
{
	int nid = page_to_nid(page);
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	ref->phys_node = a->phys_node;
	ref->hugetlb = false;
	if (is_pool_page(page)) {
		const struct vm_pool_block *b = (const void *)page->private;
		ref->fd = pools[nid].fd;
		ref->off = b->off + ((uint64_t)(page - b->first) << PAGE_SHIFT);
		return 0;
	}
	if (a->backing != NMM_BACKING_SHMEM || a->memfd < 0)
		return -EINVAL;
	ref->fd = a->memfd;
	return arena_file_off(a, page_to_phys(page), &ref->off);
}

int vm_huge_file(const struct page *page, struct vm_file_ref *ref)
{
	int nid = page_to_nid(page);
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	if (a->backing != NMM_BACKING_HUGETLB || is_pool_page(page))
		return -EINVAL;
	ref->fd = a->memfd;
	ref->phys_node = a->phys_node;
	ref->hugetlb = true;
	int e = arena_file_off(a, page_to_phys(page), &ref->off);
	return e ? e : (ref->off & (VM_HUGE_SIZE - 1)) ? -EINVAL : 0;
}

/* Map [addr, addr + len) of the linear map back to its node's own memory. */
static int restore_backing(int nid, void *addr, size_t len)
{
	struct nmm_arena *a = &nmm_layout.arena[nid];
	void *m;
	if (a->backing == NMM_BACKING_HUGETLB) {
		uint64_t off;
		if (arena_file_off(a, __pa(addr), &off))
			return -EINVAL;
		m = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, a->memfd, (off_t)off);
	} else {
		m = mmap(addr, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
		if (m != MAP_FAILED)
			madvise(m, len, MADV_HUGEPAGE);
	}
	if (m == MAP_FAILED)
		return -errno;
	return nmm_numa_bind(m, len, a->phys_node);
}

/* A new block for @p (lock held): from the page allocator on @nid, re-backed by the pool file. */
static struct vm_pool_block *pool_grow(struct vm_pool *p, int nid, gfp_t gfp)
{
	struct nmm_arena *a = &nmm_layout.arena[nid];
	gfp_t bgfp = (gfp & (__GFP_DMA | __GFP_DMA32)) | GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN |
		     __GFP_NORETRY;
	static const unsigned int thp_orders[] = { VM_HUGE_ORDER, 4, 0 };
	unsigned int nr_orders = a->backing == NMM_BACKING_HUGETLB ? 1 : 3;
	struct page *page = NULL;
	unsigned int order = 0;
	for (unsigned int i = 0; i < nr_orders && !page; i++) {
		order = thp_orders[i];
		page = alloc_pages_node(nid, bgfp, order);
	}
	if (!page)
		return NULL;
	struct vm_pool_block *b = calloc(1, sizeof(*b));
	if (!b)
		goto fail_page;
	if (p->fd < 0) {
		char name[40];
		snprintf(name, sizeof(name), "numamm-vmalloc-node%d", nid);
		p->fd = memfd_create(name, MFD_CLOEXEC);
		if (p->fd < 0) {
			fprintf(stderr, "numamm: vmalloc: node %d: cannot create the pool's 4 KiB memfd: %s\n",
				nid, strerror(errno));
			goto fail_block;
		}
	}
	if (p->nr_free_slots) {
		b->off = p->free_slots[--p->nr_free_slots];
	} else {
		if (ftruncate(p->fd, (off_t)(p->file_size + VM_HUGE_SIZE))) {
			fprintf(stderr, "numamm: vmalloc: node %d: cannot grow the pool's memfd: %s\n", nid,
				strerror(errno));
			goto fail_block;
		}
		b->off = p->file_size;
		p->file_size += VM_HUGE_SIZE;
	}
	size_t len = PAGE_SIZE << order;
	void *addr = lowmem_page_address(page);
	if (mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, p->fd, (off_t)b->off) ==
	    MAP_FAILED) {
		fprintf(stderr, "numamm: vmalloc: node %d: cannot re-back a pool block: %s\n", nid,
			strerror(errno));
		restore_backing(nid, addr, len);
		goto fail_slot;
	}
	int be = nmm_numa_bind(addr, len, a->phys_node);
	if (be) {
		fprintf(stderr, "numamm: vmalloc: node %d: mbind of a pool block failed: %s\n", nid,
			strerror(-be));
		restore_backing(nid, addr, len);
		goto fail_slot;
	}
	if (order)
		split_page(page, order);
	b->first = page;
	b->order = order;
	b->nfree = 1U << order;
	for (unsigned int i = 0; i < b->nfree; i++) {
		page[i].mapping = &vm_pool_marker;
		page[i].private = (unsigned long)b;
		b->freemap[i / 64] |= 1ULL << (i % 64);
	}
	b->next = p->blocks;
	p->blocks = b;
	list_add(&b->partial, &p->partial);
	b->on_partial = true;
	p->pages += b->nfree;
	p->free += b->nfree;
	return b;

fail_slot:
	if (p->nr_free_slots < p->max_free_slots)
		p->free_slots[p->nr_free_slots++] = b->off;
fail_block:
	free(b);
fail_page:
	__free_pages(page, order);
	return NULL;
}

static bool block_fits(const struct vm_pool_block *b, unsigned long limit_pfn)
{
	return page_to_pfn(b->first) + (1UL << b->order) <= limit_pfn;
}

static unsigned int pool_alloc_run(int nid, gfp_t gfp, unsigned int want, struct page **first)
{
	struct vm_pool *p = &pools[nid];
	unsigned long limit = ~0UL;
	if (gfp & __GFP_DMA)
		limit = (16UL << 20) >> PAGE_SHIFT;
	else if (gfp & __GFP_DMA32)
		limit = (4UL << 30) >> PAGE_SHIFT;
	pthread_mutex_lock(&p->lock);
	struct vm_pool_block *b, *found = NULL;
	list_for_each_entry(b, &p->partial, partial)
		if (block_fits(b, limit)) {
			found = b;
			break;
		}
	if (!found && !(found = pool_grow(p, nid, gfp))) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	b = found;
	if (!block_fits(b, limit)) {          /* the page allocator gave a block above the limit */
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	unsigned int n = 1U << b->order, i = 0, k = 0;
	while (!(b->freemap[i / 64] & (1ULL << (i % 64))))
		i++;
	while (i + k < n && k < want && (b->freemap[(i + k) / 64] & (1ULL << ((i + k) % 64)))) {
		b->freemap[(i + k) / 64] &= ~(1ULL << ((i + k) % 64));
		k++;
	}
	b->nfree -= k;
	p->free -= k;
	if (!b->nfree) {
		list_del(&b->partial);
		b->on_partial = false;
	}
	pthread_mutex_unlock(&p->lock);
	*first = b->first + i;
	return k;
}

unsigned int vm_alloc_run(int nid, gfp_t gfp, unsigned int want, struct page **first)
{
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	if (!a->nr_ranges || !want)
		return 0;
	if (a->backing != NMM_BACKING_SHMEM)
		return pool_alloc_run(nid, gfp, want, first);
	/* A block of the largest order that fits (up to 2 MiB), split into order-0 pages: one
	 * mapping call for the whole block instead of one per page. */
	unsigned int order = 31 - (unsigned int)__builtin_clz(want);
	if (order > VM_HUGE_ORDER)
		order = VM_HUGE_ORDER;
	gfp = (gfp & ~(__GFP_ZERO | __GFP_COMP | __GFP_NOFAIL)) | __GFP_THISNODE;
	struct page *page = NULL;
	if (order)
		page = alloc_pages_node(nid, gfp | __GFP_NOWARN | __GFP_NORETRY, order);
	if (!page) {
		order = 0;
		page = alloc_pages_node(nid, gfp | __GFP_NOWARN, 0);
	}
	if (!page)
		return 0;
	if (order)
		split_page(page, order);
	*first = page;
	return 1U << order;
}

void vm_free_page(struct page *page)
{
	if (!is_pool_page(page)) {
		__free_page(page);
		return;
	}
	struct vm_pool_block *b = (void *)page->private;
	struct vm_pool *p = &pools[page_to_nid(page)];
	unsigned int i = (unsigned int)(page - b->first);
	pthread_mutex_lock(&p->lock);
	b->freemap[i / 64] |= 1ULL << (i % 64);
	b->nfree++;
	p->free++;
	if (!b->on_partial) {
		list_add(&b->partial, &p->partial);
		b->on_partial = true;
	}
	pthread_mutex_unlock(&p->lock);
}

/* Give every wholly free block of @nid's pool back. Return: pages given back. */
static unsigned long pool_shrink_node(int nid)
{
	struct vm_pool *p = &pools[nid];
	unsigned long freed = 0;
	pthread_mutex_lock(&p->lock);
	for (struct vm_pool_block **pp = &p->blocks, *b; (b = *pp);) {
		unsigned int n = 1U << b->order;
		if (b->nfree != n) {
			pp = &b->next;
			continue;
		}
		void *addr = lowmem_page_address(b->first);
		if (restore_backing(nid, addr, (size_t)n << PAGE_SHIFT)) {
			pp = &b->next;
			continue;
		}
		*pp = b->next;
		list_del(&b->partial);
		fallocate(p->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)b->off, VM_HUGE_SIZE);
		if (p->nr_free_slots == p->max_free_slots) {
			size_t m = p->max_free_slots ? 2 * p->max_free_slots : 16;
			uint64_t *s = realloc(p->free_slots, m * sizeof(*s));
			if (s) {
				p->free_slots = s;
				p->max_free_slots = m;
			}
		}
		if (p->nr_free_slots < p->max_free_slots)
			p->free_slots[p->nr_free_slots++] = b->off;
		for (unsigned int i = 0; i < n; i++) {
			b->first[i].mapping = NULL;
			b->first[i].private = 0;
			__free_page(b->first + i);
		}
		p->pages -= n;
		p->free -= n;
		freed += n;
		free(b);
	}
	pthread_mutex_unlock(&p->lock);
	return freed;
}

unsigned long nmm_vmalloc_pool_shrink(void)
{
	unsigned long freed = 0;
	if (!nmm_booted())
		return 0;
	for (int n = 0; n < nmm_layout.nr_nodes; n++)
		freed += pool_shrink_node(n);
	return freed;
}

void nmm_vm_pool_stats(unsigned long *pages, unsigned long *free)
{
	*pages = *free = 0;
	for (int n = 0; n < NMM_MAX_NODES; n++) {
		pthread_mutex_lock(&pools[n].lock);
		*pages += pools[n].pages;
		*free += pools[n].free;
		pthread_mutex_unlock(&pools[n].lock);
	}
}

int nmm_vm_pool_init(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	for (int n = 0; n < NMM_MAX_NODES; n++) {
		pthread_mutex_lock(&pools[n].lock);
		INIT_LIST_HEAD(&pools[n].partial);
		pthread_mutex_unlock(&pools[n].lock);
	}
	return 0;
}

/* Shutdown: the linear map and the page allocator go right after, so nothing is given back;
 * only the files and the bookkeeping. */
void nmm_vm_pool_release(void)
{
	for (int n = 0; n < NMM_MAX_NODES; n++) {
		struct vm_pool *p = &pools[n];
		pthread_mutex_lock(&p->lock);
		while (p->blocks) {
			struct vm_pool_block *b = p->blocks;
			p->blocks = b->next;
			free(b);
		}
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		free(p->free_slots);
		p->free_slots = NULL;
		p->nr_free_slots = p->max_free_slots = 0;
		p->file_size = 0;
		p->pages = p->free = 0;
		INIT_LIST_HEAD(&p->partial);
		pthread_mutex_unlock(&p->lock);
	}
}
