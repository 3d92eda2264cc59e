/* memblock_alloc_checks - memblock_alloc(), _raw, _from, _low, memblock_phys_alloc(_range):
 * placement top-down and bottom-up, alignment, fitting between reservations, failure, the
 * current limit, the untouchable first page and zeroing. Silent on success.
 */
#include "memblock_test.h"

#define CACHE_ALIGN 64

/*
 * A small allocation from one memory region:
 *
 *  |   [           memory            ]   |
 *  top-down:                     [ a ]
 *  bottom-up:  [ a ]
 *
 * Expect the block at the top (top-down) or bottom (bottom-up) of memory, reserved, and the
 * pointer to be its linear-map address.
 */
static void alloc_simple_check(void)
{
	phys_addr_t mem = SZ_1M, end = SZ_1M + SZ_16M;
	void *p;

	CHECK_EQ(memblock_add(mem, SZ_16M), 0);
	p = memblock_alloc(SZ_2K, CACHE_ALIGN);
	REQUIRE(p);
	CHECK(p == phys_to_virt(test_pa(p)));
	if (memblock_bottom_up())
		CHECK_EQ(test_pa(p), mem);
	else
		CHECK_EQ(test_pa(p), end - SZ_2K);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, test_pa(p), SZ_2K);
	CHECK_EQ(memblock_reserved_size(), SZ_2K);
}

/*
 * Misaligned memory, 1 MiB alignment requested:
 *
 *  |  [+4K      memory          +8K]  |
 *       ^2M (bottom-up)      ^8M (top-down)
 *
 * Expect the block at the first/last 1 MiB boundary that leaves room.
 */
static void alloc_alignment_check(void)
{
	phys_addr_t p;

	CHECK_EQ(memblock_add(SZ_1M + SZ_4K, SZ_8M + SZ_4K), 0);  /* ends at 9M + 8K */
	p = memblock_phys_alloc(SZ_64K, SZ_1M);
	CHECK(IS_ALIGNED(p, SZ_1M));
	CHECK_EQ(p, memblock_bottom_up() ? SZ_2M : SZ_8M);
	CHECK(memblock_is_region_reserved(p, SZ_64K));
}

/*
 * Exactly enough room between two reservations:
 *
 *  |  [ r1 ][    gap    ][ r2 ]  |
 *  |  [ r1 ][     a     ][ r2 ]  |
 *
 * Expect the block to fill the gap in both directions, and the three reservations to merge.
 */
static void alloc_between_reserved_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_4M, SZ_4M + SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_8M, SZ_1M), 0);
	p = memblock_alloc(SZ_2M + SZ_1M, SZ_4K);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), SZ_4M + SZ_1M);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_4M, SZ_4M + SZ_1M);
}

/*
 * One page more than the gap between two reservations:
 *
 *  |  [ r1 ][    gap    ][ r2 ]  |
 *          [    a + 4K    ]
 *
 * Expect NULL, a one-line warning, and reservations unchanged.
 */
static void alloc_no_space_check(void)
{
	char *err;
	void *p;

	CHECK_EQ(memblock_add(SZ_4M, SZ_4M + SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_8M, SZ_1M), 0);
	capture_stderr_begin();
	p = memblock_alloc(SZ_2M + SZ_1M + SZ_4K, SZ_4K);
	err = capture_stderr_end();
	CHECK(p == NULL);
	CHECK_EQ(count_lines_starting(err, "memblock_alloc_try_nid: Failed to allocate 3149824 bytes"), 1);
	free(err);
	CHECK_EQ(memblock.reserved.cnt, 2);
	CHECK_EQ(memblock_reserved_size(), SZ_2M);
}

/*
 * memblock.current_limit below the top of memory:
 *
 *  |  [     memory   |limit     memory      ]  |
 *  top-down:    [ a ]|
 *
 * Expect virtual allocations below the limit, failure when only memory above it would fit,
 * and memblock_phys_alloc_range(..., MEMBLOCK_ALLOC_ANYWHERE) free to go above.
 */
static void alloc_current_limit_check(void)
{
	phys_addr_t limit = SZ_8M, p;
	void *v;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	memblock_set_current_limit(limit);
	CHECK_EQ(memblock_get_current_limit(), limit);
	v = memblock_alloc(SZ_1M, SZ_4K);
	REQUIRE(v);
	CHECK(test_pa(v) + SZ_1M <= limit);
	CHECK_EQ(test_pa(v), memblock_bottom_up() ? SZ_1M : limit - SZ_1M);

	capture_stderr_begin();
	v = memblock_alloc(SZ_8M, SZ_4K);       /* 6 MiB left below the limit */
	free(capture_stderr_end());
	CHECK(v == NULL);

	p = memblock_phys_alloc(SZ_4M, SZ_4K);   /* ACCESSIBLE: capped by the limit */
	CHECK(p != 0 && p + SZ_4M <= limit);

	/* 2 MiB left below the limit; an 8 MiB block must cross or pass it. */
	p = memblock_phys_alloc_range(SZ_8M, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE);
	CHECK(p + SZ_8M > limit);
	CHECK_EQ(p, memblock_bottom_up() ? SZ_1M + SZ_1M + SZ_4M : SZ_1M + SZ_32M - SZ_8M);
}

/*
 * memblock_alloc zeroes, memblock_alloc_raw does not:
 *
 *  |  [ memory filled with 0xa5 ]  |
 *
 * Expect every byte of the memblock_alloc block to be 0 and of the raw block still 0xa5.
 */
static void alloc_zeroing_check(void)
{
	unsigned char *z, *r;
	size_t i, bad_z = 0, bad_r = 0;

	memset((char *)test_linear_map + SZ_1M, 0xa5, SZ_4M);
	CHECK_EQ(memblock_add(SZ_1M, SZ_4M), 0);
	z = memblock_alloc(SZ_64K + 3, 8);
	r = memblock_alloc_raw(SZ_64K + 3, 8);
	REQUIRE(z && r);
	for (i = 0; i < SZ_64K + 3; i++) {
		bad_z += z[i] != 0;
		bad_r += r[i] != 0xa5;
	}
	CHECK_EQ(bad_z, 0);
	CHECK_EQ(bad_r, 0);
}

/*
 * Memory starting at physical 0:
 *
 *  |[pg0][          memory          ]|
 *
 * Expect page 0 never to be handed out (0 is the failure value): bottom-up starts at 4K, and
 * the whole of memory cannot be allocated.
 */
static void alloc_first_page_check(void)
{
	phys_addr_t p;

	CHECK_EQ(memblock_add(0, SZ_64K), 0);
	capture_stderr_begin();
	p = memblock_phys_alloc(SZ_64K, SZ_4K);
	free(capture_stderr_end());
	CHECK_EQ(p, 0);
	p = memblock_phys_alloc(SZ_4K, SZ_4K);
	CHECK_EQ(p, memblock_bottom_up() ? SZ_4K : SZ_64K - SZ_4K);
	CHECK(!memblock_is_reserved(0));
}

/*
 * memblock_alloc_from with a lower bound inside memory, then above it:
 *
 *  |  [  memory  |min       ]  |         |min2 (above memory)
 *
 * Expect the block at or above min; with min above memory, the retry from 0 succeeds.
 */
static void alloc_from_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_16M), 0);
	p = memblock_alloc_from(SZ_1M, SZ_4K, SZ_8M);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_8M : SZ_16M);
	p = memblock_alloc_from(SZ_1M, SZ_4K, SZ_32M);
	REQUIRE(p);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_1M : SZ_16M - SZ_1M);
}

/*
 * memblock_alloc_low with memory above 4 GiB too (not in the test's linear map):
 *
 *  |  [ low memory ]  ...4G...  [ high memory ]  |
 *
 * Expect the block below ARCH_LOW_ADDRESS_LIMIT even top-down (zeroing it proves it is
 * mapped).
 */
static void alloc_low_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_16M), 0);
	CHECK_EQ(memblock_add(SZ_4G * 2, SZ_16M), 0);
	p = memblock_alloc_low(SZ_1M, SZ_4K);
	REQUIRE(p);
	CHECK(test_pa(p) + SZ_1M <= SZ_16M + SZ_1M);
	CHECK_EQ(test_pa(p), memblock_bottom_up() ? SZ_1M : SZ_16M);
}

/*
 * memblock_phys_alloc_range inside a window, then in a window with no memory:
 *
 *  |  [ memory  |start  end|   ]  |      |start2 end2| (hole)
 *
 * Expect the block inside [start, end), and 0 with a warning for the empty window.
 */
static void phys_alloc_range_check(void)
{
	phys_addr_t p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_16M), 0);
	p = memblock_phys_alloc_range(SZ_1M, SZ_1M, SZ_4M, SZ_8M);
	CHECK_EQ(p, memblock_bottom_up() ? SZ_4M : SZ_8M - SZ_1M);
	capture_stderr_begin();
	p = memblock_phys_alloc_range(SZ_1M, SZ_1M, SZ_32M, SZ_32M + SZ_16M);
	free(capture_stderr_end());
	CHECK_EQ(p, 0);
}

/*
 * Consecutive allocations:
 *
 *  top-down:   |  [       ][a3][a2][a1]  |
 *  bottom-up:  |  [a1][a2][a3][       ]  |
 *
 * Expect each next block adjacent to the previous one, all merged into one reservation.
 */
static void alloc_consecutive_check(void)
{
	phys_addr_t a1, a2, a3;

	CHECK_EQ(memblock_add(SZ_1M, SZ_16M), 0);
	a1 = memblock_phys_alloc(SZ_64K, SZ_4K);
	a2 = memblock_phys_alloc(SZ_64K, SZ_4K);
	a3 = memblock_phys_alloc(SZ_64K, SZ_4K);
	if (memblock_bottom_up()) {
		CHECK_EQ(a2, a1 + SZ_64K);
		CHECK_EQ(a3, a2 + SZ_64K);
	} else {
		CHECK_EQ(a2, a1 - SZ_64K);
		CHECK_EQ(a3, a2 - SZ_64K);
	}
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_EQ(memblock_reserved_size(), 3 * SZ_64K);
}

/*
 * NOMAP memory is not allocated from:
 *
 *  |  [ memory ][ NOMAP ][ memory ]  |
 *
 * Expect a block as large as the NOMAP part to land outside it in both directions.
 */
static void alloc_skips_nomap_check(void)
{
	phys_addr_t p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_8M), 0);
	CHECK_EQ(memblock_mark_nomap(SZ_1M, SZ_4M), 0);
	CHECK_EQ(memblock_mark_nomap(SZ_8M, SZ_1M), 0);
	p = memblock_phys_alloc(SZ_1M, SZ_4K);
	CHECK(p >= SZ_1M + SZ_4M && p + SZ_1M <= SZ_8M);
}

int main(void)
{
	run_both(alloc_simple_check);
	run_both(alloc_alignment_check);
	run_both(alloc_between_reserved_check);
	run_both(alloc_no_space_check);
	run_both(alloc_current_limit_check);
	run_both(alloc_zeroing_check);
	run_both(alloc_first_page_check);
	run_both(alloc_from_check);
	run_both(alloc_low_check);
	run_both(phys_alloc_range_check);
	run_both(alloc_consecutive_check);
	run_both(alloc_skips_nomap_check);
	return test_done();
}
