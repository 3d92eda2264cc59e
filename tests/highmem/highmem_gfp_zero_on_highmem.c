/* highmem_gfp_zero_on_highmem: __GFP_ZERO still zeroes highmem pages that kmap has dirtied:
 * pages filled through kmap and kmap_local, freed, and allocated again with
 * GFP_HIGHUSER | __GFP_ZERO read as zero through kmap (the allocator hands the same pages
 * back, which the test requires so it proves something). */
#include "hm_test.h"

#define N 64

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p[N];
	unsigned long pfn[N];
	for (int i = 0; i < N; i++) {
		p[i] = hm_alloc_high();
		pfn[i] = page_to_pfn(p[i]);
		void *v = i & 1 ? kmap(p[i]) : kmap_local_page(p[i]);
		REQUIRE(v);
		memset(v, 0xa5, PAGE_SIZE);
		if (i & 1)
			kunmap(p[i]);
		else
			kunmap_local(v);
	}
	for (int i = 0; i < N; i++)
		__free_page(p[i]);

	int same = 0, zero = 1;
	for (int i = 0; i < N; i++) {
		p[i] = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
		REQUIRE(p[i] && PageHighMem(p[i]));
		for (int k = 0; k < N; k++)
			same += page_to_pfn(p[i]) == pfn[k];
		unsigned char *v = kmap(p[i]);
		REQUIRE(v);
		for (size_t b = 0; b < PAGE_SIZE; b++)
			zero &= v[b] == 0;
		kunmap(p[i]);
	}
	CHECK(zero);
	CHECK(same > 0);
	for (int i = 0; i < N; i++)
		__free_page(p[i]);
	nmm_shutdown();
	return test_done();
}
