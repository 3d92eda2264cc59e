/* boot_memmap_translations: for every page of every node, pfn_to_page/page_to_pfn round-trip,
 * page_address == __va(pfn) == lowmem_page_address, virt_to_page inverts page_address, and the
 * node and zone packed in page->flags are right; the memory map of a node lives on that node. */
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

static void check_layout(const char *line)
{
	REQUIRE(nmm_boot(line) == 0);
	unsigned long pages = 0, bad = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		for (int r = 0; r < ni.nr_ranges; r++) {
			for (unsigned long pfn = PFN_DOWN(ni.range[r].start); pfn < PFN_DOWN(ni.range[r].end); pfn++) {
				struct page *pg = pfn_to_page(pfn);
				void *va = __va(PFN_PHYS(pfn));
				pages++;
				if (!pfn_valid(pfn) || page_to_pfn(pg) != pfn || page_address(pg) != va ||
				    lowmem_page_address(pg) != va || virt_to_page(va) != pg ||
				    virt_to_page((char *)va + 4095) != pg || page_to_nid(pg) != nid ||
				    __pa(va) != PFN_PHYS(pfn) || page_to_phys(pg) != PFN_PHYS(pfn) ||
				    page_zone(pg)->node != nid || !zone_spans_pfn(page_zone(pg), pfn) ||
				    page_ref_count(pg) != ((PageReserved(pg) || nmm_page_alloc_order1(pg)) ? 1 : 0)) {
					if (bad++ < 5)
						fprintf(stderr, "%s: pfn %#lx: page %p maps back to pfn %#lx nid %d\n",
							line, pfn, (void *)pg, page_to_pfn(pg), page_to_nid(pg));
				}
			}
		}
		/* struct pages of this node's first page are in this node's own memory. */
		if (ni.nr_ranges) {
			struct page *first = pfn_to_page(PFN_DOWN(ni.range[0].start));
			CHECK_EQ(page_to_nid(virt_to_page(first)), nid);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(pages > 0);
	nmm_shutdown();
}

int main(void)
{
	CHECK_EQ(sizeof(struct page), 64);
	check_layout("mem=384M");
	check_layout("mem=512M numa=fake=4 backing=shmem");
	check_layout("memmap=130M@0,2M@0x8000000000:0");
	return test_done();
}
