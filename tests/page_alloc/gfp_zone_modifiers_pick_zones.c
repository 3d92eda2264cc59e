/* gfp_zone_modifiers_pick_zones: GFP_DMA pages come from ZONE_DMA (< 16 MiB), GFP_DMA32 from
 * below 4 GiB, GFP_KERNEL from ZONE_NORMAL first and from DMA32 only once Normal is short,
 * GFP_HIGHUSER from ZONE_HIGHMEM; __GFP_ZERO zeroes lowmem and highmem pages; lowmem_reserve
 * keeps GFP_KERNEL from eating ZONE_DMA. */
#include <string.h>

#include "boot/boot.h"
#include "pa_test.h"

#define MiB (1ULL << 20)

int main(void)
{
	REQUIRE(nmm_boot("mem=256M highmem=32M backing=shmem") == 0);
	struct page *p = alloc_page(GFP_DMA);
	REQUIRE(p);
	CHECK(page_to_phys(p) < 16 * MiB);
	CHECK_EQ(page_zonenum(p), ZONE_DMA);
	__free_page(p);
	p = alloc_page(GFP_KERNEL | GFP_DMA32);
	REQUIRE(p);
	CHECK(page_to_phys(p) < (4ULL << 30));
	__free_page(p);
	p = alloc_page(GFP_KERNEL);
	REQUIRE(p);
	CHECK_EQ(page_zonenum(p), ZONE_NORMAL);
	__free_page(p);
	p = alloc_page(GFP_HIGHUSER);
	REQUIRE(p);
	CHECK_EQ(page_zonenum(p), ZONE_HIGHMEM);
	CHECK(page_address(p) == NULL);
	unsigned char *hv = nmm_highmem_view_addr(page_to_pfn(p));
	memset(hv, 0xab, PAGE_SIZE);
	__free_page(p);
	drain_all_pages(NULL);
	/* The page we dirtied comes back zeroed with __GFP_ZERO (pcp is LIFO: same page). */
	p = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	REQUIRE(p);
	hv = nmm_highmem_view_addr(page_to_pfn(p));
	for (int i = 0; i < (int)PAGE_SIZE; i++)
		if (hv[i]) {
			test_failures++;
			fprintf(stderr, "highmem byte %d not zero\n", i);
			break;
		}
	__free_page(p);

	/* Exhaust Normal with GFP_KERNEL: the fallback reaches DMA32 and then stops at DMA's
	 * lowmem reserve, never taking ZONE_DMA's last pages. */
	pg_data_t *pg = NODE_DATA(0);
	struct zone *dma = &pg->node_zones[ZONE_DMA];
	CHECK(dma->lowmem_reserve[ZONE_NORMAL] > 0);
	CHECK(dma->lowmem_reserve[ZONE_NORMAL] >= dma->lowmem_reserve[ZONE_DMA32]);
	static struct page *held[70000];
	int n = 0, from_dma32 = 0, from_dma = 0;
	while (n < 70000 && (held[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY))) {
		from_dma32 += page_zonenum(held[n]) == ZONE_DMA32;
		from_dma += page_zonenum(held[n]) == ZONE_DMA;
		n++;
	}
	CHECK(n > 0 && n < 70000);
	CHECK(from_dma32 > 0);
	CHECK(zone_free(dma) > (unsigned long)dma->lowmem_reserve[ZONE_NORMAL]);
	/* GFP_DMA may still use ZONE_DMA: the reserve protects it only from higher requests. */
	p = alloc_page(GFP_DMA | __GFP_NOWARN);
	CHECK(p != NULL);
	if (p)
		__free_page(p);
	while (n--)
		__free_page(held[n]);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
