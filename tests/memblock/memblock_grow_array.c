/* memblock_grow_array - the region arrays double past INIT_MEMBLOCK_REGIONS (128) entries,
 * keep every region intact, keep working for allocation and splitting, and go back to the
 * static arrays on nmm_memblock_reset(). Silent on success.
 */
#include "memblock_test.h"

/*
 * 200 disjoint one-page memory regions:
 *
 *  |[m0] [m1] [m2] ... [m199]|
 *
 * Expect cnt 200 in an array of 256, every region where it was put.
 */
static void grow_memory_array_check(void)
{
	struct memblock_region *initial = memblock.memory.regions;
	unsigned long i, bad = 0;

	CHECK_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	for (i = 0; i < 200; i++)
		CHECK_EQ(memblock_add_node(i * SZ_8K, SZ_4K, (int)(i % 4), MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock.memory.cnt, 200);
	CHECK_EQ(memblock.memory.max, 2 * INIT_MEMBLOCK_REGIONS);
	CHECK(memblock.memory.regions != initial);
	for (i = 0; i < 200; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		bad += r->base != i * SZ_8K || r->size != SZ_4K || r->nid != (int)(i % 4);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(memblock_phys_mem_size(), 200 * SZ_4K);
}

/*
 * 600 disjoint reservations inside one memory region, then allocations into the holes:
 *
 *  memory:   [                                  ]
 *  reserved: [r0] [r1] ... [r599]
 *
 * Expect the reserved array to grow three times (to 1024) and every allocation to land in a hole
 * between reservations (bottom-up) and merge with its neighbours.
 */
static void grow_reserved_array_check(void)
{
	unsigned long i;
	phys_addr_t p;

	CHECK_EQ(memblock_add(SZ_1M, SZ_32M), 0);
	for (i = 0; i < 600; i++)
		CHECK_EQ(memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(memblock.reserved.cnt, 600);
	CHECK_EQ(memblock.reserved.max, 8 * INIT_MEMBLOCK_REGIONS);  /* 128 -> 256 -> 512 -> 1024 */
	memblock_set_bottom_up(true);
	for (i = 0; i < 10; i++) {
		p = memblock_phys_alloc(SZ_4K, SZ_4K);
		CHECK_EQ(p, SZ_1M + i * SZ_8K + SZ_4K);
	}
	CHECK_EQ(memblock.reserved.cnt, 590);
	CHECK_EQ(memblock.reserved.regions[0].size, 21 * SZ_4K);
}

/*
 * A full array (128 regions) where a remove must split one region:
 *
 *  |[m0] ... [m63 (hole) m63'] ... [m127]|
 *
 * Expect the split to grow the array rather than fail.
 */
static void grow_on_split_check(void)
{
	unsigned long i;

	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		CHECK_EQ(memblock_add(i * SZ_64K, SZ_32K), 0);
	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock_remove(63 * SZ_64K + SZ_8K, SZ_8K), 0);
	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS + 1);
	CHECK_EQ(memblock.memory.max, 2 * INIT_MEMBLOCK_REGIONS);
	CHECK_REGION(memblock.memory, 63, 63 * SZ_64K, SZ_8K);
	CHECK_REGION(memblock.memory, 64, 63 * SZ_64K + SZ_16K, SZ_16K);
}

/*
 * Reset after growth, then grow again:
 *
 *  grown -> reset -> |  | (static arrays) -> grown again
 *
 * Expect the static arrays back (max 128, cnt 0, defaults restored) and growth to work again.
 */
static void grow_after_reset_check(void)
{
	struct memblock_region *initial;
	unsigned long i;

	nmm_memblock_reset();
	initial = memblock.memory.regions;
	for (i = 0; i < 300; i++)
		CHECK_EQ(memblock_add(i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(memblock.memory.max, 4 * INIT_MEMBLOCK_REGIONS);
	memblock_set_bottom_up(true);
	memblock_set_current_limit(SZ_1M);

	nmm_memblock_reset();
	CHECK(memblock.memory.regions == initial);
	CHECK_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock.memory.cnt, 0);
	CHECK_EQ(memblock.memory.total_size, 0);
	CHECK_EQ(memblock.reserved.cnt, 0);
	CHECK(!memblock_bottom_up());
	CHECK_EQ(memblock_get_current_limit(), MEMBLOCK_ALLOC_ANYWHERE);

	for (i = 0; i < 300; i++)
		CHECK_EQ(memblock_add(i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(memblock.memory.cnt, 300);
	CHECK_REGION(memblock.memory, 299, 299 * SZ_8K, SZ_4K);
}

/* Virtual memory size of this process, in bytes. */
static unsigned long vm_size(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	REQUIRE(f && fscanf(f, "%lu", &pages) == 1);
	fclose(f);
	return pages * SZ_4K;
}

/*
 * Many grow-and-reset cycles:
 *
 *  |[m0] ... [m999]|  -> reset -> again, 50 times
 *
 * Expect the address space not to grow: reset (and each doubling) unmaps the arrays it
 * replaced. 50 leaked 24 KiB arrays would show as 1.2 MiB.
 */
static void grow_reset_no_leak_check(void)
{
	unsigned long before = 0, after, i;
	int cycle;

	for (cycle = 0; cycle < 50; cycle++) {
		if (cycle == 1)
			before = vm_size();
		for (i = 0; i < 1000; i++)
			memblock_add(i * SZ_8K, SZ_4K);
		CHECK_EQ(memblock.memory.max, 8 * INIT_MEMBLOCK_REGIONS);
		nmm_memblock_reset();
	}
	after = vm_size();
	CHECK(after < before + SZ_256K);
}

int main(void)
{
	run_case(grow_memory_array_check);
	run_case(grow_reserved_array_check);
	run_case(grow_on_split_check);
	run_case(grow_after_reset_check);
	run_case(grow_reset_no_leak_check);
	nmm_memblock_reset();
	return test_done();
}
