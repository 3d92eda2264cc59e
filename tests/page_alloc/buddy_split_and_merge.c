/* buddy_split_and_merge: taking one page from a zone whose free memory is all MAX_ORDER blocks
 * splits one block into one free block of each order below (expand), and freeing the page
 * merges everything back to the same free areas; the page is naturally placed inside the split
 * block and its buddies are free. */
#include "pa_test.h"

int main(void)
{
	REQUIRE(nmm_boot("memmap=64M@0x100000000 page_grouping=off") == 0);
	struct zone *zone = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	REQUIRE(populated_zone(zone));
	drain_all_pages(NULL);
	unsigned long before[NR_PAGE_ORDERS];
	for (int o = 0; o <= MAX_ORDER; o++)
		before[o] = zone->free_area[o].nr_free;
	/* The memory map and node data took the top of the range; the rest is whole blocks. */
	CHECK(before[MAX_ORDER] >= 10);

	/* Take a page straight from the buddy (order 4 > pcp orders) to see one split. */
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 4);
	REQUIRE(p);
	unsigned long pfn = page_to_pfn(p);
	CHECK_EQ(pfn & 15, 0);
	CHECK(!PageBuddy(p));
	CHECK_EQ(page_ref_count(p), 1);
	/* __rmqueue_smallest: the smallest order >= 4 with a free block is split. */
	int split_from = 4;
	while (split_from <= MAX_ORDER && !before[split_from])
		split_from++;
	REQUIRE(split_from <= MAX_ORDER);
	CHECK_EQ(zone->free_area[split_from].nr_free, before[split_from] - 1);
	/* expand(): one new free block at each order in [4, split_from). */
	for (int o = 4; o < split_from; o++)
		CHECK_EQ(zone->free_area[o].nr_free, before[o] + 1);
	for (int o = split_from + 1; o <= MAX_ORDER; o++)
		CHECK_EQ(zone->free_area[o].nr_free, before[o]);
	if (split_from > 4) {
	/* Our buddy at order 4 is free and of order 4. */
		struct page *buddy = pfn_to_page(pfn ^ 16);
		CHECK(PageBuddy(buddy) && buddy->private == 4);
	}
	CHECK(all_zones_valid());

	__free_pages(p, 4);
	for (int o = 0; o <= MAX_ORDER; o++)
		CHECK_EQ(zone->free_area[o].nr_free, before[o]);
	CHECK(PageBuddy(pfn_to_page(pfn & ~((1UL << split_from) - 1))));
	CHECK(all_zones_valid());

	/* Order 0 through the pcp list: the refill takes a batch; draining merges it all back. */
	struct page *q = alloc_page(GFP_KERNEL);
	REQUIRE(q);
	CHECK(nmm_zone_pcp_pages(zone) > 0);
	__free_page(q);
	drain_all_pages(zone);
	CHECK_EQ(nmm_zone_pcp_pages(zone), 0);
	for (int o = 0; o <= MAX_ORDER; o++)
		CHECK_EQ(zone->free_area[o].nr_free, before[o]);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
