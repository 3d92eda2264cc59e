/* bad_frees_are_reported: a double free, a free with the wrong order, a free of a reserved page
 * and free_pages() of an address outside the linear map are reported ("Bad page state") and
 * counted; none of them corrupts the free lists or loses a page. */
#include "pa_test.h"

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);
	unsigned long initial = drained_free_pages(), bad = nmm_bad_page_count;

	struct page *p = alloc_pages(GFP_KERNEL, 2);
	REQUIRE(p);
	__free_pages(p, 2);
	__free_pages(p, 2);                 /* double free */
	CHECK_EQ(nmm_bad_page_count, bad + 1);

	p = alloc_pages(GFP_KERNEL, 3);
	REQUIRE(p);
	__free_pages(p, 1);                 /* wrong order: reported, the whole order-3 block freed */
	CHECK_EQ(nmm_bad_page_count, bad + 2);
	CHECK_EQ(drained_free_pages(), initial);

	__free_pages(pfn_to_page(0), 0);    /* page 0 is reserved */
	CHECK_EQ(nmm_bad_page_count, bad + 3);
	CHECK(PageReserved(pfn_to_page(0)));

	static char not_ours[8192];
	free_pages((unsigned long)not_ours, 0);   /* reported on stderr, ignored */
	free_pages(0, 0);                          /* NULL: fine, as the kernel */

	/* Order-0 double free through the pcp list. */
	p = alloc_page(GFP_KERNEL);
	REQUIRE(p);
	__free_page(p);
	__free_page(p);
	CHECK_EQ(nmm_bad_page_count, bad + 4);

	/* put_page on a page with two references frees only on the second. */
	p = alloc_page(GFP_KERNEL);
	REQUIRE(p);
	get_page(p);
	CHECK_EQ(page_ref_count(p), 2);
	put_page(p);
	CHECK_EQ(page_ref_count(p), 1);
	put_page(p);
	CHECK_EQ(nmm_bad_page_count, bad + 4);
	CHECK_EQ(drained_free_pages(), initial);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
