/* highmem_kmap_lowmem_is_page_address: for a lowmem page kmap(), kmap_local_page() and
 * kmap_atomic() return its linear-map address (page_address) and take no slot: no pkmap
 * mapping is made, the thread's kmap_local depth stays 0, and the unmaps are silent no-ops. */
#include "hm_test.h"

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p = hm_alloc_low();
	void *la = page_address(p);
	REQUIRE(la);
	CHECK(la == __va(page_to_phys(p)));

	unsigned long remaps = nmm_pkmap_remaps, maps = nmm_kmap_local_maps;
	CHECK(kmap(p) == la);
	CHECK(page_address(p) == la);
	CHECK(kmap_local_page(p) == la);
	CHECK(kmap_atomic(p) == la);
	CHECK_EQ(nmm_kmap_local_depth(), 0);
	hm_capture_begin();
	kunmap_atomic(la);
	kunmap_local(la);
	kunmap(p);
	const char *out = hm_capture_end();
	CHECK_EQ(out[0], '\0');
	CHECK(page_address(p) == la);           /* still the linear map */
	CHECK_EQ(nmm_pkmap_remaps, remaps);
	CHECK_EQ(nmm_kmap_local_maps, maps);
	nmm_shutdown();
	return test_done();
}
