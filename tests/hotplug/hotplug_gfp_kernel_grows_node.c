/* hotplug_gfp_kernel_grows_node: with "mem=64M hotplug=256M", GFP_KERNEL allocations keep
 * succeeding past the boot memory because the allocator hot-adds 128 MiB sections to node 0
 * (which had only DMA and DMA32: the first section creates its ZONE_NORMAL and the zonelists
 * are rebuilt), up to the window, and fail after it. The new pages are free of PageReserved, on
 * the node (move_pages), and each section's memory map lives in its own first 2 MiB. Freeing
 * everything gives back the boot free pages plus the hot-added ones minus their memory maps.
 * argv[1]: the backing (shmem or thp). */
#include <numamm/linux/list.h>

#include "boot/boot.h"
#include "page_alloc/pa_test.h"

#define SECTION (1ULL << SECTION_SIZE_BITS)
#define MEMMAP_PAGES (PAGES_PER_SECTION * sizeof(struct page) / PAGE_SIZE)

int main(int argc, char **argv)
{
	const char *backing = argc > 1 ? argv[1] : "shmem";
	char line[128];
	snprintf(line, sizeof(line), "mem=64M hotplug=256M backing=%s", backing);
	REQUIRE(nmm_boot(line) == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	REQUIRE(ni.hotplug_end - ni.hotplug_start == 256ULL << 20);
	CHECK_EQ(ni.hotplug_start, 4ULL << 30);   /* above boot memory and 4 GiB: ZONE_NORMAL */
	pg_data_t *pg = NODE_DATA(0);
	struct zone *normal = &pg->node_zones[ZONE_NORMAL];
	CHECK(!populated_zone(normal));
	unsigned long boot_present = pg->node_present_pages;
	unsigned long initial = drained_free_pages();
	unsigned long fails0 = nmm_alloc_fail_count;

	/* Exhaust: every hot-add is one whole section, in order, never beyond the window. */
	LIST_HEAD(pages);
	unsigned long n = 0, last_events = 0;
	for (;;) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (!page)
			break;
		list_add(&page->lru, &pages);
		n++;
		unsigned long ev = __atomic_load_n(&nmm_hotadd_events, __ATOMIC_RELAXED);
		if (ev != last_events) {
			CHECK_EQ(ev, last_events + 1);
			CHECK_EQ(normal->present_pages, ev * PAGES_PER_SECTION);
			CHECK_EQ(pg->node_present_pages, boot_present + ev * PAGES_PER_SECTION);
			CHECK(pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs[0].zone == normal);
			last_events = ev;
		}
	}
	CHECK_EQ(last_events, 2);
	CHECK(n > (64UL << 20) / PAGE_SIZE);   /* succeeded past the boot memory */
	CHECK(n > 2 * (PAGES_PER_SECTION - MEMMAP_PAGES));
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 256ULL << 20);
	CHECK_EQ(ni.nr_ranges, ni.nr_boot_ranges + 1);   /* contiguous sections: one range */
	CHECK_EQ(ni.range[ni.nr_ranges - 1].start, ni.hotplug_start);
	CHECK_EQ(ni.range[ni.nr_ranges - 1].end, ni.hotplug_end);
	CHECK_EQ(ni.mem_bytes, (64ULL << 20) + (256ULL << 20));

	/* The window is full: the allocator fails without adding; the failure is reported. */
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0) == NULL);
	CHECK_EQ(nmm_alloc_fail_count, fails0);
	CHECK(alloc_pages(GFP_KERNEL, 0) == NULL);
	CHECK_EQ(nmm_alloc_fail_count, fails0 + 1);
	CHECK_EQ(nmm_hotadd_events, 2);
	CHECK_EQ(nmm_memory_hotadd(0, 1), -ENOSPC);

	/* Zone accounting: present counts the memory maps, managed does not. */
	CHECK_EQ(normal->zone_start_pfn, PFN_DOWN(ni.hotplug_start));
	CHECK_EQ(normal->spanned_pages, 2 * PAGES_PER_SECTION);
	CHECK_EQ(normal->present_pages, 2 * PAGES_PER_SECTION);
	CHECK_EQ(zone_managed_pages(normal), 2 * (PAGES_PER_SECTION - MEMMAP_PAGES));
	CHECK(min_wmark_pages(normal) > 0);

	/* Each section's memory map is in its own first 2 MiB, reserved. */
	for (uint64_t s = ni.hotplug_start; s < ni.hotplug_end; s += SECTION) {
		unsigned long pfn0 = PFN_DOWN(s);
		struct page *first = pfn_to_page(pfn0);
		CHECK((char *)first >= (char *)__va(s) && (char *)first < (char *)__va(s) + (2 << 20));
		struct page *mm = virt_to_page(first);
		CHECK(page_to_pfn(mm) >= pfn0 && page_to_pfn(mm) < pfn0 + MEMMAP_PAGES);
		CHECK(PageReserved(mm));
		CHECK(PageReserved(first));
		CHECK_EQ(page_to_pfn(first), pfn0);
		CHECK_EQ(page_to_nid(first), 0);
		CHECK_EQ(page_zonenum(first), ZONE_NORMAL);
	}

	/* Every hot-added page handed out: not reserved, ZONE_NORMAL of node 0, really on the node. */
	unsigned long hot = 0, bad = 0;
	struct page *page;
	list_for_each_entry(page, &pages, lru) {
		phys_addr_t pa = page_to_phys(page);
		if (pa < ni.hotplug_start)
			continue;
		hot++;
		if (pa >= ni.hotplug_end || PageReserved(page) || page_to_nid(page) != 0 ||
		    page_zonenum(page) != ZONE_NORMAL || (pa - ni.hotplug_start) % SECTION < (2 << 20) ||
		    page_address(page) != __va(pa))
			bad++;
		*(volatile char *)page_address(page) = 1;   /* fault it in for move_pages */
	}
	CHECK_EQ(bad, 0);
	/* All of the new zone was handed out but its min watermark's worth. */
	CHECK_EQ(hot + zone_free(normal), 2 * (PAGES_PER_SECTION - MEMMAP_PAGES));
	CHECK(zone_free(normal) <= min_wmark_pages(normal) + 1);
	unsigned long on = 0, elsewhere = 0, absent = 0;
	CHECK_EQ(nmm_numa_verify(__va(ni.hotplug_start), (size_t)(ni.hotplug_end - ni.hotplug_start),
				 ni.phys_node, &on, &elsewhere, &absent), 0);
	CHECK_EQ(elsewhere, 0);
	if (!strcmp(backing, "shmem"))   /* THP faults 2 MiB at a time: more is present */
		CHECK_EQ(on, hot + 2 * MEMMAP_PAGES);   /* the touched pages and the memory maps */
	CHECK(on >= hot + 2 * MEMMAP_PAGES);
	CHECK(all_zones_valid());

	/* Free everything: the boot free pages plus the hot-added ones minus their memory maps. */
	struct page *tmp;
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del(&page->lru);
		__free_pages(page, 0);
	}
	CHECK_EQ(drained_free_pages(), initial + 2 * (PAGES_PER_SECTION - MEMMAP_PAGES));
	CHECK(all_zones_valid());
	/* The new zone serves again without growing. */
	page = alloc_pages(GFP_KERNEL, 3);
	CHECK(page && page_zonenum(page) == ZONE_NORMAL);
	if (page)
		__free_pages(page, 3);
	CHECK_EQ(nmm_hotadd_events, 2);
	nmm_shutdown();
	return test_done();
}
