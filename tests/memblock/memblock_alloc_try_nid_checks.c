/* memblock_alloc_try_nid_checks - memblock_alloc_try_nid(), _raw, memblock_alloc_exact_nid_raw(),
 * memblock_alloc_node() and memblock_phys_alloc_try_nid(): the [min_addr, max_addr) window and
 * its retry without min_addr, node preference and fallback, and the current limit.
 * Silent on success.
 */
#include "memblock_test.h"

#define CACHE_ALIGN 64

/* Node of the memory region holding physical address @p, or -2 when it is not memory. */
static int phys_nid(phys_addr_t p)
{
	unsigned long i;

	for (i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		if (p >= r->base && p < r->base + r->size)
			return r->nid;
	}
	return -2;
}

/* Two nodes: node 0 owns [0, 16M), node 1 owns [16M, 32M). */
static void setup_two_nodes(void)
{
	CHECK_EQ(memblock_add_node(0, SZ_16M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_16M, SZ_16M, 1, MEMBLOCK_NONE), 0);
}

/*
 * A window exactly the size of the request:
 *
 *  |  [ memory  |min  a  max|   ]  |
 *
 * Expect the block to fill [min, max) in both directions.
 */
static void alloc_try_nid_exact_window_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, SZ_4M, SZ_4M + SZ_1M, NUMA_NO_NODE);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), SZ_4M);
	CHECK_REGION(memblock.reserved, 0, SZ_4M, SZ_1M);
}

/*
 * A window with misaligned edges:
 *
 *  |  [ memory |min+100      max-100|  ]  |
 *
 * Expect the block inside the window at the first/last cache-line boundary.
 */
static void alloc_try_nid_misaligned_window_check(void)
{
	phys_addr_t min = SZ_4M + 100, max = SZ_8M - 100;
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	p = memblock_alloc_try_nid(SZ_1M, CACHE_ALIGN, min, max, NUMA_NO_NODE);
	REQUIRE(p);
	CHECK(test_pa(p) >= min && test_pa(p) + SZ_1M <= max);
	CHECK(IS_ALIGNED(test_pa(p), CACHE_ALIGN));
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? ALIGN(min, CACHE_ALIGN)
						 : ALIGN_DOWN(max - SZ_1M, CACHE_ALIGN));
}

/*
 * A window narrower than the request:
 *
 *  |  [ memory       |min max|       ]  |
 *          [    a    ]  (top-down)
 *       [    a    ]     (bottom-up)
 *
 * Expect the retry without min_addr: the block ends at or below max_addr.
 */
static void alloc_try_nid_narrow_window_check(void)
{
	phys_addr_t min = SZ_4M, max = SZ_4M + SZ_512K;
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, min, max, NUMA_NO_NODE);
	REQUIRE(p);
	CHECK(test_pa(p) + SZ_1M <= max);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_1M : max - SZ_1M);
}

/*
 * A window whose max_addr is above the end of DRAM and whose min_addr is below its start:
 *
 *  |min   [     memory     ]     max|
 *
 * Expect the block at the top/bottom of memory.
 */
static void alloc_try_nid_window_beyond_dram_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_8M), 0);
	p = memblock_alloc_try_nid(SZ_64K, SZ_4K, 0, SZ_64M, NUMA_NO_NODE);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_1M : SZ_8M + SZ_1M - SZ_64K);
}

/*
 * Reservations at both ends of the window, room in the middle:
 *
 *  |  [ memory |min[r1]    [r2]max|  ]  |
 *
 * Expect the block between r1 and r2, adjacent to r2 (top-down) or r1 (bottom-up).
 */
static void alloc_try_nid_reserved_edges_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_8M - SZ_1M, SZ_1M), 0);
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, SZ_4M, SZ_8M, NUMA_NO_NODE);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_4M + SZ_1M : SZ_8M - SZ_2M);
	CHECK_EQ(memblock.reserved.cnt, 2);
}

/*
 * A request for each node:
 *
 *  |[      nid 0      ][      nid 1      ]|
 *
 * Expect each block on the node asked for, at that node's top (top-down) or bottom
 * (bottom-up, page 0 excepted).
 */
static void alloc_try_nid_node_preference_check(void)
{
	void *p0, *p1;

	setup_two_nodes();
	p0 = memblock_alloc_try_nid(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0);
	p1 = memblock_alloc_node(SZ_1M, SZ_4K, 1);
	REQUIRE(p0 && p1);
	CHECK_EQ(phys_nid(test_pa(p0)), 0);
	CHECK_EQ(phys_nid(test_pa(p1)), 1);
	CHECK_EQ(test_pa(p0), memblock_bottom_up() ? SZ_4K : SZ_16M - SZ_1M);
	CHECK_EQ(test_pa(p1), memblock_bottom_up() ? SZ_16M : SZ_32M - SZ_1M);
	CHECK_EQ(memblock_phys_alloc_try_nid(SZ_4K, SZ_4K, 1) >= SZ_16M, 1);
}

/*
 * The requested node is full:
 *
 *  |[      nid 0      ][#### nid 1 reserved ####]|
 *
 * Expect try_nid to fall back to node 0, and exact_nid to fail with a warning.
 */
static void alloc_try_nid_fallback_check(void)
{
	char *err;
	void *p;

	setup_two_nodes();
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_16M), 0);
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1);
	REQUIRE(p);
	CHECK_EQ(phys_nid(test_pa(p)), 0);
	CHECK(memblock_phys_alloc_try_nid(SZ_4K, SZ_4K, 1) < SZ_16M);

	capture_stderr_begin();
	p = memblock_alloc_exact_nid_raw(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1);
	err = capture_stderr_end();
	CHECK(p == NULL);
	CHECK_EQ(count_lines_starting(err, "memblock_alloc_exact_nid_raw: Failed to allocate"), 1);
	free(err);
}

/*
 * The requested node lies above the current limit:
 *
 *  |[      nid 0      ]|limit[      nid 1      ]|
 *
 * Expect the block on node 0, below the limit.
 */
static void alloc_try_nid_node_above_limit_check(void)
{
	void *p;

	setup_two_nodes();
	memblock_set_current_limit(SZ_16M);
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1);
	REQUIRE(p);
	CHECK_EQ(phys_nid(test_pa(p)), 0);
	CHECK(test_pa(p) + SZ_1M <= SZ_16M);
	/* An explicit max_addr above the limit is capped too. */
	p = memblock_alloc_try_nid(SZ_1M, SZ_4K, SZ_16M, SZ_32M, 1);
	REQUIRE(p);
	CHECK(test_pa(p) + SZ_1M <= SZ_16M);
}

/*
 * NUMA_NO_NODE and the deprecated MAX_NUMNODES both mean any node:
 *
 *  |[      nid 0      ][      nid 1      ]|
 *
 * Expect the same placement as with no node preference.
 */
static void alloc_try_nid_any_node_check(void)
{
	void *p, *q;

	setup_two_nodes();
	p = memblock_alloc_try_nid_raw(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
	q = memblock_alloc_try_nid_raw(SZ_1M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, MAX_NUMNODES);
	REQUIRE(p && q);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_4K : SZ_32M - SZ_1M);
	CHECK_EQ(test_pa(q), memblock_bottom_up() ? SZ_4K + SZ_1M : SZ_32M - SZ_2M);
}

int main(void)
{
	run_both(alloc_try_nid_exact_window_check);
	run_both(alloc_try_nid_misaligned_window_check);
	run_both(alloc_try_nid_narrow_window_check);
	run_both(alloc_try_nid_window_beyond_dram_check);
	run_both(alloc_try_nid_reserved_edges_check);
	run_both(alloc_try_nid_node_preference_check);
	run_both(alloc_try_nid_fallback_check);
	run_both(alloc_try_nid_node_above_limit_check);
	run_both(alloc_try_nid_any_node_check);
	return test_done();
}
