/* memblock_add_checks - memblock_add() and memblock_add_node(): new regions, merging of
 * touching and overlapping ranges, nodes and flags kept apart. Silent on success.
 */
#include "memblock_test.h"

/*
 * A simple add to empty memblock:
 *
 *  |        [   r1   ]        |
 *
 * Expect one memory region with r1's base and size, on no node, and the total updated.
 */
static void memblock_add_simple_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_1M);
	CHECK_EQ(memblock.memory.regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(memblock.memory.regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(memblock.memory.total_size, SZ_1M);
	CHECK_EQ(memblock_phys_mem_size(), SZ_1M);
}

/*
 * memblock_add_node with a node and flags:
 *
 *  |        [   r1   ]        |   nid 1, HOTPLUG
 *
 * Expect the region to carry node 1 and MEMBLOCK_HOTPLUG.
 */
static void memblock_add_node_simple_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_2M, 1, MEMBLOCK_HOTPLUG), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_8M, SZ_2M);
	CHECK_EQ(memblock.memory.regions[0].nid, 1);
	CHECK_EQ(memblock.memory.regions[0].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
}

/*
 * Two disjoint ranges, added high one first:
 *
 *  |   [ r2 ]       [   r1   ]   |
 *
 * Expect two regions, sorted by address, total the sum.
 */
static void memblock_add_disjoint_check(void)
{
	CHECK_EQ(memblock_add(SZ_16M, SZ_2M), 0);
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_1M);
	CHECK_REGION(memblock.memory, 1, SZ_16M, SZ_2M);
	CHECK_EQ(memblock.memory.total_size, SZ_1M + SZ_2M);
}

/*
 * r2 ends exactly where r1 begins, and r3 begins where r1 ends:
 *
 *  |     [ r2 ][  r1  ][ r3 ]     |
 *
 * Expect one region covering all three.
 */
static void memblock_add_adjacent_merge_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_4M), 0);
	CHECK_EQ(memblock_add(SZ_2M, SZ_2M), 0);
	CHECK_EQ(memblock_add(SZ_8M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_2M, SZ_8M - SZ_2M + SZ_1M);
	CHECK_EQ(memblock.memory.total_size, SZ_8M - SZ_2M + SZ_1M);
}

/*
 * r2 overlaps the bottom of r1:
 *
 *  |    [ r2 [##]   r1   ]     |
 *
 * Expect one region from r2's base to r1's end; the overlap counted once.
 */
static void memblock_add_overlap_bottom_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_4M), 0);
	CHECK_EQ(memblock_add(SZ_2M + SZ_1M, SZ_2M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_2M + SZ_1M, SZ_8M - SZ_2M - SZ_1M);
	CHECK_EQ(memblock.memory.total_size, SZ_8M - SZ_2M - SZ_1M);
}

/*
 * r2 overlaps the top of r1:
 *
 *  |    [  r1  [##] r2 ]     |
 *
 * Expect one region from r1's base to r2's end.
 */
static void memblock_add_overlap_top_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_4M), 0);
	CHECK_EQ(memblock_add(SZ_4M + SZ_2M + SZ_1M, SZ_4M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_2M + SZ_1M + SZ_4M);
	CHECK_EQ(memblock.memory.total_size, SZ_2M + SZ_1M + SZ_4M);
}

/*
 * r2 lies fully inside r1, and r1 is added again over itself:
 *
 *  |    [  r1 [#r2#]    ]     |
 *
 * Expect r1 unchanged, its size counted once.
 */
static void memblock_add_within_check(void)
{
	CHECK_EQ(memblock_add(SZ_4M, SZ_8M), 0);
	CHECK_EQ(memblock_add(SZ_8M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_4M, SZ_8M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_8M);
	CHECK_EQ(memblock.memory.total_size, SZ_8M);
}

/*
 * r3 spans the gap between r1 and r2 and overlaps both:
 *
 *  |  [ r1 [###]  r3  [###] r2 ]  |
 *
 * Expect one region from r1's base to r2's end.
 */
static void memblock_add_over_gap_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_2M), 0);
	CHECK_EQ(memblock_add(SZ_8M, SZ_2M), 0);
	CHECK_EQ(memblock_add(SZ_2M, SZ_8M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_8M + SZ_2M - SZ_1M);
	CHECK_EQ(memblock.memory.total_size, SZ_8M + SZ_2M - SZ_1M);
}

/*
 * Two touching ranges on different nodes:
 *
 *  |   [ r1 (nid 0) ][ r2 (nid 1) ]   |
 *
 * Expect two regions: ranges of different nodes never merge.
 */
static void memblock_add_node_no_merge_check(void)
{
	CHECK_EQ(memblock_add_node(0, SZ_16M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_16M, SZ_16M, 1, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, 0, SZ_16M);
	CHECK_REGION(memblock.memory, 1, SZ_16M, SZ_16M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
	CHECK_EQ(memblock.memory.regions[1].nid, 1);
	CHECK_EQ(memblock_phys_mem_size(), SZ_32M);
}

/*
 * Two touching ranges on the same node but with different flags:
 *
 *  |   [ r1 NONE ][ r2 MIRROR ]   |
 *
 * Expect two regions: ranges of different flags never merge.
 */
static void memblock_add_flags_no_merge_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_4M, SZ_4M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_4M, 0, MEMBLOCK_MIRROR), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_EQ(memblock.memory.regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(memblock.memory.regions[1].flags, MEMBLOCK_MIRROR);
}

/*
 * A range of node 1 added over memory of node 0 that it partly covers:
 *
 *  |   [ r1 nid0 [####] ] r2 nid1 ]   |
 *
 * Expect the overlap to stay node 0 and only the new part to be node 1.
 */
static void memblock_add_overlap_keeps_node_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_4M, SZ_4M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_4M + SZ_2M, SZ_4M, 1, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, SZ_4M, SZ_4M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
	CHECK_REGION(memblock.memory, 1, SZ_8M, SZ_2M);
	CHECK_EQ(memblock.memory.regions[1].nid, 1);
	CHECK_EQ(memblock_phys_mem_size(), SZ_4M + SZ_2M);
}

/*
 * A range that fills several holes at once:
 *
 *  |  [r1]  [r2]  [r3]  |
 *  |[########r4#########]|
 *
 * Expect the holes filled and all merged into r4's extent.
 */
static void memblock_add_fills_many_holes_check(void)
{
	CHECK_EQ(memblock_add(SZ_2M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_8M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_1M, SZ_16M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_16M);
	CHECK_EQ(memblock_phys_mem_size(), SZ_16M);
}

/*
 * A range that ends at the top of the physical address space:
 *
 *  |                        [  r1  ]|  <- PHYS_ADDR_MAX
 *
 * Expect [PHYS_ADDR_MAX - 1M, PHYS_ADDR_MAX) to be accepted (its end is representable).
 */
static void memblock_add_near_max_check(void)
{
	phys_addr_t base = PHYS_ADDR_MAX - SZ_1M;

	CHECK_EQ(memblock_add(base, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, base, SZ_1M);
	CHECK_EQ(memblock_end_of_DRAM(), PHYS_ADDR_MAX);
}

int main(void)
{
	run_case(memblock_add_simple_check);
	run_case(memblock_add_node_simple_check);
	run_case(memblock_add_disjoint_check);
	run_case(memblock_add_adjacent_merge_check);
	run_case(memblock_add_overlap_bottom_check);
	run_case(memblock_add_overlap_top_check);
	run_case(memblock_add_within_check);
	run_case(memblock_add_over_gap_check);
	run_case(memblock_add_node_no_merge_check);
	run_case(memblock_add_flags_no_merge_check);
	run_case(memblock_add_overlap_keeps_node_check);
	run_case(memblock_add_fills_many_holes_check);
	run_case(memblock_add_near_max_check);
	return test_done();
}
