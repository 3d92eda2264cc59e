/* hotplug_atomic_never_hotadds: allocations that must not sleep (GFP_ATOMIC, GFP_NOWAIT) and
 * allocations that cannot use ZONE_NORMAL (GFP_DMA32) fail at the end of boot memory without
 * hot-adding; the next GFP_KERNEL allocation grows the node. */
#include <numamm/linux/list.h>

#include "boot/boot.h"
#include "page_alloc/pa_test.h"

static unsigned long exhaust(gfp_t gfp, struct list_head *pages)
{
	unsigned long n = 0;
	struct page *page;
	while ((page = alloc_pages(gfp | __GFP_NOWARN, 0))) {
		list_add(&page->lru, pages);
		n++;
	}
	return n;
}

int main(void)
{
	REQUIRE(nmm_boot("mem=64M hotplug=256M backing=thp") == 0);
	struct zone *normal = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	unsigned long initial = drained_free_pages();
	LIST_HEAD(pages);
	CHECK(exhaust(GFP_ATOMIC, &pages) > 0);
	exhaust(GFP_NOWAIT, &pages);   /* may find a few pages above min */
	CHECK(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) == NULL);
	CHECK(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0) == NULL);
	CHECK_EQ(nmm_hotadd_events, 0);
	CHECK(!populated_zone(normal));
	/* May sleep, but only DMA32 and below: hot-added memory would be of no use. */
	exhaust(GFP_KERNEL | __GFP_DMA32 | __GFP_NORETRY, &pages);
	CHECK(alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_NOWARN, 0) == NULL);
	CHECK_EQ(nmm_hotadd_events, 0);
	CHECK(!populated_zone(normal));

	struct page *page = alloc_pages(GFP_KERNEL, 0);
	CHECK(page != NULL);
	CHECK_EQ(nmm_hotadd_events, 1);
	CHECK(page && page_zonenum(page) == ZONE_NORMAL);
	if (page)
		list_add(&page->lru, &pages);
	/* Now that the zone exists GFP_ATOMIC uses it, still without adding more. */
	CHECK(exhaust(GFP_ATOMIC, &pages) > 0);
	CHECK_EQ(nmm_hotadd_events, 1);
	CHECK(all_zones_valid());
	struct page *tmp;
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del(&page->lru);
		__free_pages(page, 0);
	}
	CHECK_EQ(drained_free_pages(), initial + PAGES_PER_SECTION - 512);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
