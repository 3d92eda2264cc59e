/* highmem_kmap_aliases_memfd: kmap() of a highmem page maps the page itself: bytes written
 * through the kmap address are the bytes of the node's memfd at the page's offset (pread) and
 * of the boot's highmem view, and writes through the view show through kmap. After kunmap,
 * once other pages have taken the old slot, a new kmap maps the page elsewhere and still finds
 * its bytes, while the old slot now shows the other page. */
#include "hm_test.h"

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p = hm_alloc_high();
	unsigned long pfn = page_to_pfn(p);
	char buf[PAGE_SIZE];

	char *v = kmap(p);
	REQUIRE(v);
	hm_fill(v, pfn);
	CHECK(hm_check(nmm_highmem_view_addr(pfn), pfn));
	hm_pread_page(p, buf);
	CHECK(hm_check(buf, pfn));
	/* The other way round: a write through the memfd view is seen through kmap. */
	((volatile char *)nmm_highmem_view_addr(pfn))[100] = 0x5a;
	CHECK_EQ(((volatile char *)v)[100], 0x5a);
	hm_fill(v, pfn);
	kunmap(p);
	CHECK(page_address(p) == NULL);

	/* kmap/kunmap other pages until one lands in p's old slot; hold it there. */
	unsigned int nr = nmm_pkmap_slots();
	struct page *q = NULL;
	for (unsigned int i = 0; i < 2 * nr && !q; i++) {
		struct page *o = hm_alloc_high();
		char *ov = kmap(o);
		REQUIRE(ov);
		hm_fill(ov, page_to_pfn(o));
		if (ov == v)
			q = o;
		else
			kunmap(o);
	}
	REQUIRE(q);
	char *v2 = kmap(p);
	REQUIRE(v2);
	CHECK(v2 != v);
	CHECK(hm_check(v2, pfn));
	CHECK(hm_check(v, page_to_pfn(q)));     /* the old slot maps q now, not p */
	kunmap(p);
	kunmap(q);
	nmm_shutdown();
	return test_done();
}
