/* memblock_free_checks - memblock_phys_free() and memblock_free(): reservations dropped or split,
 * by physical or linear-map address. Silent on success.
 */
#include "memblock_test.h"

/*
 * Free a whole reservation:
 *
 *  |  [ r1 ]   [ r2 ]  |   free r1
 *
 * Expect only r2 reserved.
 */
static void memblock_free_simple_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_64K), 0);
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_4K), 0);
	CHECK_EQ(memblock_phys_free(SZ_1M, SZ_64K), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_4M, SZ_4K);
	CHECK_EQ(memblock_reserved_size(), SZ_4K);
}

/*
 * Free a range overlapping the top of one reservation and the bottom of the next:
 *
 *  |  [ r1 (## ]  [ ##) r2 ]  |
 *
 * Expect both trimmed.
 */
static void memblock_free_overlap_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_reserve(SZ_4M, SZ_1M), 0);
	CHECK_EQ(memblock_phys_free(SZ_1M + SZ_512K, SZ_4M - SZ_1M), 0);
	CHECK_EQ(memblock.reserved.cnt, 2);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_512K);
	CHECK_REGION(memblock.reserved, 1, SZ_4M + SZ_512K, SZ_512K);
	CHECK_EQ(memblock_reserved_size(), SZ_1M);
}

/*
 * Free the middle of a reservation:
 *
 *  |  [ r1 (r2) r1' ]  |
 *
 * Expect two reservations either side.
 */
static void memblock_free_within_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_1M), 0);
	CHECK_EQ(memblock_phys_free(SZ_1M + SZ_4K, SZ_4K), 0);
	CHECK_EQ(memblock.reserved.cnt, 2);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_4K);
	CHECK_REGION(memblock.reserved, 1, SZ_1M + SZ_8K, SZ_1M - SZ_8K);
	CHECK(!memblock_is_reserved(SZ_1M + SZ_4K));
}

/*
 * memblock_free() of a memblock_alloc() block by its virtual address, and of NULL:
 *
 *  memory:   [#########################]
 *  reserved:         [ p ]   -> freed
 *
 * Expect the reservation gone and memblock_free(NULL, n) to change nothing.
 */
static void memblock_free_virt_check(void)
{
	void *p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_4M), 0);
	p = memblock_alloc(SZ_64K, SZ_4K);
	REQUIRE(p);
	CHECK_EQ(memblock_reserved_size(), SZ_64K);
	memblock_free(NULL, SZ_64K);
	CHECK_EQ(memblock_reserved_size(), SZ_64K);
	memblock_free(p, SZ_64K);
	CHECK_EQ(memblock.reserved.cnt, 0);
	CHECK_EQ(memblock_reserved_size(), 0);
}

/*
 * Free a range nothing reserved:
 *
 *  |  [ r1 ]   (r2)  |
 *
 * Expect success and no change.
 */
static void memblock_free_absent_check(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_4K), 0);
	CHECK_EQ(memblock_phys_free(SZ_2M, SZ_4K), 0);
	CHECK_EQ(memblock.reserved.cnt, 1);
	CHECK_REGION(memblock.reserved, 0, SZ_1M, SZ_4K);
}

int main(void)
{
	run_case(memblock_free_simple_check);
	run_case(memblock_free_overlap_check);
	run_case(memblock_free_within_check);
	run_case(memblock_free_virt_check);
	run_case(memblock_free_absent_check);
	return test_done();
}
