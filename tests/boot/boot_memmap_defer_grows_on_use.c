/* boot_memmap_defer_grows_on_use: memmap_defer=SIZE writes struct pages at boot only for the
 * blocks that hold reserved memory and each zone's first SIZE; the rest of every zone is
 * present but not managed, has no struct pages (pfn_valid false, its memory map not resident),
 * and joins the buddy allocator a 4 MiB block at a time as allocations need it. In the end every
 * page is usable: as many pages can be allocated as without the token, the zones' structures
 * stay sound, and all of it comes back. Without the token a half-filled section's memory map
 * is written only as far as its memory goes. A bad size is refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "page_alloc/internal.h"
#include "test.h"

struct totals { unsigned long present, managed, deferred; };

static struct totals totals(void)
{
	struct totals t = { 0, 0, 0 };
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			t.present += zone->present_pages;
			t.managed += zone_managed_pages(zone);
			t.deferred += zone->deferred_pages;
		}
	return t;
}

static bool zones_valid(void)
{
	bool ok = true;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				ok &= nmm_zone_is_valid(&NODE_DATA(nid)->node_zones[z], stderr);
	return ok;
}

/* With THP "always" (the QEMU guests' kernel) the memory map is in 2 MiB pages whatever
 * numamm advises, so residency says nothing about what was written: skip those checks. */
static bool thp_always(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, "[always]") != NULL;
}

/* Are any of the struct pages of the 4 MiB block holding @pfn resident? */
static bool block_map_resident(unsigned long pfn)
{
	uintptr_t a = (uintptr_t)pfn_to_page(pfn & ~(MAX_ORDER_NR_PAGES - 1));   /* address only */
	unsigned char vec[16];
	REQUIRE(mincore((void *)(a & ~(PAGE_SIZE - 1)), MAX_ORDER_NR_PAGES * sizeof(struct page), vec) == 0);
	for (int i = 0; i < 16; i++)
		if (vec[i] & 1)
			return true;
	return false;
}

/* Take order-0 pages until there are none; give them back. Return: how many. */
static unsigned long allocate_everything(unsigned long *grown_blocks)
{
	size_t cap = 1 << 16, n = 0;
	struct page **held = malloc(cap * sizeof(*held));
	REQUIRE(held);
	struct page *p;
	while (n < cap && (p = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0)))
		held[n++] = p;
	CHECK(n < cap);
	CHECK(zones_valid());
	unsigned long grown = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			grown += NODE_DATA(nid)->node_zones[z].deferred_grown;
	*grown_blocks = grown;
	unsigned long got = n;
	while (n)
		__free_pages(held[--n], 0);
	free(held);
	return got;
}

/* The first pfn of a present block without struct pages, or 0. */
static unsigned long a_deferred_pfn(void)
{
	struct nmm_node_info ni;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		for (int r = 0; r < ni.nr_ranges; r++)
			for (uint64_t pa = ni.range[r].start; pa < ni.range[r].end; pa += PAGE_SIZE << MAX_ORDER)
				if (!pfn_valid(pa >> PAGE_SHIFT))
					return pa >> PAGE_SHIFT;
	}
	return 0;
}

static unsigned long settled_free(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

/* One layout booted without and with memmap_defer=4M (thp_defer= keeps the memory map out of
 * 2 MiB pages, so residency is per 4 KiB page, as in the drop-in malloc's boot). */
static void compare(const char *layout, bool must_defer)
{
	char line[256];
	snprintf(line, sizeof(line), "%s backing=thp hugepages=off thp_defer=32M", layout);
	REQUIRE(nmm_boot(line) == 0);
	unsigned long grown;
	struct totals plain = totals();
	CHECK_EQ(plain.deferred, 0);
	unsigned long plain_in_use = plain.managed - settled_free();
	unsigned long all_plain = allocate_everything(&grown);
	CHECK_EQ(grown, 0);
	nmm_shutdown();

	snprintf(line, sizeof(line), "%s backing=thp hugepages=off thp_defer=32M memmap_defer=4M", layout);
	REQUIRE(nmm_boot(line) == 0);
	struct totals t = totals();
	fprintf(stderr, "%s: present %lu managed %lu deferred %lu pages\n", line, t.present, t.managed,
		t.deferred);
	CHECK(t.managed + t.deferred <= t.present);
	unsigned long in_use = t.managed - settled_free();   /* boot's own pages */
	CHECK(in_use + 16 >= plain_in_use && in_use <= plain_in_use + 16);
	CHECK(zones_valid());
	/* Nodes of 8 MiB (numa=fake=2 on the 4-node guest) are all reserved blocks and first SIZE:
	 * nothing to defer, and nothing may be lost either. */
	CHECK(t.deferred > 0 || !must_defer);
	if (!t.deferred) {
		CHECK_EQ(t.managed, plain.managed);
		CHECK_EQ(allocate_everything(&grown), all_plain);
		nmm_shutdown();
		return;
	}
	CHECK(t.managed < plain.managed);
	unsigned long pfn = a_deferred_pfn();
	CHECK(pfn != 0);
	CHECK(thp_always() || !block_map_resident(pfn));

	unsigned long all = allocate_everything(&grown);
	fprintf(stderr, "  allocated %lu pages (without memmap_defer %lu), %lu blocks grown\n", all,
		all_plain, grown);
	CHECK(grown > 0);
	/* as many pages as without the token, give or take the zones' pcp batches */
	CHECK(all + 64 >= all_plain && all <= all_plain + 64);
	t = totals();
	CHECK_EQ(t.deferred, 0);
	CHECK_EQ(t.managed, plain.managed);               /* all of it managed now */
	CHECK_EQ(t.managed - settled_free(), in_use);     /* and all of it back */
	CHECK(pfn_valid(pfn));
	CHECK_EQ(page_to_pfn(pfn_to_page(pfn)), pfn);
	CHECK(block_map_resident(pfn));
	CHECK(zones_valid());
	nmm_shutdown();
}

int main(void)
{
	/* Half a section of memory: the map stops where the memory does (rounded to a block). The
	 * highest memory of any node (the guests split mem= among their nodes). */
	REQUIRE(nmm_boot("mem=64M backing=thp hugepages=off thp_defer=32M") == 0);
	uint64_t top = 0;
	struct nmm_node_info ni;
	for (int nid = 0; nid < nr_node_ids; nid++)
		if (nmm_node_info(nid, &ni) == 0 && ni.nr_ranges && ni.range[ni.nr_ranges - 1].end > top)
			top = ni.range[ni.nr_ranges - 1].end;
	unsigned long last = PFN_DOWN(top) - 1;
	unsigned long beyond = ((last | (MAX_ORDER_NR_PAGES - 1)) + 1);
	CHECK(pfn_valid(last));
	if (nmm_pfn_section(beyond) == nmm_pfn_section(last)) {
		CHECK(!pfn_valid(beyond));
		CHECK(thp_always() || !block_map_resident(beyond));
	}
	nmm_shutdown();

	compare("mem=64M", true);
	compare("mem=64M numa=fake=2", false);
	compare("mem=64M numa=fake=4", false);
	compare("mem=200M", true);          /* a section and a half: DMA, DMA32 and a part-filled map */

	/* Bad sizes are refused with the token named. */
	CHECK(nmm_boot("mem=64M memmap_defer=0") == -EINVAL);
	CHECK(strstr(nmm_boot_strerror(), "memmap_defer") != NULL);
	CHECK(nmm_boot("mem=64M memmap_defer=lots") == -EINVAL);
	return test_done();
}
