/* free_pages_shared_block_then_put (the bug fuzz_buddy_ops found): __free_pages() of a
 * non-compound order-2 block whose first page someone else still holds gives pages 1..3 back at
 * once, and the first page becomes an order-0 page: the holder's put_page() (or
 * __free_pages(page, 0)) frees just it — no second free of the tail pages, no bad-page report,
 * and the free page count returns exactly to where it was. */
#include "pa_test.h"

static void run(bool put_with_free_pages)
{
	unsigned long initial = drained_free_pages(), bad = nmm_bad_page_count;
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	REQUIRE(p);
	get_page(p);
	__free_pages(p, 2);
	CHECK_EQ(drained_free_pages(), initial - 1);   /* only the held first page is still out */
	CHECK_EQ(page_ref_count(p), 1);
	if (put_with_free_pages)
		__free_pages(p, 0);
	else
		put_page(p);
	CHECK_EQ(drained_free_pages(), initial);
	CHECK_EQ(nmm_bad_page_count, bad);
	CHECK(all_zones_valid());
}

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);
	run(false);
	run(true);
	nmm_shutdown();
	return test_done();
}
