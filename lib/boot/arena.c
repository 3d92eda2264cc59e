/* lib/boot/arena.c - node memory: the linear map and one arena per node.
 *
 * The linear map is numamm's direct map: one PROT_NONE reservation where physical P lives at
 * nmm_linear_base + P. Each node's lowmem ranges are mapped into it, bound to the node with
 * mbind before anything touches them; holes and highmem stay PROT_NONE so stray accesses fault.
 *
 * Backing is chosen per node (and reported, with the reason, by numamm-info):
 *   hugetlb - memfd MFD_HUGETLB: 2 MiB pages reserved at mmap time (no MAP_NORESERVE), so an
 *             exhausted pool is an error at boot, not a SIGBUS later; cheapest faults.
 *   thp     - anonymous memory with MADV_HUGEPAGE: cheap faults, but no second mapping of the
 *             same page is possible, so a node with highmem never gets it.
 *   shmem   - memfd on shmem, 4 KiB pages: slowest faults, aliasable anywhere.
 * auto prefers hugetlb when the node's free pool covers it, then thp, then shmem for highmem.
 *
 * Hot-add (nmm_arena_grow) extends a node with the same backing: the memfd grows at its end
 * and the new file range is mapped over the window's PROT_NONE reservation (hugetlb reserves
 * its pages at that mmap, so a short pool is -ENOMEM, not a SIGBUS later); THP maps anonymous
 * memory there. Either way the mapping is bound to the node before anything touches it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <numamm/linux/highmem.h>
#include <numamm/linux/mm.h>

#include "../sanitize.h"
#include "boot.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define GiB (1ULL << 30)

static void *linear_reservation;
static size_t linear_reservation_len;

double nmm_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *nmm_backing_name(enum nmm_backing b)
{
	switch (b) {
	case NMM_BACKING_HUGETLB: return "hugetlb";
	case NMM_BACKING_THP: return "thp";
	case NMM_BACKING_SHMEM: return "shmem";
	default: return "none";
	}
}

int nmm_linear_map_reserve(uint64_t phys_end, char *err, size_t errlen)
{
	size_t len = (size_t)((phys_end + GiB - 1) & ~(GiB - 1));
	/* Over-reserve by 1 GiB to align the base: hugetlb and THP mappings need 2 MiB alignment,
	 * and a 1 GiB aligned base keeps 1 GiB pages possible later. */
	void *p = mmap(NULL, len + GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot reserve %zu MiB of address space for the linear map: %s",
			 len >> 20, strerror(errno));
		return -ENOMEM;
	}
	uintptr_t base = ((uintptr_t)p + GiB - 1) & ~(uintptr_t)(GiB - 1);
	if (base > (uintptr_t)p)
		munmap(p, base - (uintptr_t)p);
	uintptr_t tail = base + len, end = (uintptr_t)p + len + GiB;
	if (end > tail)
		munmap((void *)tail, end - tail);
	linear_reservation = (void *)base;
	linear_reservation_len = len;
	nmm_linear_base = base;
	return 0;
}

void nmm_linear_map_release(void)
{
	/* kmap slots map the node memfds too: they go with the linear map. */
	nmm_highmem_release();
	if (linear_reservation)
		munmap(linear_reservation, linear_reservation_len);
	linear_reservation = NULL;
	linear_reservation_len = 0;
	nmm_linear_base = 0;
}

/* Free 2 MiB hugepages needed: everything of the node, lowmem and highmem. */
static unsigned long huge_pages_needed(const struct nmm_arena *a)
{
	return (unsigned long)(a->bytes / NMM_HUGE_2M);
}

static bool ranges_huge_aligned(const struct nmm_arena *a, uint64_t lowmem_limit)
{
	for (int r = 0; r < a->nr_ranges; r++) {
		uint64_t s = a->range[r].start, e = a->range[r].end;
		if ((s | e) & (NMM_HUGE_2M - 1))
			return false;
		if (lowmem_limit > s && lowmem_limit < e && (lowmem_limit & (NMM_HUGE_2M - 1)))
			return false;
	}
	return true;
}

static bool node_has_highmem(const struct nmm_arena *a, uint64_t lowmem_limit)
{
	for (int r = 0; r < a->nr_ranges; r++)
		if (a->range[r].end > lowmem_limit)
			return true;
	return false;
}

/* Decide the backing of one node; *huge_budget is what is left of the real node's pool. */
static int choose_backing(struct nmm_arena *a, const struct nmm_boot_params *p,
			  unsigned long *huge_budget, char *err, size_t errlen)
{
	uint64_t lowmem = nmm_layout.lowmem_limit;
	unsigned long need = huge_pages_needed(a);
	bool aligned = ranges_huge_aligned(a, lowmem);
	bool highmem = node_has_highmem(a, lowmem);
	bool want_huge = p->backing == NMM_BACKING_HUGETLB || p->hugepages == NMM_HUGEPAGES_ON;

	if (want_huge || (p->backing == NMM_BACKING_NONE && p->hugepages == NMM_HUGEPAGES_AUTO)) {
		if (aligned && *huge_budget >= need) {
			*huge_budget -= need;
			a->backing = NMM_BACKING_HUGETLB;
			snprintf(a->why, sizeof(a->why), "%s: %lu of %lu free 2 MiB pages on node %d",
				 want_huge ? "asked for" : "auto", need, *huge_budget + need, a->phys_node);
			return 0;
		}
		if (want_huge) {
			if (!aligned)
				snprintf(err, errlen, "node %d: hugetlb needs 2 MiB aligned ranges and lowmem limit",
					 a->nid);
			else
				snprintf(err, errlen,
					 "node %d: hugetlb needs %lu free 2 MiB pages on node %d, %lu are free "
					 "(reserve with hugepages=N or /proc/sys/vm/nr_hugepages)",
					 a->nid, need, a->phys_node, *huge_budget);
			return -ENOMEM;
		}
	}
	if (p->backing == NMM_BACKING_SHMEM) {
		a->backing = NMM_BACKING_SHMEM;
		snprintf(a->why, sizeof(a->why), "asked for");
	} else if (highmem) {
		if (p->backing == NMM_BACKING_THP) {
			snprintf(err, errlen, "node %d has highmem, which kmap must alias: thp cannot back it "
				 "(use shmem or hugetlb)", a->nid);
			return -EINVAL;
		}
		a->backing = NMM_BACKING_SHMEM;
		snprintf(a->why, sizeof(a->why), "auto: highmem must be aliasable; %s",
			 aligned ? "not enough free hugepages" : "ranges not 2 MiB aligned");
	} else {
		a->backing = NMM_BACKING_THP;
		if (p->backing == NMM_BACKING_THP)
			snprintf(a->why, sizeof(a->why), "asked for");
		else
			snprintf(a->why, sizeof(a->why), "auto: %s",
				 p->hugepages == NMM_HUGEPAGES_OFF ? "hugepages=off"
				 : aligned ? "not enough free hugepages" : "ranges not 2 MiB aligned");
	}
	return 0;
}

/* Map [off, off+len) of the node's memory at @addr, bound to its node, optionally populated. */
static int map_piece(struct nmm_arena *a, void *addr, uint64_t off, size_t len, bool fixed,
		     bool populate, void **out, char *err, size_t errlen)
{
	int flags = fixed ? MAP_FIXED : 0;
	void *m;
	/* fail_arena: as if the mmap had failed (after the memfd exists, so unwinding is real). */
	if (nmm_fault_on(NMM_FAULT_ARENA) &&
	    nmm_should_fail(NMM_FAULT_ARENA, len, (uintptr_t)__builtin_return_address(0), false)) {
		snprintf(err, errlen, "node %d: mmap of %zu MiB (%s) failed: %s (fail_arena)", a->nid,
			 len >> 20, nmm_backing_name(a->backing), strerror(ENOMEM));
		return -ENOMEM;
	}
	if (a->backing == NMM_BACKING_THP)
		m = mmap(addr, len, PROT_READ | PROT_WRITE, flags | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	else
		m = mmap(addr, len, PROT_READ | PROT_WRITE, flags | MAP_SHARED, a->memfd, (off_t)off);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "node %d: mmap of %zu MiB (%s) failed: %s", a->nid, len >> 20,
			 nmm_backing_name(a->backing), strerror(errno));
		return -ENOMEM;
	}
	*out = m;
	/* The flag is read after the mmap: a promotion racing with a hot-add either sees this
	 * piece mapped (and madvises it) or has cleared the flag before we read it. */
	if (a->backing == NMM_BACKING_THP && !__atomic_load_n(&a->thp_deferred, __ATOMIC_SEQ_CST))
		madvise(m, len, MADV_HUGEPAGE);
	int e = nmm_numa_bind(m, len, a->phys_node);
	if (e) {
		snprintf(err, errlen, "node %d: mbind to node %d failed: %s", a->nid, a->phys_node,
			 strerror(-e));
		return e;
	}
	if (populate && madvise(m, len, MADV_POPULATE_WRITE)) {
		snprintf(err, errlen, "node %d: MADV_POPULATE_WRITE of %zu MiB failed: %s", a->nid,
			 len >> 20, strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

static int arena_map(struct nmm_arena *a, const struct nmm_boot_params *p, char *err, size_t errlen);

int nmm_arena_create(struct nmm_arena *a, const struct nmm_boot_params *p,
		     unsigned long *huge_budget, char *err, size_t errlen)
{
	double t0 = nmm_now_ms();
	a->memfd = -1;
	if (!a->nr_ranges) {
		a->backing = NMM_BACKING_NONE;
		snprintf(a->why, sizeof(a->why), "memoryless node");
		return 0;
	}
	int e = choose_backing(a, p, huge_budget, err, errlen);
	if (e)
		return e;
	bool auto_huge = a->backing == NMM_BACKING_HUGETLB && p->backing == NMM_BACKING_NONE &&
			 p->hugepages == NMM_HUGEPAGES_AUTO;
	e = arena_map(a, p, err, errlen);
	if (e == -ENOMEM && auto_huge) {
		/* Free pages in the pool may be promised to other processes (HugePages_Rsvd):
		 * auto mode then falls back instead of failing the boot. */
		nmm_arena_destroy(a);
		struct nmm_boot_params no_huge = *p;
		no_huge.hugepages = NMM_HUGEPAGES_OFF;
		unsigned long none = 0;
		if ((e = choose_backing(a, &no_huge, &none, err, errlen)))
			return e;
		snprintf(a->why, sizeof(a->why), "auto: hugetlb reservation refused (pool in use), %s",
			 nmm_backing_name(a->backing));
		e = arena_map(a, p, err, errlen);
	}
	a->boot_ms = nmm_now_ms() - t0;
	return e;
}

static int arena_map(struct nmm_arena *a, const struct nmm_boot_params *p, char *err, size_t errlen)
{
	int e;
	a->thp_deferred = a->backing == NMM_BACKING_THP && p->thp_defer;
	if (a->thp_deferred) {
		size_t n = strlen(a->why);
		snprintf(a->why + n, sizeof(a->why) - n, "; 4 KiB pages until %llu KiB are used (thp_defer=)",
			 (unsigned long long)(p->thp_defer >> 10));
	}
	if (a->backing != NMM_BACKING_THP) {
		char name[32];
		snprintf(name, sizeof(name), "numamm-node%d", a->nid);
		unsigned int fl = MFD_CLOEXEC;
		if (a->backing == NMM_BACKING_HUGETLB)
			fl |= MFD_HUGETLB | MFD_HUGE_2MB;
		a->memfd = memfd_create(name, fl);
		if (a->memfd < 0) {
			snprintf(err, errlen, "node %d: memfd_create(%s) failed: %s", a->nid,
				 nmm_backing_name(a->backing), strerror(errno));
			return -errno;
		}
		if (ftruncate(a->memfd, (off_t)a->bytes)) {
			snprintf(err, errlen, "node %d: sizing the %s memfd to %llu MiB failed: %s", a->nid,
				 nmm_backing_name(a->backing), (unsigned long long)(a->bytes >> 20),
				 strerror(errno));
			return -ENOMEM;
		}
	}
	uint64_t lowmem = nmm_layout.lowmem_limit, high_bytes = 0;
	for (int r = 0; r < a->nr_ranges; r++) {
		uint64_t s = a->range[r].start, end = a->range[r].end;
		uint64_t le = end < lowmem ? end : lowmem;
		if (le > s) {
			void *m;
			e = map_piece(a, __va(s), a->range[r].file_off, (size_t)(le - s), true, p->populate,
				      &m, err, errlen);
			if (e)
				return e;
		}
		if (end > lowmem)
			high_bytes += end - (s > lowmem ? s : lowmem);
	}
	if (high_bytes) {
		/* Highmem is not in the linear map. One view of it (file order) binds its policy to
		 * the node and holds the hugetlb reservation; kmap maps pages of it elsewhere. */
		uint64_t first_off = 0;
		for (int r = 0; r < a->nr_ranges; r++)
			if (a->range[r].end > lowmem) {
				uint64_t s = a->range[r].start > lowmem ? a->range[r].start : lowmem;
				first_off = a->range[r].file_off + (s - a->range[r].start);
				break;
			}
		e = map_piece(a, NULL, first_off, (size_t)(a->bytes - first_off), false, p->populate,
			      &a->highmem_view, err, errlen);
		if (e)
			return e;
		a->highmem_view_len = (size_t)(a->bytes - first_off);
	}
	return 0;
}

int nmm_arena_grow(struct nmm_arena *a, uint64_t phys, uint64_t len, bool populate, char *err,
		   size_t errlen)
{
	uint64_t off = a->bytes;
	if (a->memfd >= 0 && ftruncate(a->memfd, (off_t)(off + len))) {
		snprintf(err, errlen, "node %d: growing the %s memfd to %llu MiB failed: %s", a->nid,
			 nmm_backing_name(a->backing), (unsigned long long)((off + len) >> 20), strerror(errno));
		return -ENOMEM;
	}
	void *m;
	int e = map_piece(a, __va(phys), off, (size_t)len, true, populate, &m, err, errlen);
	if (e) {
		/* MAP_FIXED may have replaced the reservation before failing: put it back. */
		mmap(__va(phys), (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		     -1, 0);
		if (a->memfd >= 0 && ftruncate(a->memfd, (off_t)off))
			fprintf(stderr, "numamm: hotplug: node %d: cannot shrink the memfd back: %s\n", a->nid,
				strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

void nmm_arena_destroy(struct nmm_arena *a)
{
	/* The linear map pieces go with the whole reservation (nmm_linear_map_release). Poisoned
	 * free pages and slab objects (page_alloc/page_asan.h) first become clean again: a later
	 * boot maps memory at these addresses and must find it so. Only the node's ranges — the
	 * reservation may span terabytes of holes, whose shadow was never written. */
#if NMM_ASAN
	if (nmm_linear_base)
		for (int r = 0; r < a->nr_ranges; r++)
			ASAN_UNPOISON_MEMORY_REGION(__va(a->range[r].start), a->range[r].end - a->range[r].start);
#endif
	if (a->highmem_view)
		munmap(a->highmem_view, a->highmem_view_len);
	a->highmem_view = NULL;
	if (a->memfd >= 0)
		close(a->memfd);
	a->memfd = -1;
}

void nmm_arena_thp_promote(int nid)
{
	if (nid < 0 || nid >= nmm_layout.nr_nodes)
		return;
	struct nmm_arena *a = &nmm_layout.arena[nid];
	if (!__atomic_exchange_n(&a->thp_deferred, false, __ATOMIC_SEQ_CST))
		return;
	/* THP nodes have no highmem: every range is in the linear map. The whole hot-add window
	 * too (its PROT_NONE part keeps the flag harmlessly), so a range being hot-added right now
	 * is covered whether or not nr_ranges shows it yet. */
	int nr = __atomic_load_n(&a->nr_ranges, __ATOMIC_ACQUIRE);
	for (int r = 0; r < nr; r++)
		madvise(__va(a->range[r].start), (size_t)(a->range[r].end - a->range[r].start), MADV_HUGEPAGE);
	if (a->hp_end > a->hp_start)
		madvise(__va(a->hp_start), (size_t)(a->hp_end - a->hp_start), MADV_HUGEPAGE);
}

void *nmm_highmem_view_addr(unsigned long pfn)
{
	uint64_t pa = (uint64_t)pfn << 12, lowmem = nmm_layout.lowmem_limit;
	if (pa < lowmem)
		return NULL;
	for (int n = 0; n < nmm_layout.nr_nodes; n++) {
		const struct nmm_arena *a = &nmm_layout.arena[n];
		if (!a->highmem_view)
			continue;
		uint64_t view_off = a->bytes - a->highmem_view_len;   /* file offset of the view */
		for (int r = 0; r < a->nr_ranges; r++)
			if (pa >= a->range[r].start && pa < a->range[r].end)
				return (char *)a->highmem_view +
				       (a->range[r].file_off + (pa - a->range[r].start) - view_off);
	}
	return NULL;
}
