/* memblock_reserve_checks - memblock_reserve(): reserved regions are recorded like memory ones
 * (merged, overlaps counted once) and do not need memory under them. Silent on success.
 */
#include "memblock_test.h"

/*
 * A simple reserve:
 *
 *  |   [  r1  ]   |
 *
 * Expect one reserved region on no node, memory untouched.
 */
static void memblock_reserve_simple_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_128K), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_2M, SZ_128K);
	CHECK_EQ(memblock.reserved.regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(memblock_reserved_size(), SZ_128K);
	CHECK_EQ(memblock.memory.cnt, 0);
	CHECK(memblock_is_reserved(SZ_2M));
	CHECK(memblock_is_reserved(SZ_2M + SZ_128K - 1));
	CHECK(!memblock_is_reserved(SZ_2M + SZ_128K));
	CHECK(!memblock_is_reserved(SZ_2M - 1));
}

/*
 * Two disjoint reservations:
 *
 *  |  [r2]     [ r1 ]   |
 *
 * Expect two sorted regions, total the sum.
 */
static void memblock_reserve_disjoint_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_4K), 0);
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_8K), 0);
	CHECK_EQ(memblock.reserved.cnt, 2);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_8K);
	CHECK_REGION(memblock.reserved, 1, SZ_16M, SZ_4K);
	CHECK_EQ(memblock_reserved_size(), SZ_8K + SZ_4K);
}

/*
 * r2 overlaps the bottom of r1, r3 the top:
 *
 *  |  [ r2 [##] r1 [##] r3 ]  |
 *
 * Expect one region, each overlap counted once.
 */
static void memblock_reserve_overlap_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_4M - SZ_64K, SZ_128K), 0);
	CHECK_EQ(memblock_reserve(SZ_4M + SZ_1M - SZ_4K, SZ_8K), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_4M - SZ_64K, SZ_1M + SZ_64K + SZ_4K);
	CHECK_EQ(memblock_reserved_size(), SZ_1M + SZ_64K + SZ_4K);
}

/*
 * Touching reservations:
 *
 *  |  [ r1 ][ r2 ]  |
 *
 * Expect them merged into one.
 */
static void memblock_reserve_adjacent_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_4K), 0);
	CHECK_EQ(memblock_reserve(SZ_1M + SZ_4K, SZ_4K), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_8K);
}

/*
 * A reservation inside an existing one, and the same reservation twice:
 *
 *  |  [ r1 [r2] ]  |
 *
 * Expect r1 unchanged.
 */
static void memblock_reserve_within_twice_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_1M + SZ_4K, SZ_4K), 0);
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_1M);
	CHECK_EQ(memblock_reserved_size(), SZ_1M);
}

/*
 * A reservation spanning a hole between two memory regions:
 *
 *  memory:   [ m1 ]      [ m2 ]
 *  reserved:    [#### r ####]
 *
 * Expect one reserved region over the hole too; memory unchanged; the range is reserved but
 * not all of it is memory.
 */
static void memblock_reserve_over_gap_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_1M + SZ_512K, SZ_4M - SZ_1M), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_1M + SZ_512K, SZ_4M - SZ_1M);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
	CHECK(memblock_is_region_reserved(SZ_2M + SZ_512K, SZ_4K));
	CHECK(!memblock_is_region_memory(SZ_1M + SZ_512K, SZ_1M));
	CHECK(memblock_is_region_memory(SZ_1M + SZ_512K, SZ_512K));
}

/*
 * memblock_is_region_reserved on edges:
 *
 *  |    [ r1 ]    |
 *     ^a^    ^b^
 *
 * Expect ranges ending exactly at r1's base, or starting at its end, not to overlap it, and
 * ranges crossing either edge to overlap.
 */
static void memblock_reserve_region_query_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_8M, SZ_1M), 0);
	CHECK(!memblock_is_region_reserved(SZ_8M - SZ_4K, SZ_4K));
	CHECK(!memblock_is_region_reserved(SZ_8M + SZ_1M, SZ_4K));
	CHECK(memblock_is_region_reserved(SZ_8M - SZ_4K, SZ_4K + 1));
	CHECK(memblock_is_region_reserved(SZ_8M + SZ_1M - 1, SZ_4K));
	CHECK(memblock_is_region_reserved(0, PHYS_ADDR_MAX));
}

int main(void)
{
	run_case(memblock_reserve_simple_check);
	run_case(memblock_reserve_disjoint_check);
	run_case(memblock_reserve_overlap_check);
	run_case(memblock_reserve_adjacent_check);
	run_case(memblock_reserve_within_twice_check);
	run_case(memblock_reserve_over_gap_check);
	run_case(memblock_reserve_region_query_check);
	return test_done();
}
