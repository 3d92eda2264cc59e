/* lib/boot/memblock_alloc.c - memblock's allocator: find a free range (memory minus reserved)
 * of the right size, alignment, node and address window, and reserve it. Follows Linux 6.x
 * mm/memblock.c (memblock_find_in_range_node, memblock_alloc_range_nid, memblock_alloc_internal).
 *
 * Search order: top-down by default (the highest fitting, aligned address of the highest free
 * range), bottom-up after memblock_set_bottom_up(true). The first page is never handed out, so
 * physical address 0 can mean failure. A node request falls back to any node unless it is
 * exact; a virtual (memblock_alloc*) request is capped at memblock.current_limit, so the result
 * is always in the linear map, and retried without its lower limit before giving up.
 */
#include <errno.h>
#include <string.h>

#include "boot/memblock_internal.h"

#ifndef SMP_CACHE_BYTES
#define SMP_CACHE_BYTES 64
#endif

static inline phys_addr_t clamp_phys(phys_addr_t v, phys_addr_t lo, phys_addr_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Highest @align-aligned start of @size bytes inside [start, end), or 0. */
static phys_addr_t memblock_find_range_top_down(phys_addr_t start, phys_addr_t end,
						phys_addr_t size, phys_addr_t align, int nid,
						enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	u64 i;

	for_each_free_mem_range_reverse(i, nid, flags, &this_start, &this_end, NULL) {
		this_start = clamp_phys(this_start, start, end);
		this_end = clamp_phys(this_end, start, end);
		if (this_end < size)
			continue;
		cand = (this_end - size) & ~(align - 1);
		if (cand >= this_start)
			return cand;
	}
	return 0;
}

/* Lowest @align-aligned start of @size bytes inside [start, end), or 0. */
static phys_addr_t memblock_find_range_bottom_up(phys_addr_t start, phys_addr_t end,
						 phys_addr_t size, phys_addr_t align, int nid,
						 enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	u64 i;

	for_each_free_mem_range(i, nid, flags, &this_start, &this_end, NULL) {
		this_start = clamp_phys(this_start, start, end);
		this_end = clamp_phys(this_end, start, end);
		if (this_start > PHYS_ADDR_MAX - (align - 1))
			continue;               /* rounding up would wrap */
		cand = (this_start + align - 1) & ~(align - 1);
		if (cand < this_end && this_end - cand >= size)
			return cand;
	}
	return 0;
}

/*
 * memblock_find_in_range_node - find a free area of @size bytes, @align aligned, inside
 * [@start, @end) on @nid (NUMA_NO_NODE: any). @end MEMBLOCK_ALLOC_ACCESSIBLE means the current
 * limit. Return: the start of the area, or 0.
 */
static phys_addr_t memblock_find_in_range_node(phys_addr_t size, phys_addr_t align,
					       phys_addr_t start, phys_addr_t end, int nid,
					       enum memblock_flags flags)
{
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = memblock.current_limit;
	/* Never the first page: 0 is the failure value. */
	if (start < PAGE_SIZE)
		start = PAGE_SIZE;
	if (end < start)
		end = start;

	if (memblock_bottom_up())
		return memblock_find_range_bottom_up(start, end, size, align, nid, flags);
	return memblock_find_range_top_down(start, end, size, align, nid, flags);
}

/* Validate @size and *@align (0 means SMP_CACHE_BYTES, as the kernel). Return: true if usable. */
static bool memblock_alloc_args_ok(const char *func, phys_addr_t size, phys_addr_t *align)
{
	if (!size)
		return false;
	if (!*align) {
		fprintf(stderr, "memblock: %s: zero alignment, using SMP_CACHE_BYTES\n", func);
		*align = SMP_CACHE_BYTES;
	}
	if (*align & (*align - 1)) {
		fprintf(stderr, "memblock: %s: alignment 0x%llx is not a power of two\n", func,
			(unsigned long long)*align);
		return false;
	}
	return true;
}

static void memblock_alloc_warn(const char *func, phys_addr_t size, phys_addr_t align, int nid,
				phys_addr_t from, phys_addr_t max_addr)
{
	fprintf(stderr, "%s: Failed to allocate %llu bytes align=0x%llx nid=%d from=0x%016llx "
		"max_addr=0x%016llx\n", func, (unsigned long long)size, (unsigned long long)align,
		nid, (unsigned long long)from, (unsigned long long)max_addr);
}

/**
 * memblock_alloc_range_nid - allocate boot memory block
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size (power of two; 0 = SMP_CACHE_BYTES)
 * @start: the lower bound of the memory region to allocate (phys address)
 * @end: the upper bound of the memory region to allocate (phys address), exclusive;
 *       MEMBLOCK_ALLOC_ACCESSIBLE for memblock.current_limit
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 * @exact_nid: control the allocation fall back to other nodes
 *
 * Find a free area on @nid inside [@start, @end) and reserve it. When @nid has none and
 * @exact_nid is false, any node will do. Mirrored memory is not preferred (numamm has none).
 * This is the silent core: it prints nothing on failure.
 * Context: boot, single-threaded.
 * Return: physical address of the allocated block, or 0 on failure.
 */
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid)
{
	enum memblock_flags flags = MEMBLOCK_NONE;
	phys_addr_t found;

	if (nid == MAX_NUMNODES)
		nid = NUMA_NO_NODE;
	if (!memblock_alloc_args_ok(__func__, size, &align))
		return 0;

	found = memblock_find_in_range_node(size, align, start, end, nid, flags);
	if (found && !memblock_reserve(found, size))
		return found;

	if (numa_valid_node(nid) && !exact_nid) {
		found = memblock_find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
		if (found && !memblock_reserve(found, size))
			return found;
	}
	return 0;
}

/**
 * memblock_phys_alloc_range - allocate a memory block inside specified range
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @start: the lower bound of the memory region to allocate (physical address)
 * @end: the upper bound of the memory region to allocate (physical address), exclusive;
 *       MEMBLOCK_ALLOC_ACCESSIBLE for memblock.current_limit, MEMBLOCK_ALLOC_ANYWHERE for none
 *
 * Context: boot, single-threaded.
 * Return: physical address of the allocated memory block on success, 0 on failure (with a
 * one-line warning).
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end)
{
	char who[NMM_CALLER_LEN];
	phys_addr_t found;

	memblock_dbg("%s: %llu bytes align=0x%llx from=0x%016llx max_addr=0x%016llx %s\n",
		     __func__, (unsigned long long)size, (unsigned long long)align,
		     (unsigned long long)start, (unsigned long long)end,
		     nmm_memblock_caller(_RET_IP_, who, sizeof(who)));
	found = memblock_alloc_range_nid(size, align, start, end, NUMA_NO_NODE, false);
	if (!found)
		memblock_alloc_warn(__func__, size, align, NUMA_NO_NODE, start, end);
	return found;
}

/**
 * memblock_phys_alloc_try_nid - allocate a memory block from specified NUMA node
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Allocates memory block from the specified NUMA node, below memblock.current_limit. If the
 * node has no such memory, falls back to any node.
 * Context: boot, single-threaded.
 * Return: physical address of the allocated memory block on success, 0 on failure (with a
 * one-line warning).
 */
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid)
{
	phys_addr_t found;

	found = memblock_alloc_range_nid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
	if (!found)
		memblock_alloc_warn(__func__, size, align, nid, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
	return found;
}

/*
 * memblock_alloc_internal - the virtual allocators' common part: cap @max_addr at the current
 * limit, try [min_addr, max_addr), then [0, max_addr). Return: linear-map address or NULL.
 */
static void *memblock_alloc_internal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				     phys_addr_t max_addr, int nid, bool exact_nid)
{
	phys_addr_t alloc;

	if (max_addr > memblock.current_limit)
		max_addr = memblock.current_limit;

	alloc = memblock_alloc_range_nid(size, align, min_addr, max_addr, nid, exact_nid);
	if (!alloc && min_addr)
		alloc = memblock_alloc_range_nid(size, align, 0, max_addr, nid, exact_nid);
	return alloc ? phys_to_virt(alloc) : NULL;
}

/* The public allocators' common body: the debug line naming the caller, the allocation, the
 * warning on failure. @ret_ip is the public function's return address. */
static void *memblock_alloc_logged(const char *func, void *ret_ip, phys_addr_t size, phys_addr_t align,
				   phys_addr_t min_addr, phys_addr_t max_addr, int nid, bool exact_nid)
{
	char who[NMM_CALLER_LEN];
	void *ptr;

	memblock_dbg("%s: %llu bytes align=0x%llx nid=%d from=0x%016llx max_addr=0x%016llx %s\n",
		     func, (unsigned long long)size, (unsigned long long)align, nid,
		     (unsigned long long)min_addr, (unsigned long long)max_addr,
		     nmm_memblock_caller(ret_ip, who, sizeof(who)));
	ptr = memblock_alloc_internal(size, align, min_addr, max_addr, nid, exact_nid);
	if (!ptr)
		memblock_alloc_warn(func, size, align, nid, min_addr, max_addr);
	return ptr;
}

/**
 * memblock_alloc_exact_nid_raw - allocate boot memory block on the exact node
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region to allocate (phys address)
 * @max_addr: the upper bound of the memory region to allocate (phys address)
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * As memblock_alloc_try_nid_raw(), without falling back to other nodes.
 * Context: boot, single-threaded.
 * Return: virtual (linear-map) address of the uninitialised block, or NULL on failure (with a
 * one-line warning).
 */
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid)
{
	return memblock_alloc_logged(__func__, _RET_IP_, size, align, min_addr, max_addr, nid, true);
}

/**
 * memblock_alloc_try_nid_raw - allocate boot memory block without zeroing memory
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region from where the allocation is preferred
 *	      (phys address)
 * @max_addr: the upper bound of the memory region from where the allocation is preferred
 *	      (phys address), or %MEMBLOCK_ALLOC_ACCESSIBLE to allocate only from memory limited
 *	      by memblock.current_limit value
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Public function, provides additional debug information (including caller info), if enabled.
 * Does not zero allocated memory. Never returns memory above memblock.current_limit.
 * Context: boot, single-threaded.
 * Return: virtual address of the allocated memory block on success, NULL on failure (with a
 * one-line warning).
 */
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid)
{
	return memblock_alloc_logged(__func__, _RET_IP_, size, align, min_addr, max_addr, nid, false);
}

/**
 * memblock_alloc_try_nid - allocate boot memory block
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region from where the allocation is preferred
 *	      (phys address)
 * @max_addr: the upper bound of the memory region from where the allocation is preferred
 *	      (phys address), or %MEMBLOCK_ALLOC_ACCESSIBLE to allocate only from memory limited
 *	      by memblock.current_limit value
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Public function, provides additional debug information (including caller info), if enabled.
 * Zeroes the allocated memory. The block is on @nid when @nid has room, else on any node;
 * inside [@min_addr, @max_addr) when that has room, else below @max_addr.
 * Context: boot, single-threaded.
 * Return: virtual address of the allocated memory block on success, NULL on failure (with a
 * one-line warning).
 */
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid)
{
	void *ptr = memblock_alloc_logged(__func__, _RET_IP_, size, align, min_addr, max_addr, nid, false);
	if (ptr)
		memset(ptr, 0, size);
	return ptr;
}
