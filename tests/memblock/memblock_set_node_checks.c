/* memblock_set_node_checks - memblock_set_node() and the flag setters: regions split at the
 * range's edges, re-merged when node and flags agree again. Silent on success.
 */
#include "memblock_test.h"

/*
 * Give the upper half of r1 to node 1:
 *
 *  |  [ r1 nid0 |  nid1  ]  |
 *
 * Expect two regions, split at the middle.
 */
static void memblock_set_node_split_check(void)
{
	CHECK_EQ(memblock_add_node(0, SZ_32M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_set_node(SZ_16M, SZ_16M, &memblock.memory, 1), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, 0, SZ_16M);
	CHECK_REGION(memblock.memory, 1, SZ_16M, SZ_16M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
	CHECK_EQ(memblock.memory.regions[1].nid, 1);
	CHECK_EQ(memblock_phys_mem_size(), SZ_32M);
}

/*
 * memblock_add() leaves the node unset; memblock_set_node() over two regions with a hole:
 *
 *  |  [ r1 ]   [ r2 ]  |   set nid 2 on all
 *
 * Expect both on node 2, still two regions (the hole keeps them apart).
 */
static void memblock_set_node_after_add_check(void)
{
	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_add(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_set_node(0, MEM_SIZE, &memblock.memory, 2), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_EQ(memblock.memory.regions[0].nid, 2);
	CHECK_EQ(memblock.memory.regions[1].nid, 2);
}

/*
 * Two touching regions of nodes 0 and 1, then all set to node 0:
 *
 *  |  [ nid0 ][ nid1 ]  |  ->  |  [    nid0    ]  |
 *
 * Expect them merged into one.
 */
static void memblock_set_node_merges_check(void)
{
	CHECK_EQ(memblock_add_node(0, SZ_8M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_8M, 1, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_EQ(memblock_set_node(SZ_8M, SZ_8M, &memblock.memory, 0), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, 0, SZ_16M);
	CHECK_EQ(memblock.memory.regions[0].nid, 0);
}

/*
 * Mark the middle of r1 NOMAP, then clear it:
 *
 *  |  [ r1 [NOMAP] r1 ]  |  ->  |  [     r1     ]  |
 *
 * Expect three regions while marked, the middle one skipped by memblock_is_map_memory(),
 * and one region after clearing.
 */
static void memblock_mark_nomap_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_1M, SZ_4M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_mark_nomap(SZ_2M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 3);
	CHECK_EQ(memblock.memory.regions[1].flags, MEMBLOCK_NOMAP);
	CHECK_REGION(memblock.memory, 1, SZ_2M, SZ_1M);
	CHECK(memblock_is_memory(SZ_2M));
	CHECK(!memblock_is_map_memory(SZ_2M));
	CHECK(memblock_is_map_memory(SZ_2M - 1));
	CHECK_EQ(memblock_clear_nomap(SZ_2M, SZ_1M), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_4M);
	CHECK_EQ(memblock_phys_mem_size(), SZ_4M);
}

/*
 * Mark hotplug over a range covering the top of r1 and a hole:
 *
 *  |  [ r1 [HOT] ]   (hole)  |
 *
 * Expect only the memory part flagged; the hole stays a hole.
 */
static void memblock_mark_hotplug_over_hole_check(void)
{
	CHECK_EQ(memblock_add_node(SZ_1M, SZ_2M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_mark_hotplug(SZ_2M, SZ_4M), 0);
	CHECK_EQ(memblock.memory.cnt, 2);
	CHECK_REGION(memblock.memory, 0, SZ_1M, SZ_1M);
	CHECK_REGION(memblock.memory, 1, SZ_2M, SZ_1M);
	CHECK_EQ(memblock.memory.regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(memblock_phys_mem_size(), SZ_2M);
	CHECK_EQ(memblock_clear_hotplug(0, MEM_SIZE), 0);
	CHECK_EQ(memblock.memory.cnt, 1);
}

int main(void)
{
	run_case(memblock_set_node_split_check);
	run_case(memblock_set_node_after_add_check);
	run_case(memblock_set_node_merges_check);
	run_case(memblock_mark_nomap_check);
	run_case(memblock_mark_hotplug_over_hole_check);
	return test_done();
}
