/* linux/memblock.h - memblock, the boot-time allocator, with the kernel's names (Linux 6.x
 * include/linux/memblock.h and mm/memblock.c).
 *
 * memblock describes physical memory as two sorted arrays of non-overlapping regions:
 *
 *   memblock.memory    what exists: [base, base + size) ranges, each on a node, with flags
 *   memblock.reserved  what is taken: the boot's own tables and every memblock_alloc*()
 *
 *   free = memory - reserved, walked per node, top-down (default) or bottom-up.
 *
 * Invariants, checked by tests after every operation:
 *   regions[i].base + regions[i].size <= regions[i + 1].base        (sorted, no overlap)
 *   adjacent regions with equal nid and flags are merged into one
 *   type->total_size == sum of regions[i].size, type->cnt <= type->max
 *
 * The arrays start as static arrays of INIT_MEMBLOCK_REGIONS entries and double (mmap, never
 * malloc: this library becomes malloc) when full. Physical addresses are numamm's synthetic
 * ones; memblock_alloc*() return their linear-map address (phys_to_virt()), zeroed unless _raw,
 * and never above memblock.current_limit (the lowmem limit once boot has set it).
 *
 * Differences from the kernel, on purpose: a zero size or a range that wraps past the top of
 * the physical address space is -EINVAL (the kernel ignores the former and trims the latter);
 * the region arrays start empty (cnt == 0, as the kernel since 6.10); a failed allocation prints
 * a one-line warning because numamm has no panicking variants. Nothing here takes a lock: like
 * the kernel's, memblock is used by one thread during boot.
 */
#ifndef NUMAMM_LINUX_MEMBLOCK_H
#define NUMAMM_LINUX_MEMBLOCK_H

#include <limits.h>
#include <stdio.h>

#include "../ktypes.h"
#include "compiler.h"
#include "mm.h"
#include "numa.h"
#include "pfn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INIT_MEMBLOCK_REGIONS 128
#define INIT_MEMBLOCK_RESERVED_REGIONS INIT_MEMBLOCK_REGIONS
#define INIT_MEMBLOCK_MEMORY_REGIONS INIT_MEMBLOCK_REGIONS

#ifndef PHYS_ADDR_MAX
#define PHYS_ADDR_MAX (~(phys_addr_t)0)
#endif

/* Flags for memblock_alloc_* end addresses, as the kernel's. */
#define MEMBLOCK_ALLOC_ANYWHERE    (~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ACCESSIBLE  0
#define MEMBLOCK_ALLOC_NOLEAKTRACE 1
#define MEMBLOCK_LOW_LIMIT         0
#ifndef ARCH_LOW_ADDRESS_LIMIT
#define ARCH_LOW_ADDRESS_LIMIT     0xffffffffUL
#endif

/**
 * enum memblock_flags - definition of memory region attributes (kernel values)
 * @MEMBLOCK_NONE: no special request
 * @MEMBLOCK_HOTPLUG: memory region that may be hot-removed
 * @MEMBLOCK_MIRROR: mirrored region
 * @MEMBLOCK_NOMAP: not in the linear map; skipped by allocations and free-range walks
 * @MEMBLOCK_DRIVER_MANAGED: memory added by a driver; skipped unless asked for
 */
enum memblock_flags {
	MEMBLOCK_NONE = 0x0,
	MEMBLOCK_HOTPLUG = 0x1,
	MEMBLOCK_MIRROR = 0x2,
	MEMBLOCK_NOMAP = 0x4,
	MEMBLOCK_DRIVER_MANAGED = 0x8,
};

/**
 * struct memblock_region - represents a memory region
 * @base: base address of the region
 * @size: size of the region
 * @flags: memory region attributes
 * @nid: NUMA node id; MAX_NUMNODES when no node was given (memblock_add, memblock_reserve)
 */
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
	int nid;
};

/**
 * struct memblock_type - collection of memory regions of certain type
 * @cnt: number of regions
 * @max: size of the allocated array
 * @total_size: size of all regions
 * @regions: array of regions
 * @name: the memory type symbolic name
 */
struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	char *name;
};

/**
 * struct memblock - memblock allocator metadata
 * @bottom_up: is bottom up direction?
 * @current_limit: physical address of the current allocation limit
 * @memory: usable memory regions
 * @reserved: reserved memory regions
 */
struct memblock {
	bool bottom_up;
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

/* memblock_debug - set by the boot token memblock=debug: every add, remove, reserve, free and
 * allocation prints one line to stderr, and memblock_dump_all() prints the tables. */
extern int memblock_debug;

/* ---- adding and removing ranges ---------------------------------------------------------- */

int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid, enum memblock_flags flags);
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_phys_free(phys_addr_t base, phys_addr_t size);
void memblock_free(void *ptr, size_t size);
int memblock_set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid);

int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size);
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size);
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size);

/* ---- allocation ----------------------------------------------------------------------------- */

phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid);
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end);
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);

/**
 * memblock_phys_alloc - allocate physical memory anywhere below memblock.current_limit
 * @size: bytes
 * @align: alignment (power of two)
 *
 * Context: boot, single-threaded.
 * Return: the physical address, or 0 on failure.
 */
static inline phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_phys_alloc_range(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}

void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid);

/* memblock_alloc - zeroed memory from any node. Return: virtual address or NULL. */
static inline void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
				      NUMA_NO_NODE);
}

/* memblock_alloc_raw - as memblock_alloc, not zeroed. */
static inline void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_try_nid_raw(size, align, MEMBLOCK_LOW_LIMIT,
					  MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
}

/* memblock_alloc_from - zeroed memory at or above @min_addr (retried from 0 if none there). */
static inline void *memblock_alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr)
{
	return memblock_alloc_try_nid(size, align, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
}

/* memblock_alloc_low - zeroed memory below ARCH_LOW_ADDRESS_LIMIT (4 GiB). */
static inline void *memblock_alloc_low(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, ARCH_LOW_ADDRESS_LIMIT,
				      NUMA_NO_NODE);
}

/* memblock_alloc_node - zeroed memory, preferably on @nid, any node otherwise. */
static inline void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid)
{
	return memblock_alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
				      nid);
}

/* ---- queries and controls ------------------------------------------------------------------- */

phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_map_memory(phys_addr_t addr);
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
bool memblock_overlaps_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_get_current_limit(void);
void memblock_enforce_memory_limit(phys_addr_t limit);
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size);
void memblock_trim_memory(phys_addr_t align);

/**
 * memblock_set_bottom_up - set the allocation direction
 * @enable: true for bottom-up (lowest free address first), false for top-down (the default)
 *
 * Context: boot, single-threaded.
 */
static inline void memblock_set_bottom_up(bool enable)
{
	memblock.bottom_up = enable;
}

/**
 * memblock_bottom_up - the allocation direction
 *
 * Context: any.
 * Return: true when allocations go bottom-up.
 */
static inline bool memblock_bottom_up(void)
{
	return memblock.bottom_up;
}

void memblock_dump_all(void);

/* numamm: the memblock tables in memblock_dump_all()'s format, to any stream, always. */
void nmm_memblock_dump(FILE *f);

/* numamm: check the invariants above on both arrays (O(cnt)). Return: true when they hold. */
bool nmm_memblock_is_valid(void);

/* numamm: forget every region, free grown arrays, restore the defaults (top-down, no limit,
 * memblock_debug off). nmm_shutdown() calls it; tests call it between cases. */
void nmm_memblock_reset(void);

/* ---- region helpers ------------------------------------------------------------------------- */

static inline bool numa_valid_node(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES;
}

static inline int memblock_get_region_node(const struct memblock_region *r)
{
	return r->nid;
}

static inline void memblock_set_region_node(struct memblock_region *r, int nid)
{
	r->nid = nid;
}

static inline bool memblock_is_hotpluggable(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_HOTPLUG;
}

static inline bool memblock_is_mirror(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_MIRROR;
}

static inline bool memblock_is_nomap(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_NOMAP;
}

static inline bool memblock_is_driver_managed(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_DRIVER_MANAGED;
}

/* First and one-past-last whole page frame of a memory region. */
static inline unsigned long memblock_region_memory_base_pfn(const struct memblock_region *reg)
{
	return PFN_UP(reg->base);
}

static inline unsigned long memblock_region_memory_end_pfn(const struct memblock_region *reg)
{
	return PFN_DOWN(reg->base + reg->size);
}

/* First and one-past-last page frame touched by a reserved region. */
static inline unsigned long memblock_region_reserved_base_pfn(const struct memblock_region *reg)
{
	return PFN_DOWN(reg->base);
}

static inline unsigned long memblock_region_reserved_end_pfn(const struct memblock_region *reg)
{
	return PFN_UP(reg->base + reg->size);
}

/* ---- iterators ------------------------------------------------------------------------------ */

void __next_mem_range(u64 *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_range_rev(u64 *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid);

/**
 * __for_each_mem_range - iterate through regions of @type_a not covered by @type_b
 * @i: u64 used as loop variable
 * @type_a: ranges to iterate
 * @type_b: ranges to exclude, or NULL to walk @type_a's regions as they are
 * @nid: node selector, %NUMA_NO_NODE for all nodes
 * @flags: pick from blocks based on memory attributes
 * @p_start: phys_addr_t pointer for the range's start, can be %NULL
 * @p_end: phys_addr_t pointer for the range's end (exclusive), can be %NULL
 * @p_nid: int pointer for the node id, can be %NULL
 */
#define __for_each_mem_range(i, type_a, type_b, nid, flags, p_start, p_end, p_nid)            \
	for (i = 0, __next_mem_range(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (u64)ULLONG_MAX;                                                            \
	     __next_mem_range(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

/* __for_each_mem_range_rev - as __for_each_mem_range, highest range first. */
#define __for_each_mem_range_rev(i, type_a, type_b, nid, flags, p_start, p_end, p_nid)        \
	for (i = (u64)ULLONG_MAX,                                                             \
	    __next_mem_range_rev(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid);      \
	     i != (u64)ULLONG_MAX;                                                            \
	     __next_mem_range_rev(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

/* for_each_mem_range - every memory range, hotpluggable and driver-managed ones included. */
#define for_each_mem_range(i, p_start, p_end)                                                  \
	__for_each_mem_range(i, &memblock.memory, NULL, NUMA_NO_NODE,                         \
			     MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)

#define for_each_mem_range_rev(i, p_start, p_end)                                              \
	__for_each_mem_range_rev(i, &memblock.memory, NULL, NUMA_NO_NODE,                     \
				 MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)

/* for_each_reserved_mem_range - every reserved range. */
#define for_each_reserved_mem_range(i, p_start, p_end)                                         \
	__for_each_mem_range(i, &memblock.reserved, NULL, NUMA_NO_NODE, MEMBLOCK_NONE,        \
			     p_start, p_end, NULL)

/* for_each_free_mem_range - memory minus reserved, lowest first, on @nid (or any node). */
#define for_each_free_mem_range(i, nid, flags, p_start, p_end, p_nid)                          \
	__for_each_mem_range(i, &memblock.memory, &memblock.reserved, nid, flags, p_start,    \
			     p_end, p_nid)

/* for_each_free_mem_range_reverse - as for_each_free_mem_range, highest first. */
#define for_each_free_mem_range_reverse(i, nid, flags, p_start, p_end, p_nid)                  \
	__for_each_mem_range_rev(i, &memblock.memory, &memblock.reserved, nid, flags,         \
				 p_start, p_end, p_nid)

/* for_each_mem_pfn_range - whole page frames of each memory region on @nid (or any with
 * MAX_NUMNODES / NUMA_NO_NODE); regions smaller than a page are skipped. @i is an int. */
#define for_each_mem_pfn_range(i, nid, p_start, p_end, p_nid)                                  \
	for (i = -1, __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid); i >= 0;            \
	     __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid))

#define for_each_memblock_type(i, memblock_type, rgn)                                          \
	for (i = 0, rgn = &(memblock_type)->regions[0]; i < (memblock_type)->cnt;             \
	     i++, rgn = &(memblock_type)->regions[i])

#define for_each_mem_region(region)                                                            \
	for (region = memblock.memory.regions;                                                \
	     region < (memblock.memory.regions + memblock.memory.cnt); region++)

#define for_each_reserved_mem_region(region)                                                   \
	for (region = memblock.reserved.regions;                                              \
	     region < (memblock.reserved.regions + memblock.reserved.cnt); region++)

#ifdef __cplusplus
}
#endif

#endif
