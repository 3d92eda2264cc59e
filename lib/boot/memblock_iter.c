/* lib/boot/memblock_iter.c - the range walks behind for_each_mem_range,
 * for_each_free_mem_range(_reverse), for_each_reserved_mem_range and for_each_mem_pfn_range:
 * __next_mem_range(), __next_mem_range_rev() and __next_mem_pfn_range(), as in Linux 6.x
 * mm/memblock.c.
 *
 * A free range is a piece of a "memory" region that no "reserved" region covers. Both arrays
 * are sorted, so the walk is a merge of the memory regions with the gaps between reserved
 * regions, resumable from a 64-bit cursor (memory index low, gap index high). Unlike the
 * kernel, a zero-length gap between two touching reserved regions that could not merge (they
 * differ in node) yields no empty range.
 */
#include <limits.h>

#include "boot/memblock_internal.h"

/*
 * Should a region of @type be left out of a walk for @nid/@flags? Only "memory" regions are
 * filtered; reserved ranges are always walked.
 */
static bool should_skip_region(const struct memblock_type *type,
			       const struct memblock_region *m, int nid, int flags)
{
	if (type != &memblock.memory)
		return false;
	if (numa_valid_node(nid) && nid != m->nid)
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !memblock_is_mirror(m))
		return true;
	if (!(flags & MEMBLOCK_NOMAP) && memblock_is_nomap(m))
		return true;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && memblock_is_driver_managed(m))
		return true;
	return false;
}

/*
 * The gaps of type_b: gap j lies between region j-1 and region j, gap 0 starts at 0 and gap
 * cnt ends at PHYS_ADDR_MAX, so there are cnt + 1 of them, sorted like the regions.
 */
static inline phys_addr_t gap_start(const struct memblock_type *b, long j)
{
	return j ? rgn_end(&b->regions[j - 1]) : 0;
}

static inline phys_addr_t gap_end(const struct memblock_type *b, long j)
{
	return (unsigned long)j < b->cnt ? b->regions[j].base : PHYS_ADDR_MAX;
}

/* The iterator state: index into type_a in the low 32 bits, gap of type_b in the high 32. */
static inline void mem_range_idx_set(u64 *idx, long a, long b)
{
	*idx = (u64)(u32)a | (u64)(u32)b << 32;
}

static inline void mem_range_out(phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid,
				 phys_addr_t start, phys_addr_t end, int nid)
{
	if (out_start)
		*out_start = start;
	if (out_end)
		*out_end = end;
	if (out_nid)
		*out_nid = nid;
}

/**
 * __next_mem_range - next function for for_each_free_mem_range() etc.
 * @idx: pointer to u64 loop variable
 * @nid: node selector, %NUMA_NO_NODE for all nodes
 * @flags: pick from blocks based on memory attributes
 * @type_a: pointer to memblock_type from where the range is taken
 * @type_b: pointer to memblock_type which excludes memory from being taken, or NULL
 * @out_start: ptr to phys_addr_t for start address of the range, can be %NULL
 * @out_end: ptr to phys_addr_t for end address of the range, can be %NULL
 * @out_nid: ptr to int for nid of the range, can be %NULL
 *
 * Find the first area from *@idx which matches @nid, fill the out parameters, and update
 * *@idx for the next iteration. The lower 32 bits of *@idx index @type_a and the upper 32 bits
 * index the gaps of @type_b: with @type_b the ranges are @type_a minus @type_b, found by
 * walking both sorted arrays once, like a merge. *@idx becomes ULLONG_MAX at the end.
 * Context: while no other thread changes memblock.
 */
void __next_mem_range(u64 *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	long a = (long)(u32)*idx;
	long b = (long)(u32)(*idx >> 32);

	for (; (unsigned long)a < type_a->cnt; a++) {
		const struct memblock_region *m = &type_a->regions[a];
		phys_addr_t m_start = m->base, m_end = rgn_end(m);

		if (should_skip_region(type_a, m, nid, flags))
			continue;
		if (!type_b) {
			mem_range_out(out_start, out_end, out_nid, m_start, m_end, m->nid);
			mem_range_idx_set(idx, a + 1, b);
			return;
		}
		for (; (unsigned long)b <= type_b->cnt; b++) {
			phys_addr_t g_start = gap_start(type_b, b), g_end = gap_end(type_b, b);

			if (g_start >= m_end)
				break;          /* gaps from here on are above m: next m */
			if (g_end <= m_start || g_start == g_end)
				continue;       /* gap below m, or none between touching regions */
			mem_range_out(out_start, out_end, out_nid,
				      m_start > g_start ? m_start : g_start,
				      m_end < g_end ? m_end : g_end, m->nid);
			/* Advance whichever ends first; the other may still meet the next one. */
			if (m_end <= g_end)
				a++;
			else
				b++;
			mem_range_idx_set(idx, a, b);
			return;
		}
	}
	*idx = ULLONG_MAX;
}

/**
 * __next_mem_range_rev - generic next function for for_each_*_range_rev()
 * @idx: pointer to u64 loop variable, ULLONG_MAX to start
 * @nid: node selector, %NUMA_NO_NODE for all nodes
 * @flags: pick from blocks based on memory attributes
 * @type_a: pointer to memblock_type from where the range is taken
 * @type_b: pointer to memblock_type which excludes memory from being taken, or NULL
 * @out_start: ptr to phys_addr_t for start address of the range, can be %NULL
 * @out_end: ptr to phys_addr_t for end address of the range, can be %NULL
 * @out_nid: ptr to int for nid of the range, can be %NULL
 *
 * As __next_mem_range(), from the highest range down.
 * Context: while no other thread changes memblock.
 */
void __next_mem_range_rev(u64 *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	long a, b;

	if (*idx == ULLONG_MAX) {
		a = (long)type_a->cnt - 1;
		b = type_b ? (long)type_b->cnt : 0;
	} else {
		a = (long)(s32)(u32)*idx;
		b = (long)(s32)(u32)(*idx >> 32);
	}

	for (; a >= 0; a--) {
		const struct memblock_region *m = &type_a->regions[a];
		phys_addr_t m_start = m->base, m_end = rgn_end(m);

		if (should_skip_region(type_a, m, nid, flags))
			continue;
		if (!type_b) {
			mem_range_out(out_start, out_end, out_nid, m_start, m_end, m->nid);
			mem_range_idx_set(idx, a - 1, b);
			return;
		}
		for (; b >= 0; b--) {
			phys_addr_t g_start = gap_start(type_b, b), g_end = gap_end(type_b, b);

			if (g_end <= m_start)
				break;          /* gaps from here down are below m: next m */
			if (g_start >= m_end || g_start == g_end)
				continue;       /* gap above m, or none between touching regions */
			mem_range_out(out_start, out_end, out_nid,
				      m_start > g_start ? m_start : g_start,
				      m_end < g_end ? m_end : g_end, m->nid);
			if (m_start >= g_start)
				a--;
			else
				b--;
			mem_range_idx_set(idx, a, b);
			return;
		}
	}
	*idx = ULLONG_MAX;
}

/**
 * __next_mem_pfn_range - next function for for_each_mem_pfn_range()
 * @idx: pointer to int loop variable, -1 to start
 * @nid: node selector, %MAX_NUMNODES or %NUMA_NO_NODE for all nodes
 * @out_start_pfn: ptr to ulong for start pfn of the range, can be %NULL
 * @out_end_pfn: ptr to ulong for end pfn of the range, can be %NULL
 * @out_nid: ptr to int for nid of the range, can be %NULL
 *
 * Regions that hold no whole page are skipped. *@idx becomes -1 at the end.
 * Context: while no other thread changes memblock.
 */
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid)
{
	const struct memblock_type *type = &memblock.memory;
	const struct memblock_region *r;

	while ((unsigned long)++*idx < type->cnt) {
		r = &type->regions[*idx];
		if (memblock_region_memory_base_pfn(r) >= memblock_region_memory_end_pfn(r))
			continue;
		if (!numa_valid_node(nid) || nid == r->nid)
			break;
	}
	if ((unsigned long)*idx >= type->cnt) {
		*idx = -1;
		return;
	}
	if (out_start_pfn)
		*out_start_pfn = memblock_region_memory_base_pfn(r);
	if (out_end_pfn)
		*out_end_pfn = memblock_region_memory_end_pfn(r);
	if (out_nid)
		*out_nid = r->nid;
}
