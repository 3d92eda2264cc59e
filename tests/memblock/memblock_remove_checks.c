/* memblock_remove_checks - memblock_remove(): whole regions dropped, straddling regions split,
 * node and flags kept on the parts that stay. Silent on success.
 */
#include "memblock_test.h"

/*
 * Remove a whole region:
 *
 *  |  [ r1 ]   [ r2 ]  |     remove r1
 *  |           [ r2 ]  |
 *
 * Expect only r2 left.
 */
static void memblock_remove_simple_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_8M, SZ_2M), 0);
	CHECK_EQ(memblock_remove(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_8M, SZ_2M);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
}

/*
 * Remove a range that is not memory:
 *
 *  |  [ r1 ]   (r2)  |
 *
 * Expect success and no change.
 */
static void memblock_remove_absent_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_remove(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_1M);
}

/*
 * Remove a range overlapping the bottom of r1:
 *
 *  |   (r2 [##] r1 ]   |
 *
 * Expect r1 to start where r2 ends.
 */
static void memblock_remove_overlap_bottom_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_4M), 0);
	CHECK_EQ(memblock_remove(SZ_2M, SZ_4M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_4M + SZ_2M, SZ_2M);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
}

/*
 * Remove a range overlapping the top of r1:
 *
 *  |   [ r1 [##] r2)   |
 *
 * Expect r1 to end where r2 begins.
 */
static void memblock_remove_overlap_top_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_4M), 0);
	CHECK_EQ(memblock_remove(SZ_4M + SZ_1M, SZ_8M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_1M);
}

/*
 * Remove a range inside r1:
 *
 *  |   [ r1 (r2) r1' ]   |
 *
 * Expect r1 split in two, both halves keeping r1's node and flags.
 */
static void memblock_remove_within_splits_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_4M, SZ_8M, 3, MEMBLOCK_HOTPLUG), 0);
	CHECK_EQ(memblock_remove(SZ_8M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_4M);
	CHECK_REGION(memblock.memory, 1, SZ_8M + SZ_1M, SZ_4M - SZ_1M);
	CHECK_EQ(memblock.memory.regions[0].nid, 3);
	CHECK_EQ(memblock.memory.regions[1].nid, 3);
	CHECK_EQ(memblock.memory.regions[0].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(memblock.memory.regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(memblock_phys_mem_size(), SZ_8M - SZ_1M);
	CHECK(!memblock_is_memory(SZ_8M));
	CHECK(memblock_is_memory(SZ_8M - 1));
	CHECK(memblock_is_memory(SZ_8M + SZ_1M));
}

/*
 * Remove a range spanning three regions, cutting the outer two:
 *
 *  |  [ r1 (## ] [#r2#] [ ##) r3 ]  |
 *
 * Expect the tail of r1 and head of r3 to stay, r2 to be gone.
 */
static void memblock_remove_across_regions_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_1M, SZ_2M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_4M, SZ_1M, 1, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_2M, 2, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_remove(SZ_2M, SZ_8M + SZ_1M - SZ_2M), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_1M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
	CHECK_REGION(memblock.memory, 1, SZ_8M + SZ_1M, SZ_1M);
	CHECK_EQ(memblock.memory.regions[1].nid, 2);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
}

/*
 * Remove everything:
 *
 *  |  (####[ r1 ]####[ r2 ]####)  |
 *
 * Expect no regions, zero size, and DRAM start/end of 0.
 */
static void memblock_remove_all_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_remove(0, MEM_SIZE), 0);
	CHECK_EQ(memblock.memory.cnt, 0);
	CHECK_EQ(memblock_phys_mem_size(), 0);
	CHECK_EQ(memblock_start_of_DRAM(), 0);
	CHECK_EQ(memblock_end_of_DRAM(), 0);
}

int main(void)
{
	run_case(memblock_remove_simple_check);
	run_case(memblock_remove_absent_check);
	run_case(memblock_remove_overlap_bottom_check);
	run_case(memblock_remove_overlap_top_check);
	run_case(memblock_remove_within_splits_check);
	run_case(memblock_remove_across_regions_check);
	run_case(memblock_remove_all_check);
	return test_done();
}
