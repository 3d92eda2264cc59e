/* numa/placement.c - put a range's pages on a real node, and check where they really are.
 *
 * Follows the kernel's NUMA memory policy and page-migration syscalls (mm/mempolicy.c
 * do_mbind(), mm/migrate.c do_pages_stat(); Documentation/admin-guide/mm/numa_memory_policy.rst).
 * mbind(MPOL_BIND) before first touch decides where pages will be faulted in; move_pages() with a
 * NULL node array only reports the node of each page already present, without faulting or
 * moving anything, which is what lets tests assert placement rather than hope for it.
 */
#include <errno.h>
#include <numaif.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "numa_internal.h"

#define NMM_NUMA_MASK_BITS 1024         /* real node ids we can name in a policy */
#define NMM_VERIFY_BATCH 512            /* pages per move_pages() call */
#define NMM_VERIFY_GRANULE 4096UL       /* the doc contract: 4 KiB granules */

/**
 * nmm_numa_bind - bind [addr, addr+len) to a real node before first touch (mbind MPOL_BIND).
 * @addr: page-aligned start of a mapping the caller owns
 * @len: length in bytes (rounded up to pages by the kernel)
 * @phys_node: the real (OS) node id, not a numa=fake logical id
 *
 * Uses MPOL_MF_STRICT: if pages are already present in the range on another node, the call
 * fails with -EIO instead of silently leaving them there (bind is meant for untouched memory).
 *
 * Context: process context; a syscall.
 * Return: 0, or -EINVAL (bad node, unaligned addr), -EIO (pages already elsewhere), -EFAULT
 * (range not mapped) or another -errno from mbind().
 */
int nmm_numa_bind(void *addr, size_t len, int phys_node)
{
	unsigned long mask[NMM_NUMA_MASK_BITS / (8 * sizeof(unsigned long))];
	const unsigned long bpl = 8 * sizeof(unsigned long);

	if (phys_node < 0 || phys_node >= NMM_NUMA_MASK_BITS || len == 0)
		return -EINVAL;
	memset(mask, 0, sizeof(mask));
	mask[phys_node / bpl] |= 1UL << (phys_node % bpl);
	/* maxnode counts one past the last bit: the kernel's get_nodes() drops one (a historic
	 * off-by-one that libnuma also compensates for). */
	if (mbind(addr, len, MPOL_BIND, mask, NMM_NUMA_MASK_BITS + 1, MPOL_MF_STRICT) != 0)
		return -errno;
	return 0;
}

/* A page move_pages() calls -EFAULT is either the shared zero page (mapped, only ever read:
 * not present for us) or a hole in the range (the caller's bug); mincore() on that one page
 * tells them apart without faulting anything in: it fails with ENOMEM on a hole. */
static bool verify_is_hole(uintptr_t at, uintptr_t pmask)
{
	unsigned char vec;

	return mincore((void *)(at & ~pmask), 1, &vec) != 0 && errno == ENOMEM;
}

/**
 * nmm_numa_verify_stride - where are the pages of [addr, addr+len) really, one query per @stride?
 * @addr: start (rounded down to @stride)
 * @len: length in bytes (end rounded up to @stride)
 * @stride: bytes per query, a power of two >= 4 KiB: 4 KiB for ordinary memory, the hugepage
 *	size for hugetlb mappings (all 4 KiB granules of a hugepage share its node)
 * @node: the real node they should be on
 * @on_node: granules found on @node, may be NULL
 * @elsewhere: granules found on another node, may be NULL
 * @not_present: granules not faulted in (or mapped to the shared zero page), may be NULL
 *
 * Asks move_pages(2) with a NULL node array, in batches, which reports the node of the page
 * holding each granule's first byte without faulting it in or moving it. Measured here about
 * 120 ns per absent and 270 ns per present granule, so checking a 1 GiB arena costs ~70 ms at
 * 4 KiB (as much as faulting it in as hugetlb) but ~0.3 ms at 2 MiB.
 *
 * Context: process context; syscalls (move_pages, and mincore for -EFAULT pages).
 * Return: 0 when every present granule is on @node, 1 when some are elsewhere, -EFAULT when
 * part of the range is not mapped, -EINVAL for a bad @stride or empty range, -ENOSYS without
 * kernel migration support, or another -errno.
 */
int nmm_numa_verify_stride(const void *addr, size_t len, size_t stride, int node,
			   unsigned long *on_node, unsigned long *elsewhere,
			   unsigned long *not_present)
{
	uintptr_t pmask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(stride - 1);
	uintptr_t end = ((uintptr_t)addr + len + stride - 1) & ~(uintptr_t)(stride - 1);
	unsigned long n_on = 0, n_else = 0, n_absent = 0;
	void *pages[NMM_VERIFY_BATCH];
	int status[NMM_VERIFY_BATCH];

	if (len == 0 || stride < NMM_VERIFY_GRANULE || (stride & (stride - 1)) || end < start)
		return -EINVAL;
	for (uintptr_t at = start; at < end; at += NMM_VERIFY_BATCH * stride) {
		size_t n = (end - at) / stride;

		if (n > NMM_VERIFY_BATCH)
			n = NMM_VERIFY_BATCH;
		for (size_t i = 0; i < n; i++) {
			pages[i] = (void *)(at + i * stride);
			status[i] = INT32_MIN;
		}
		if (move_pages(0, n, pages, NULL, status, 0) != 0)
			return -errno;
		for (size_t i = 0; i < n; i++) {
			if (status[i] == node)
				n_on++;
			else if (status[i] >= 0)
				n_else++;
			else if (status[i] == -ENOENT)
				n_absent++;
			else if (status[i] == -EFAULT && !verify_is_hole((uintptr_t)pages[i], pmask))
				n_absent++;
			else
				return status[i] == INT32_MIN ? -EIO : status[i];
		}
	}
	if (on_node)
		*on_node = n_on;
	if (elsewhere)
		*elsewhere = n_else;
	if (not_present)
		*not_present = n_absent;
	return n_else ? 1 : 0;
}

/**
 * nmm_numa_verify - where are the pages of [addr, addr+len) really? (4 KiB granules)
 * @addr: start (rounded down to 4 KiB)
 * @len: length in bytes (end rounded up to 4 KiB)
 * @node: the real node they should be on
 * @on_node: pages found on @node, may be NULL
 * @elsewhere: pages found on another node, may be NULL
 * @not_present: pages not faulted in (or mapped to the shared zero page), may be NULL
 *
 * nmm_numa_verify_stride() with a 4 KiB stride: every 4 KiB granule is one query, hugepages
 * included. Pages not yet faulted in count as not present; the call does not fault them.
 *
 * Context: process context; syscalls.
 * Return: 0 when every present page is on @node, 1 when some are elsewhere, -EFAULT when part
 * of the range is not mapped, -ENOSYS without kernel migration support, or another -errno.
 */
int nmm_numa_verify(const void *addr, size_t len, int node, unsigned long *on_node,
		    unsigned long *elsewhere, unsigned long *not_present)
{
	return nmm_numa_verify_stride(addr, len, NMM_VERIFY_GRANULE, node, on_node, elsewhere,
				      not_present);
}
