/* lib/boot/memblock.c - memblock's region arrays: add, remove, reserve, free, node and flag
 * changes, queries, and the array growth and reset. Follows Linux 6.x mm/memblock.c.
 *
 * Every change to a type goes through two primitives:
 *   memblock_add_range()      fills the holes of [base, end) with new regions, then merges
 *   memblock_isolate_range()  splits regions at base and end so [base, end) is whole regions
 * Removal, node assignment and flag changes isolate first and then work on whole regions.
 *
 * Arrays double when full. The new array is an anonymous mmap, never malloc (numamm becomes
 * malloc) and never memblock memory (numamm's physical memory is not mapped before boot ends;
 * the kernel, which must use its own memory, allocates the array from memblock instead).
 * Region counts are small (tens at boot), so every change re-merges the whole array: O(cnt),
 * the same order as the memmove that inserting a region already costs.
 * See linux/memblock.h for the invariants, memblock_iter.c for the range walks,
 * memblock_alloc.c for the allocator and memblock_dump.c for the debug output.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "boot/memblock_internal.h"

static struct memblock_region memblock_memory_init_regions[INIT_MEMBLOCK_MEMORY_REGIONS];
static struct memblock_region memblock_reserved_init_regions[INIT_MEMBLOCK_RESERVED_REGIONS];

struct memblock memblock = {
	.memory.regions = memblock_memory_init_regions,
	.memory.max = INIT_MEMBLOCK_MEMORY_REGIONS,
	.memory.name = "memory",

	.reserved.regions = memblock_reserved_init_regions,
	.reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS,
	.reserved.name = "reserved",

	.bottom_up = false,
	.current_limit = MEMBLOCK_ALLOC_ANYWHERE,
};

int memblock_debug;

/* A range is valid when it is not empty and its end is representable. */
static inline bool memblock_range_ok(phys_addr_t base, phys_addr_t size)
{
	return size != 0 && size <= PHYS_ADDR_MAX - base;
}

/* For queries, which have no error return: clip @size so base + size does not wrap. */
static inline phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t size)
{
	return size < PHYS_ADDR_MAX - base ? size : PHYS_ADDR_MAX - base;
}

static bool memblock_array_is_static(const struct memblock_type *type)
{
	return type->regions == memblock_memory_init_regions ||
	       type->regions == memblock_reserved_init_regions;
}

/*
 * Grow @type's array to twice its entries. The old contents are copied and a grown (mmap'ed)
 * old array is unmapped; the static initial arrays stay, unused, until nmm_memblock_reset().
 */
static int memblock_double_array(struct memblock_type *type)
{
	unsigned long new_max = type->max * 2;
	size_t old_bytes = type->max * sizeof(struct memblock_region);
	size_t new_bytes = new_max * sizeof(struct memblock_region);
	struct memblock_region *new_array;

	if (new_max < type->max || new_bytes / sizeof(struct memblock_region) != new_max)
		goto fail;
	new_array = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (new_array == MAP_FAILED)
		goto fail;

	memcpy(new_array, type->regions, old_bytes);
	if (!memblock_array_is_static(type))
		munmap(type->regions, old_bytes);
	type->regions = new_array;
	type->max = new_max;
	memblock_dbg("memblock: %s is doubled to %lu at [%p-%p]\n", type->name, new_max,
		     (void *)new_array, (void *)((char *)new_array + new_bytes - 1));
	return 0;
fail:
	fprintf(stderr, "memblock: Failed to double %s array from %lu to %lu entries !\n",
		type->name, type->max, type->max * 2);
	return -ENOMEM;
}

/* Make room for @extra more regions. */
static int memblock_reserve_slots(struct memblock_type *type, unsigned long extra)
{
	while (type->cnt + extra > type->max)
		if (memblock_double_array(type))
			return -ENOMEM;
	return 0;
}

static void memblock_insert_region(struct memblock_type *type, unsigned long idx,
				   phys_addr_t base, phys_addr_t size, int nid,
				   enum memblock_flags flags)
{
	struct memblock_region *r = &type->regions[idx];

	memmove(r + 1, r, (type->cnt - idx) * sizeof(*r));
	r->base = base;
	r->size = size;
	r->flags = flags;
	r->nid = nid;
	type->cnt++;
	type->total_size += size;
}

static void memblock_remove_region(struct memblock_type *type, unsigned long idx)
{
	struct memblock_region *r = &type->regions[idx];

	type->total_size -= r->size;
	memmove(r, r + 1, (type->cnt - idx - 1) * sizeof(*r));
	type->cnt--;
	memset(&type->regions[type->cnt], 0, sizeof(*r));
}

/* Merge every pair of touching neighbours with equal node and flags. */
static void memblock_merge_regions(struct memblock_type *type)
{
	unsigned long i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = this + 1;

		if (rgn_end(this) != next->base || this->nid != next->nid ||
		    this->flags != next->flags) {
			i++;
			continue;
		}
		this->size += next->size;        /* total_size is unchanged */
		memmove(next, next + 1, (type->cnt - i - 2) * sizeof(*next));
		type->cnt--;
		memset(&type->regions[type->cnt], 0, sizeof(*next));
	}
}

/*
 * Walk @type's regions against [base, end) and call out for every hole the range covers.
 * With @insert false it only counts the holes; with @insert true it fills them.
 * Return: the number of holes.
 */
static unsigned long memblock_fill_holes(struct memblock_type *type, phys_addr_t base,
					 phys_addr_t end, int nid, enum memblock_flags flags,
					 bool insert)
{
	unsigned long i, holes = 0;

	for (i = 0; i < type->cnt && base < end; i++) {
		const struct memblock_region *r = &type->regions[i];
		phys_addr_t rbase = r->base, rend = rgn_end(r);

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		/* r overlaps: the part of the new range below it is a hole. */
		if (rbase > base) {
			holes++;
			if (insert)
				memblock_insert_region(type, i++, base, rbase - base, nid, flags);
		}
		base = rend < end ? rend : end;
	}
	if (base < end) {
		holes++;
		if (insert)
			memblock_insert_region(type, i, base, end - base, nid, flags);
	}
	return holes;
}

/*
 * memblock_add_range - add [base, base + size) to @type. Parts already covered keep their
 * existing node and flags; the new parts get @nid and @flags; neighbours merge.
 */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
			      int nid, enum memblock_flags flags)
{
	phys_addr_t end;
	unsigned long holes;

	if (!memblock_range_ok(base, size))
		return -EINVAL;
	end = base + size;

	holes = memblock_fill_holes(type, base, end, nid, flags, false);
	if (!holes)
		return 0;
	if (memblock_reserve_slots(type, holes))
		return -ENOMEM;
	memblock_fill_holes(type, base, end, nid, flags, true);
	memblock_merge_regions(type);
	return 0;
}

/*
 * memblock_isolate_range - split regions of @type so [base, base + size) is covered by whole
 * regions, returned as indices [*start_rgn, *end_rgn) (empty when nothing overlaps).
 */
static int memblock_isolate_range(struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size, unsigned long *start_rgn,
				  unsigned long *end_rgn)
{
	phys_addr_t end;
	unsigned long i;

	*start_rgn = *end_rgn = 0;
	if (!memblock_range_ok(base, size))
		return -EINVAL;
	end = base + size;
	/* At most two splits: one at base, one at end. */
	if (memblock_reserve_slots(type, 2))
		return -ENOMEM;

	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t rbase = r->base, rend = rgn_end(r);
		int nid = r->nid;
		enum memblock_flags flags = r->flags;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;

		if (rbase < base) {
			/* Straddles base: keep [rbase, base) as its own region, look at the rest
			 * (which may also straddle end) on the next iteration. */
			r->base = base;
			r->size = rend - base;
			type->total_size -= base - rbase;
			memblock_insert_region(type, i, rbase, base - rbase, nid, flags);
		} else if (rend > end) {
			/* Straddles end: split off [rbase, end) and look at it again. */
			r->base = end;
			r->size = rend - end;
			type->total_size -= end - rbase;
			memblock_insert_region(type, i, rbase, end - rbase, nid, flags);
			i--;
		} else {
			if (*end_rgn == 0)
				*start_rgn = i;
			*end_rgn = i + 1;
		}
	}
	return 0;
}

static int memblock_remove_range(struct memblock_type *type, phys_addr_t base,
				 phys_addr_t size)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = end_rgn; i > start_rgn; i--)
		memblock_remove_region(type, i - 1);
	return 0;
}

static int memblock_setclr_flag(struct memblock_type *type, phys_addr_t base,
				phys_addr_t size, bool set, enum memblock_flags flag)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++) {
		if (set)
			type->regions[i].flags |= flag;
		else
			type->regions[i].flags &= ~flag;
	}
	memblock_merge_regions(type);
	return 0;
}

/* The debug line of the range operations: "memblock_reserve: [0x...-0x...] caller". */
static void memblock_dbg_range(const char *func, phys_addr_t base, phys_addr_t size, void *ret_ip)
{
	char who[NMM_CALLER_LEN];

	memblock_dbg("%s: [0x%016llx-0x%016llx] %s\n", func, (unsigned long long)base,
		     (unsigned long long)(base + size - 1), nmm_memblock_caller(ret_ip, who, sizeof(who)));
}

/**
 * memblock_add_node - add new memblock region within a NUMA node
 * @base: base address of the new region
 * @size: size of the new region
 * @nid: nid of the new region
 * @flags: flags of the new region
 *
 * Add new memblock region [@base, @base + @size) to the "memory" regions. Parts that are
 * already memory keep their node and flags; touching regions of the same node and flags merge.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL for an empty or wrapping range, -ENOMEM when the region array
 * cannot grow.
 */
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid, enum memblock_flags flags)
{
	char who[NMM_CALLER_LEN];

	memblock_dbg("%s: [0x%016llx-0x%016llx] nid=%d flags=%x %s\n", __func__,
		     (unsigned long long)base, (unsigned long long)(base + size - 1), nid, flags,
		     nmm_memblock_caller(_RET_IP_, who, sizeof(who)));
	return memblock_add_range(&memblock.memory, base, size, nid, flags);
}

/**
 * memblock_add - add new memblock region
 * @base: base address of the new region
 * @size: size of the new region
 *
 * Add new memblock region [@base, @base + @size) to the "memory" regions, on no node
 * (MAX_NUMNODES) until memblock_set_node() assigns one.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL for an empty or wrapping range, -ENOMEM when the region array
 * cannot grow.
 */
int memblock_add(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size, _RET_IP_);
	return memblock_add_range(&memblock.memory, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

/**
 * memblock_remove - remove a range from the "memory" regions
 * @base: phys starting address of the range
 * @size: size of the range
 *
 * Regions straddling the range's edges are split; the parts inside are dropped.
 * Context: boot, single-threaded.
 * Return: 0 on success (also when nothing was there), -EINVAL for an empty or wrapping range,
 * -ENOMEM when a split needs the array to grow and it cannot.
 */
int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size, _RET_IP_);
	return memblock_remove_range(&memblock.memory, base, size);
}

/**
 * memblock_reserve - mark a physical range as reserved (allocated)
 * @base: phys starting address of the range
 * @size: size of the range
 *
 * The range need not be memory: reserving a hole is recorded as such.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL for an empty or wrapping range, -ENOMEM when the region array
 * cannot grow.
 */
int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size, _RET_IP_);
	return memblock_add_range(&memblock.reserved, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

/**
 * memblock_phys_free - free boot memory block
 * @base: phys starting address of the boot memory block
 * @size: size of the boot memory block in bytes
 *
 * Drop [@base, @base + @size) from the "reserved" regions; it becomes free memory again.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL for an empty or wrapping range, -ENOMEM when a split needs
 * the array to grow and it cannot.
 */
int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size, _RET_IP_);
	return memblock_remove_range(&memblock.reserved, base, size);
}

/**
 * memblock_free - free boot memory allocation
 * @ptr: starting address (linear map) of the boot memory allocation, or NULL
 * @size: size of the boot memory block in bytes
 *
 * The counterpart of memblock_alloc*(): frees a virtual address range.
 * Context: boot, single-threaded.
 */
void memblock_free(void *ptr, size_t size)
{
	if (ptr)
		memblock_phys_free(__pa(ptr), size);
}

/**
 * memblock_set_node - set node ID on memblock regions
 * @base: base of area to set node ID for
 * @size: size of area to set node ID for
 * @type: memblock type to set node ID for
 * @nid: node ID to set
 *
 * Set the nid of the regions of @type inside [@base, @base + @size), splitting regions that
 * straddle the edges; the result merges with neighbours of the same node and flags.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL for an empty or wrapping range, -ENOMEM when a split needs the
 * array to grow and it cannot.
 */
int memblock_set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		memblock_set_region_node(&type->regions[i], nid);
	memblock_merge_regions(type);
	return 0;
}

/**
 * memblock_mark_hotplug - mark hotpluggable memory with flag MEMBLOCK_HOTPLUG.
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL or -ENOMEM as memblock_set_node().
 */
int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, true, MEMBLOCK_HOTPLUG);
}

/**
 * memblock_clear_hotplug - clear flag MEMBLOCK_HOTPLUG for a specified region.
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL or -ENOMEM as memblock_set_node().
 */
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, false, MEMBLOCK_HOTPLUG);
}

/**
 * memblock_mark_mirror - mark mirrored memory with flag MEMBLOCK_MIRROR.
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL or -ENOMEM as memblock_set_node().
 */
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, true, MEMBLOCK_MIRROR);
}

/**
 * memblock_mark_nomap - mark a memory region with flag MEMBLOCK_NOMAP.
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * NOMAP memory stays in "memory" (it exists) but allocations and free-range walks skip it.
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL or -ENOMEM as memblock_set_node().
 */
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, true, MEMBLOCK_NOMAP);
}

/**
 * memblock_clear_nomap - clear flag MEMBLOCK_NOMAP for a specified region.
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Context: boot, single-threaded.
 * Return: 0 on success, -EINVAL or -ENOMEM as memblock_set_node().
 */
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, false, MEMBLOCK_NOMAP);
}

/* ---- queries -------------------------------------------------------------------------------- */

/* Index of the region of @type that contains @addr, or -1. Regions are sorted: bisect. */
static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long lo = 0, hi = type->cnt;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr >= rgn_end(r))
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/**
 * memblock_phys_mem_size - total bytes of "memory" regions
 *
 * Context: any, while no other thread changes memblock.
 * Return: memblock.memory.total_size.
 */
phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

/**
 * memblock_reserved_size - total bytes of "reserved" regions
 *
 * Context: any, while no other thread changes memblock.
 * Return: memblock.reserved.total_size.
 */
phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

/**
 * memblock_start_of_DRAM - lowest physical address of memory
 *
 * Context: any, while no other thread changes memblock.
 * Return: the base of the first memory region; 0 when there is no memory.
 */
phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

/**
 * memblock_end_of_DRAM - end (exclusive) of the highest memory region
 *
 * Context: any, while no other thread changes memblock.
 * Return: base + size of the last memory region; 0 when there is no memory.
 */
phys_addr_t memblock_end_of_DRAM(void)
{
	unsigned long n = memblock.memory.cnt;

	return n ? rgn_end(&memblock.memory.regions[n - 1]) : 0;
}

/**
 * memblock_is_memory - is @addr inside a "memory" region?
 * @addr: physical address
 *
 * Context: any, while no other thread changes memblock.
 * Return: true when some memory region contains @addr.
 */
bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) != -1;
}

/**
 * memblock_is_map_memory - is @addr memory that is in the linear map (not NOMAP)?
 * @addr: physical address
 *
 * Context: any, while no other thread changes memblock.
 * Return: true when a memory region without MEMBLOCK_NOMAP contains @addr.
 */
bool memblock_is_map_memory(phys_addr_t addr)
{
	long i = memblock_search(&memblock.memory, addr);

	return i != -1 && !memblock_is_nomap(&memblock.memory.regions[i]);
}

/**
 * memblock_is_region_memory - check if a region is a subset of memory
 * @base: base of region to check
 * @size: size of region to check
 *
 * As the kernel: the whole range must lie in the single memory region that contains @base
 * (touching regions of different nodes or flags do not count as one).
 * Context: any, while no other thread changes memblock.
 * Return: true when [@base, @base + @size) is inside one memory region.
 */
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	long i = memblock_search(&memblock.memory, base);
	phys_addr_t end = base + memblock_cap_size(base, size);

	if (i == -1)
		return false;
	return rgn_end(&memblock.memory.regions[i]) >= end;
}

/**
 * memblock_is_reserved - is @addr inside a "reserved" region?
 * @addr: physical address
 *
 * Context: any, while no other thread changes memblock.
 * Return: true when some reserved region contains @addr.
 */
bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) != -1;
}

/**
 * memblock_overlaps_region - does [@base, @base + @size) overlap any region of @type?
 * @type: memblock type to look in
 * @base: base of the range
 * @size: size of the range
 *
 * Context: any, while no other thread changes memblock.
 * Return: true when at least one byte of the range is in a region of @type.
 */
bool memblock_overlaps_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + memblock_cap_size(base, size);
	unsigned long i;

	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		if (r->base >= end)
			break;
		if (base < rgn_end(r) && r->base < end && size)
			return true;
	}
	return false;
}

/**
 * memblock_is_region_reserved - check if a region intersects reserved memory
 * @base: base of region to check
 * @size: size of region to check
 *
 * Context: any, while no other thread changes memblock.
 * Return: true when any byte of [@base, @base + @size) is reserved.
 */
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	return memblock_overlaps_region(&memblock.reserved, base, size);
}

/**
 * memblock_set_current_limit - set the highest address memblock_alloc*() may return memory at
 * @limit: physical address limit (exclusive); MEMBLOCK_ALLOC_ANYWHERE for none
 *
 * Boot sets it to the lowmem limit, so early allocations are always in the linear map.
 * Context: boot, single-threaded.
 */
void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

/**
 * memblock_get_current_limit - the allocation limit set by memblock_set_current_limit()
 *
 * Context: any.
 * Return: memblock.current_limit.
 */
phys_addr_t memblock_get_current_limit(void)
{
	return memblock.current_limit;
}

/*
 * Address at which the first @limit bytes of memory (skipping NOMAP, as the kernel does for
 * mem=) end, or PHYS_ADDR_MAX when there is not that much memory.
 */
static phys_addr_t memblock_memory_limit_addr(phys_addr_t limit)
{
	unsigned long i;

	for (i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		if (memblock_is_nomap(r))
			continue;
		if (limit <= r->size)
			return r->base + limit;
		limit -= r->size;
	}
	return PHYS_ADDR_MAX;
}

/**
 * memblock_enforce_memory_limit - keep only the first @limit bytes of memory (mem=)
 * @limit: bytes of memory to keep, counted from the lowest address; 0 does nothing
 *
 * Memory above the cut is removed; reservations above it are dropped too.
 * Context: boot, single-threaded.
 */
void memblock_enforce_memory_limit(phys_addr_t limit)
{
	phys_addr_t max_addr;

	if (!limit)
		return;
	max_addr = memblock_memory_limit_addr(limit);
	if (max_addr == PHYS_ADDR_MAX)
		return;
	memblock_remove_range(&memblock.memory, max_addr, PHYS_ADDR_MAX - max_addr);
	memblock_remove_range(&memblock.reserved, max_addr, PHYS_ADDR_MAX - max_addr);
}

/**
 * memblock_cap_memory_range - keep only the memory inside [@base, @base + @size)
 * @base: base of the range to keep
 * @size: its size; 0 does nothing
 *
 * Memory outside is removed, and so are reservations outside (they cannot be freed later).
 * Context: boot, single-threaded.
 */
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;
	long i;

	if (!size)
		return;
	size = memblock_cap_size(base, size);
	if (!memblock.memory.cnt) {
		fprintf(stderr, "memblock: %s: No memory registered yet\n", __func__);
		return;
	}
	if (memblock_isolate_range(&memblock.memory, base, size, &start_rgn, &end_rgn))
		return;

	/* Drop every memory region outside [start_rgn, end_rgn), highest first. */
	for (i = (long)memblock.memory.cnt - 1; i >= (long)end_rgn; i--)
		if (!memblock_is_nomap(&memblock.memory.regions[i]))
			memblock_remove_region(&memblock.memory, i);
	for (i = (long)start_rgn - 1; i >= 0; i--)
		if (!memblock_is_nomap(&memblock.memory.regions[i]))
			memblock_remove_region(&memblock.memory, i);

	if (base)
		memblock_remove_range(&memblock.reserved, 0, base);
	if (base + size < PHYS_ADDR_MAX)
		memblock_remove_range(&memblock.reserved, base + size,
				      PHYS_ADDR_MAX - (base + size));
}

/**
 * memblock_trim_memory - shrink memory regions to @align boundaries
 * @align: alignment (power of two); regions smaller than one aligned block are dropped
 *
 * Context: boot, single-threaded.
 */
void memblock_trim_memory(phys_addr_t align)
{
	struct memblock_type *type = &memblock.memory;
	unsigned long i = 0;

	if (!align || (align & (align - 1)))
		return;
	while (i < type->cnt) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t start = r->base + ((align - (r->base & (align - 1))) & (align - 1));
		phys_addr_t end = rgn_end(r) & ~(align - 1);

		if (start < r->base || start >= end) {
			memblock_remove_region(type, i);
			continue;
		}
		type->total_size -= r->size - (end - start);
		r->base = start;
		r->size = end - start;
		i++;
	}
}

/* ---- consistency ---------------------------------------------------------------------------- */

static bool memblock_type_is_valid(const struct memblock_type *type)
{
	phys_addr_t sum = 0;
	unsigned long i;

	if (type->cnt > type->max || !type->regions)
		return false;
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		if (!memblock_range_ok(r->base, r->size))
			return false;
		sum += r->size;
		if (i + 1 < type->cnt) {
			const struct memblock_region *n = r + 1;

			if (rgn_end(r) > n->base)
				return false;           /* unsorted or overlapping */
			if (rgn_end(r) == n->base && r->nid == n->nid && r->flags == n->flags)
				return false;           /* should have been merged */
		}
	}
	return sum == type->total_size;
}

/**
 * nmm_memblock_is_valid - check the invariants of both region arrays
 *
 * Regions sorted and not overlapping, touching neighbours differing in node or flags,
 * total_size the sum of the sizes, cnt within max. O(cnt); for debug checks and tests.
 * Context: while no other thread changes memblock.
 * Return: true when memblock.memory and memblock.reserved are both consistent.
 */
bool nmm_memblock_is_valid(void)
{
	return memblock_type_is_valid(&memblock.memory) &&
	       memblock_type_is_valid(&memblock.reserved);
}

/* ---- reset ---------------------------------------------------------------------------------- */

static void memblock_type_reset(struct memblock_type *type, struct memblock_region *init,
				unsigned long init_max)
{
	if (type->regions != init)
		munmap(type->regions, type->max * sizeof(struct memblock_region));
	memset(init, 0, init_max * sizeof(*init));
	type->regions = init;
	type->max = init_max;
	type->cnt = 0;
	type->total_size = 0;
}

/**
 * nmm_memblock_reset - return memblock to its empty initial state
 *
 * Forgets every memory and reserved region, unmaps grown region arrays, and restores the
 * defaults: top-down, no current limit, memblock_debug off.
 * Context: no other thread may use memblock; called by nmm_shutdown() and by tests.
 */
void nmm_memblock_reset(void)
{
	memblock_type_reset(&memblock.memory, memblock_memory_init_regions,
			    INIT_MEMBLOCK_MEMORY_REGIONS);
	memblock_type_reset(&memblock.reserved, memblock_reserved_init_regions,
			    INIT_MEMBLOCK_RESERVED_REGIONS);
	memblock.bottom_up = false;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	memblock_debug = 0;
}
