/* lib/highmem/highmem.c - where a highmem page lives and how a slot maps it (mm/highmem.c).
 *
 * A highmem page has no linear-map address; its bytes are at some offset of its node's memfd
 * (node → physical range → range.file_off). kmap and kmap_local map that offset into one of
 * their slots with mmap(MAP_FIXED | MAP_SHARED), so the slot and every other view of the memfd
 * (the boot's highmem view, vmalloc, pread) alias the same physical page.
 *
 * Hugetlb trade-off: a hugetlb memfd can only be mapped in whole 2 MiB pages at 2 MiB aligned
 * addresses, so on such nodes a slot maps the whole hugepage and is 2 MiB of address space.
 * The cost is address space (LAST_PKMAP slots = 1 GiB of PROT_NONE reservation instead of
 * 2 MiB) and a coarser alias: while page A is kmapped, its 511 neighbours are reachable
 * through the slot too. The gain is one 2 MiB TLB entry per slot and that a kmap of a
 * neighbour reuses the slot without a system call. The window's slot size is chosen when it
 * is created (after each boot): 2 MiB if any node with highmem is hugetlb-backed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/topology.h>

#include "../boot/boot.h"
#include "internal.h"

unsigned long nmm_highmem_gen;

int nmm_highmem_chunk_of(const struct page *page, struct nmm_highmem_chunk *c)
{
	int nid = page_to_nid(page);
	phys_addr_t pa = page_to_phys(page);
	if (nid < 0 || nid >= nmm_layout.nr_nodes || pa < nmm_layout.lowmem_limit)
		return -EINVAL;
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	if (a->memfd < 0)
		return -EINVAL;
	for (int r = 0; r < a->nr_ranges; r++) {
		if (pa < a->range[r].start || pa >= a->range[r].end)
			continue;
		uint64_t off = a->range[r].file_off + (pa - a->range[r].start);
		c->huge = a->backing == NMM_BACKING_HUGETLB;
		c->size = c->huge ? NMM_HUGE_2M : PAGE_SIZE;
		c->file_off = off & ~((uint64_t)c->size - 1);
		c->inner = (size_t)(off - c->file_off);
		c->fd = a->memfd;
		c->phys_node = a->phys_node;
		c->key = (uint64_t)nid << 52 | c->file_off >> PAGE_SHIFT;
		return 0;
	}
	return -EINVAL;
}

size_t nmm_highmem_slot_size(void)
{
	for (int n = 0; n < nmm_layout.nr_nodes; n++) {
		const struct nmm_arena *a = &nmm_layout.arena[n];
		if (a->highmem_view && a->backing == NMM_BACKING_HUGETLB)
			return NMM_HUGE_2M;
	}
	return PAGE_SIZE;
}

void *nmm_highmem_reserve(size_t len, size_t align)
{
	size_t extra = align > PAGE_SIZE ? align : 0;
	char *p = mmap(NULL, len + extra, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!extra)
		return p;
	uintptr_t base = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (base > (uintptr_t)p)
		munmap(p, base - (uintptr_t)p);
	if ((uintptr_t)p + len + extra > base + len)
		munmap((void *)(base + len), (uintptr_t)p + len + extra - (base + len));
	return (void *)base;
}

void nmm_highmem_unmap_keep(void *addr, size_t len)
{
	/* A fresh PROT_NONE mapping over the range drops the old one and keeps the range ours,
	 * so a racing MAP_FIXED elsewhere can never be clobbered by our later MAP_FIXED. */
	mmap(addr, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

int nmm_highmem_map_chunk(void *slot, size_t slot_size, const struct nmm_highmem_chunk *c)
{
	/* A 4 KiB chunk cannot split a 2 MiB hugetlb mapping an earlier chunk left in the slot
	 * (mixed windows only: numa=fake with hugetlb and shmem nodes): clear the slot first. */
	if (c->size < slot_size)
		nmm_highmem_unmap_keep(slot, slot_size);
	void *m = mmap(slot, c->size, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_SHARED, c->fd,
		       (off_t)c->file_off);
	if (m == MAP_FAILED) {
		int e = -errno;
		nmm_highmem_unmap_keep(slot, slot_size);
		return e;
	}
	/* shmem keeps the node binding made on the boot's view as the file's shared policy;
	 * hugetlb keeps it per mapping, so a hugepage first touched here needs it again. */
	if (c->huge) {
		int e = nmm_numa_bind(m, c->size, c->phys_node);
		if (e) {
			nmm_highmem_unmap_keep(slot, slot_size);
			return e;
		}
	}
	return 0;
}

/**
 * nmm_highmem_bad_range - report a highmem helper called with a range past the page's end.
 * @fn: the helper's name
 * @offset: the offset it was given
 * @len: the length it was given
 *
 * Context: any.
 */
void nmm_highmem_bad_range(const char *fn, size_t offset, size_t len)
{
	fprintf(stderr, "numamm: WARNING: %s: offset %zu + len %zu crosses the end of the page\n", fn,
		offset, len);
}

/**
 * nmm_highmem_release - drop every kmap, kmap_local and kmap_atomic mapping and the windows.
 *
 * Called when numamm shuts down (the slots hold the node memfds, and their hugepages, alive).
 * Context: no thread may be inside a kmap function.
 */
void nmm_highmem_release(void)
{
	nmm_pkmap_release();
	nmm_kmap_local_release();
}
