/* GFP_DMA and GFP_DMA32 kmalloc objects come from their zones, through their own caches
 * (dma-kmalloc-*, dma32-kmalloc-*), made on first use and listed in slabinfo. */
#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);
	for (size_t size = 8; size <= 8192; size *= 2) {
		void *p = kmalloc(size, GFP_KERNEL | GFP_DMA);
		REQUIRE(p);
		CHECK(page_zonenum(virt_to_page(p)) == ZONE_DMA);
		CHECK(__pa(p) < (16UL << 20));
		void *q = kmalloc(size, GFP_KERNEL | GFP_DMA32);
		REQUIRE(q);
		CHECK(page_zonenum(virt_to_page(q)) <= ZONE_DMA32);
		CHECK(__pa(q) < (4UL << 30));
		kfree(p);
		kfree(q);
	}
	char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	REQUIRE(f);
	REQUIRE(nmm_report("slabinfo", f) == 0);
	fclose(f);
	CHECK(strstr(buf, "\ndma-kmalloc-64 ") != NULL);
	CHECK(strstr(buf, "\ndma32-kmalloc-8k ") != NULL);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
