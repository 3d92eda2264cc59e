/* highmem_page_address_null_until_kmap: page_address() of a highmem page is NULL until kmap(),
 * is the kmap address while any kmap user holds it (a second kmap of the page shares the slot
 * and the count), and is NULL again after the last kunmap(); PageHighMemMapped follows it.
 * kunmap() of a page that is not kmapped is reported and changes nothing. */
#include <string.h>

#include "hm_test.h"

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p = hm_alloc_high();
	CHECK(page_address(p) == NULL);
	CHECK(!PageHighMemMapped(p));

	char *v = kmap(p);
	REQUIRE(v);
	CHECK(page_address(p) == v);
	CHECK(PageHighMemMapped(p));
	CHECK(v != lowmem_page_address(p));
	CHECK_EQ((uintptr_t)v & (PAGE_SIZE - 1), 0);

	unsigned long remaps = nmm_pkmap_remaps;
	char *v2 = kmap(p);
	CHECK(v2 == v);
	CHECK_EQ(nmm_pkmap_remaps, remaps);     /* same slot, no new mapping */
	kunmap(p);
	CHECK(page_address(p) == v);            /* one user left */
	CHECK(PageHighMemMapped(p));
	kunmap(p);
	CHECK(page_address(p) == NULL);
	CHECK(!PageHighMemMapped(p));

	hm_capture_begin();
	kunmap(p);
	const char *out = hm_capture_end();
	CHECK(strstr(out, "kunmap: page") && strstr(out, "is not kmapped"));
	CHECK(page_address(p) == NULL);

	/* The idle slot still maps p: kmap takes it back without a new mapping. */
	unsigned long reuses = nmm_pkmap_reuses;
	remaps = nmm_pkmap_remaps;
	CHECK(kmap(p) == v);
	CHECK_EQ(nmm_pkmap_reuses, reuses + 1);
	CHECK_EQ(nmm_pkmap_remaps, remaps);
	kunmap(p);
	nmm_shutdown();
	return test_done();
}
