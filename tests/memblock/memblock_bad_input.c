/* memblock_bad_input - empty and wrapping ranges are -EINVAL and change nothing; allocations
 * of nothing, with a bad alignment, or with no memory fail with NULL / 0; alignment 0 means
 * SMP_CACHE_BYTES. Silent on success.
 */
#include <errno.h>

#include "memblock_test.h"

/* Memory [1M, 5M) on node 0 with one reservation, to check nothing changes. */
static void setup_some(void)
{
	CHECK_EQ(memblock_add_node(SZ_1M, SZ_4M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_4K), 0);
}

static void check_unchanged(void)
{
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_4M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
	CHECK_EQ(memblock.memory.regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_2M, SZ_4K);
}

/*
 * Zero-sized ranges:
 *
 *  |  [ memory [r] ]  |   + (size 0 at the same addresses)
 *
 * Expect -EINVAL from every range operation and no change.
 */
static void bad_input_zero_size_check(void)
{
	setup_some();
	CHECK_EQ(memblock_add(SZ_8M, 0), -EINVAL);
	CHECK_EQ(memblock_add_node(SZ_8M, 0, 0, MEMBLOCK_NONE), -EINVAL);
	CHECK_EQ(memblock_remove(SZ_1M, 0), -EINVAL);
	CHECK_EQ(memblock_reserve(SZ_1M, 0), -EINVAL);
	CHECK_EQ(memblock_phys_free(SZ_2M, 0), -EINVAL);
	CHECK_EQ(memblock_set_node(SZ_1M, 0, &memblock.memory, 1), -EINVAL);
	CHECK_EQ(memblock_mark_nomap(SZ_1M, 0), -EINVAL);
	memblock_free(phys_to_virt(SZ_2M), 0);
	check_unchanged();
}

/*
 * Ranges that wrap past the top of the physical address space:
 *
 *  |  [ memory [r] ]              [base .... PHYS_ADDR_MAX| ... wraps to 0
 *
 * Expect -EINVAL from every range operation and no change (the kernel would trim them).
 */
static void bad_input_wrap_check(void)
{
	phys_addr_t base = PHYS_ADDR_MAX - SZ_4K + 1;

	setup_some();
	CHECK_EQ(memblock_add(base, SZ_8K), -EINVAL);
	CHECK_EQ(memblock_add(SZ_1M, PHYS_ADDR_MAX), -EINVAL);
	CHECK_EQ(memblock_reserve(base, SZ_8K), -EINVAL);
	CHECK_EQ(memblock_remove(SZ_1M, PHYS_ADDR_MAX), -EINVAL);
	CHECK_EQ(memblock_phys_free(SZ_2M, PHYS_ADDR_MAX), -EINVAL);
	CHECK_EQ(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.memory, 1), 0);  /* fits exactly */
	CHECK_EQ(memblock.memory.regions[0].nid, 1);
	CHECK_EQ(memblock_set_node(SZ_1M, PHYS_ADDR_MAX, &memblock.memory, 0), -EINVAL);
	CHECK_EQ(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.memory, 0), 0);
	check_unchanged();
	/* Queries clip instead: the range [1M, top) is not all memory, and overlaps r. */
	CHECK(!memblock_is_region_memory(SZ_1M, PHYS_ADDR_MAX));
	CHECK(memblock_is_region_reserved(SZ_1M, PHYS_ADDR_MAX));
}

/*
 * Allocations that cannot be satisfied for a reason other than space:
 *
 *  |  [ memory [r] ]  |
 *
 * Expect NULL / 0 for size 0, for a non-power-of-two alignment (with a warning), and for
 * any size with no memory at all; alignment 0 to behave as SMP_CACHE_BYTES (64).
 */
static void bad_input_alloc_check(void)
{
	phys_addr_t p;
	char *err;

	setup_some();
	capture_stderr_begin();
	CHECK(memblock_alloc(0, SZ_4K) == NULL);
	CHECK_EQ(memblock_phys_alloc(0, SZ_4K), 0);
	CHECK(memblock_alloc(SZ_4K, 3 * SZ_4K) == NULL);
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, 100, 0, SZ_8M), 0);
	err = capture_stderr_end();
	CHECK_EQ(count_lines_starting(err, "memblock: memblock_alloc_range_nid: alignment 0x3000 "
					    "is not a power of two"), 1);
	CHECK_EQ(count_lines_starting(err, "memblock: memblock_alloc_range_nid: alignment 0x64 "
					    "is not a power of two"), 1);
	free(err);
	check_unchanged();

	capture_stderr_begin();
	p = memblock_phys_alloc_range(100, 0, SZ_1M + 1, SZ_2M);
	err = capture_stderr_end();
	CHECK_EQ(count_lines_starting(err, "memblock: memblock_alloc_range_nid: zero alignment"), 1);
	free(err);
	CHECK(p != 0 && IS_ALIGNED(p, 64));

	nmm_memblock_reset();
	capture_stderr_begin();
	CHECK(memblock_alloc(SZ_4K, SZ_4K) == NULL);
	CHECK_EQ(memblock_phys_alloc_try_nid(SZ_4K, SZ_4K, 0), 0);
	free(capture_stderr_end());
	CHECK_EQ(memblock.reserved.cnt, 0);
}

/*
 * Queries on empty memblock:
 *
 *  |                |
 *
 * Expect no memory, nothing reserved, DRAM start and end 0.
 */
static void bad_input_empty_queries_check(void)
{
	CHECK(!memblock_is_memory(0));
	CHECK(!memblock_is_reserved(0));
	CHECK(!memblock_is_region_memory(0, SZ_4K));
	CHECK(!memblock_is_region_reserved(0, PHYS_ADDR_MAX));
	CHECK_EQ(memblock_start_of_DRAM(), 0);
	CHECK_EQ(memblock_end_of_DRAM(), 0);
	CHECK_EQ(memblock_phys_mem_size(), 0);
	CHECK_EQ(memblock_reserved_size(), 0);
}

/*
 * nmm_memblock_is_valid on corrupted arrays (by hand, as a bug would):
 *
 *  |  [ r1 ][ r2 ]  |  unmerged twins / overlap / wrong total
 *
 * Expect each corruption detected, and the repaired state accepted again.
 */
static void is_valid_detects_corruption_check(void)
{
	struct memblock_region *r = memblock.memory.regions;

	CHECK_EQ(memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_2M, SZ_1M, 1, MEMBLOCK_NONE), 0);
	CHECK(nmm_memblock_is_valid());
	r[1].nid = 0;                           /* touching, same node: should have merged */
	CHECK(!nmm_memblock_is_valid());
	r[1].nid = 1;
	r[1].base -= SZ_4K;                     /* overlap */
	CHECK(!nmm_memblock_is_valid());
	r[1].base += SZ_4K;
	memblock.memory.total_size += 1;        /* wrong total */
	CHECK(!nmm_memblock_is_valid());
	memblock.memory.total_size -= 1;
	CHECK(nmm_memblock_is_valid());
}

int main(void)
{
	run_case(bad_input_zero_size_check);
	run_case(bad_input_wrap_check);
	run_case(bad_input_alloc_check);
	run_case(bad_input_empty_queries_check);
	run_case(is_valid_detects_corruption_check);
	return test_done();
}
