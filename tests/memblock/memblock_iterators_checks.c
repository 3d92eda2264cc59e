/* memblock_iterators_checks - for_each_mem_range, for_each_reserved_mem_range,
 * for_each_free_mem_range(_reverse) and for_each_mem_pfn_range: which ranges, in which order,
 * on which node. Silent on success.
 */
#include "memblock_test.h"

struct range {
	phys_addr_t start, end;
	int nid;
};

#define MAX_RANGES 16

/*
 * for_each_mem_range over three regions, one NOMAP:
 *
 *  |  [ m1 ]  [ m2 NOMAP ]  [ m3 ]  |
 *
 * Expect m1 and m3 (NOMAP is left out, hotplug and driver-managed are not), in order, and
 * for_each_mem_range_rev to give them in reverse.
 */
static void for_each_mem_range_check(void)
{
	phys_addr_t s, e;
	struct range got[MAX_RANGES];
	int n = 0;
	u64 i;

	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_add_node(SZ_4M, SZ_1M, MAX_NUMNODES, MEMBLOCK_NOMAP), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_1M, MAX_NUMNODES, MEMBLOCK_HOTPLUG), 0);
	for_each_mem_range(i, &s, &e) {
		REQUIRE(n < MAX_RANGES);
		got[n++] = (struct range){ s, e, 0 };
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(got[0].start, SZ_1M);
	CHECK_EQ(got[0].end, SZ_2M);
	CHECK_EQ(got[1].start, SZ_8M);
	CHECK_EQ(got[1].end, SZ_8M + SZ_1M);

	n = 0;
	for_each_mem_range_rev(i, &s, &e) {
		REQUIRE(n < MAX_RANGES);
		got[n++] = (struct range){ s, e, 0 };
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(got[0].start, SZ_8M);
	CHECK_EQ(got[1].start, SZ_1M);
}

/*
 * for_each_reserved_mem_range:
 *
 *  |  [r1]   [r2]  |
 *
 * Expect exactly the reserved regions, in order.
 */
static void for_each_reserved_mem_range_check(void)
{
	phys_addr_t s, e;
	int n = 0;
	u64 i;

	CHECK_EQ(memblock_reserve(SZ_4M, SZ_4K), 0);
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_8K), 0);
	for_each_reserved_mem_range(i, &s, &e) {
		if (n == 0) {
			CHECK_EQ(s, SZ_1M);
			CHECK_EQ(e, SZ_1M + SZ_8K);
		} else if (n == 1) {
			CHECK_EQ(s, SZ_4M);
			CHECK_EQ(e, SZ_4M + SZ_4K);
		}
		n++;
	}
	CHECK_EQ(n, 2);
}

/*
 * Free ranges are memory minus reserved:
 *
 *  memory:   [      m1       ]    [     m2     ]
 *  reserved: [r1]     [r2]      [  r3  ]    [r4]....[r5]
 *  free:         [f1 ]    [f2]         [f3 ]
 *
 * Expect f1, f2, f3 in order with for_each_free_mem_range and in reverse with
 * for_each_free_mem_range_reverse; reservations outside memory change nothing.
 */
static void for_each_free_mem_range_check(void)
{
	static const struct range want[] = {
		{ SZ_1M + SZ_64K, SZ_2M, 0 },
		{ SZ_2M + SZ_64K, SZ_4M, 0 },
		{ SZ_8M + SZ_64K, SZ_16M - SZ_64K, 1 },
	};
	struct range got[MAX_RANGES];
	phys_addr_t s, e;
	int n = 0, nid, k;
	u64 i;

	CHECK_EQ(memblock_add_node(SZ_1M, SZ_4M - SZ_1M, 0, MEMBLOCK_NONE), 0);   /* m1 */
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_8M, 1, MEMBLOCK_NONE), 0);           /* m2 */
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_64K), 0);                           /* r1 */
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_64K), 0);                           /* r2 */
	CHECK_EQ(memblock_reserve(SZ_4M + SZ_1M, SZ_4M - SZ_1M + SZ_64K), 0);   /* r3 */
	CHECK_EQ(memblock_reserve(SZ_16M - SZ_64K, SZ_64K), 0);                 /* r4 */
	CHECK_EQ(memblock_reserve(SZ_32M, SZ_4K), 0);                           /* r5 */

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid) {
		REQUIRE(n < MAX_RANGES);
		got[n++] = (struct range){ s, e, nid };
	}
	CHECK_EQ(n, 3);
	for (k = 0; k < 3 && k < n; k++) {
		CHECK_EQ(got[k].start, want[k].start);
		CHECK_EQ(got[k].end, want[k].end);
		CHECK_EQ(got[k].nid, want[k].nid);
	}

	n = 0;
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid) {
		REQUIRE(n < MAX_RANGES);
		got[n++] = (struct range){ s, e, nid };
	}
	CHECK_EQ(n, 3);
	for (k = 0; k < 3 && k < n; k++) {
		CHECK_EQ(got[k].start, want[2 - k].start);
		CHECK_EQ(got[k].end, want[2 - k].end);
		CHECK_EQ(got[k].nid, want[2 - k].nid);
	}
}

/*
 * Free ranges of one node, with a reservation straddling the node boundary:
 *
 *  memory:   [     nid 0     ][     nid 1     ]
 *  reserved:             [#####]
 *
 * Expect node 0's free range to stop at the reservation and node 1's to start after it, and
 * the NULL out-pointers to be allowed.
 */
static void for_each_free_mem_range_nid_check(void)
{
	phys_addr_t s, e;
	int n = 0, nid;
	u64 i;

	CHECK_EQ(memblock_add_node(0, SZ_16M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_16M, SZ_16M, 1, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_reserve(SZ_16M - SZ_1M, SZ_2M), 0);

	for_each_free_mem_range(i, 0, MEMBLOCK_NONE, &s, &e, &nid) {
		CHECK_EQ(s, 0);
		CHECK_EQ(e, SZ_16M - SZ_1M);
		CHECK_EQ(nid, 0);
		n++;
	}
	CHECK_EQ(n, 1);
	n = 0;
	for_each_free_mem_range_reverse(i, 1, MEMBLOCK_NONE, &s, &e, NULL) {
		CHECK_EQ(s, SZ_16M + SZ_1M);
		CHECK_EQ(e, SZ_32M);
		n++;
	}
	CHECK_EQ(n, 1);
	n = 0;
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, NULL, NULL, NULL)
		n++;
	CHECK_EQ(n, 2);
}

/*
 * Touching reserved regions that cannot merge (different nodes) leave no empty free range:
 *
 *  memory:   [              m               ]
 *  reserved:      [ r1 nid0 ][ r2 nid1 ]
 *
 * Expect exactly two free ranges, neither empty.
 */
static void for_each_free_mem_range_no_empty_check(void)
{
	phys_addr_t s, e;
	int n = 0;
	u64 i;

	CHECK_EQ(memblock_add(SZ_1M, SZ_8M), 0);
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_2M), 0);
	CHECK_EQ(memblock_set_node(SZ_2M, SZ_1M, &memblock.reserved, 0), 0);
	CHECK_EQ(memblock_set_node(SZ_2M + SZ_1M, SZ_1M, &memblock.reserved, 1), 0);
	CHECK_EQ(memblock.reserved.cnt, 2);
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) {
		CHECK(s < e);
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) {
		CHECK(s < e);
		n++;
	}
	CHECK_EQ(n, 2);
}

/*
 * for_each_mem_pfn_range with regions not page aligned:
 *
 *  |  [+1K  m1  -1K]  [<1 page m2]  [ m3 nid1 ]  |
 *
 * Expect m1 rounded inwards to whole pages, m2 (no whole page) skipped, m3 only when asking
 * for node 1 or any node.
 */
static void for_each_mem_pfn_range_check(void)
{
	unsigned long s, e;
	int i, nid, n = 0;

	CHECK_EQ(memblock_add_node(SZ_1M + SZ_1K, SZ_1M - SZ_2K, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_4M + SZ_1K, SZ_4K, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_1M, 1, MEMBLOCK_NONE), 0);

	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid) {
		if (n == 0) {
			CHECK_EQ(s, PFN_UP(SZ_1M + SZ_1K));
			CHECK_EQ(e, PFN_DOWN(SZ_2M - SZ_1K));
			CHECK_EQ(nid, 0);
		} else if (n == 1) {
			CHECK_EQ(s, PFN_DOWN(SZ_8M));
			CHECK_EQ(e, PFN_DOWN(SZ_8M + SZ_1M));
			CHECK_EQ(nid, 1);
		}
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	for_each_mem_pfn_range(i, 1, &s, &e, NULL) {
		CHECK_EQ(s, PFN_DOWN(SZ_8M));
		n++;
	}
	CHECK_EQ(n, 1);
	n = 0;
	for_each_mem_pfn_range(i, NUMA_NO_NODE, NULL, NULL, NULL)
		n++;
	CHECK_EQ(n, 2);
}

/*
 * Iterators over empty memblock:
 *
 *  |                |
 *
 * Expect no iterations at all.
 */
static void iterators_empty_check(void)
{
	phys_addr_t s, e;
	unsigned long ps, pe;
	int n = 0, j;
	u64 i;

	for_each_mem_range(i, &s, &e)
		n++;
	for_each_reserved_mem_range(i, &s, &e)
		n++;
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
		n++;
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
		n++;
	for_each_mem_pfn_range(j, NUMA_NO_NODE, &ps, &pe, NULL)
		n++;
	CHECK_EQ(n, 0);
}

int main(void)
{
	run_case(for_each_mem_range_check);
	run_case(for_each_reserved_mem_range_check);
	run_case(for_each_free_mem_range_check);
	run_case(for_each_free_mem_range_nid_check);
	run_case(for_each_free_mem_range_no_empty_check);
	run_case(for_each_mem_pfn_range_check);
	run_case(iterators_empty_check);
	return test_done();
}
