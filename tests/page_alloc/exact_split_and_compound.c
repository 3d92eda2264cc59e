/* exact_split_and_compound: alloc_pages_exact gives back the unused tail of its power-of-two
 * block at once; split_page lets each page be freed alone; __GFP_COMP makes head/tail pages
 * whose put_page on any tail frees the whole block; __get_free_pages/get_zeroed_page return
 * linear-map addresses. Nothing leaks. */
#include "pa_test.h"

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);
	unsigned long initial = drained_free_pages();

	/* 5 pages from an order-3 block: 3 go back immediately. */
	void *v = alloc_pages_exact(5 * PAGE_SIZE - 100, GFP_KERNEL);
	REQUIRE(v);
	CHECK_EQ(drained_free_pages(), initial - 5);
	memset(v, 7, 5 * PAGE_SIZE - 100);
	free_pages_exact(v, 5 * PAGE_SIZE - 100);
	CHECK_EQ(drained_free_pages(), initial);

	struct page *p = alloc_pages(GFP_KERNEL, 2);
	REQUIRE(p);
	split_page(p, 2);
	for (int i = 3; i >= 0; i--) {
		CHECK_EQ(page_ref_count(p + i), 1);
		__free_page(p + i);
	}
	CHECK_EQ(drained_free_pages(), initial);

	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	REQUIRE(p);
	CHECK(PageHead(p));
	for (int i = 1; i < 8; i++)
		CHECK(PageTail(p + i));
	get_page(p + 5);                    /* a reference through a tail counts on the head */
	CHECK_EQ(page_ref_count(p), 2);
	put_page(p + 5);
	put_page(p + 7);                    /* last reference: the whole compound page goes */
	CHECK_EQ(drained_free_pages(), initial);
	CHECK(!PageHead(p) && !PageTail(p + 1));

	unsigned long a = __get_free_pages(GFP_KERNEL, 1);
	CHECK(a && virt_addr_valid((void *)a));
	unsigned long z = get_zeroed_page(GFP_KERNEL);
	REQUIRE(z);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (((unsigned char *)z)[i]) {
			test_failures++;
			break;
		}
	free_pages(a, 1);
	free_page(z);
	CHECK_EQ(drained_free_pages(), initial);
	CHECK_EQ(nmm_bad_page_count, 0);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
