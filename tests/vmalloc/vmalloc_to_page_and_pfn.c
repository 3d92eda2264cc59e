/* vmalloc_to_page_and_pfn: vmalloc_to_page() of every address of an area (any offset in the
 * page) is the page whose linear-map address holds the bytes, vmalloc_to_pfn() is its pfn, every
 * page is distinct, and outside live areas (guard page, after a purge) both say nothing. */
#include "vmt.h"

int main(void)
{
	vmt_boot(VMT_BOOT_SHMEM);
	size_t n = 300;
	char *v = vmalloc(n * PAGE_SIZE);
	REQUIRE(v);
	struct page **seen = calloc(n, sizeof(*seen));
	REQUIRE(seen);
	for (size_t i = 0; i < n; i++) {
		char *a = v + i * PAGE_SIZE;
		struct page *pg = vmalloc_to_page(a);
		REQUIRE(pg);
		CHECK(vmalloc_to_page(a + 123) == pg);
		CHECK(vmalloc_to_page(a + PAGE_SIZE - 1) == pg);
		CHECK_EQ(vmalloc_to_pfn(a + 17), page_to_pfn(pg));
		CHECK_EQ(page_ref_count(pg), 1);
		*(volatile uint64_t *)a = 0xabc0000 + i;
		CHECK_EQ(*(volatile uint64_t *)lowmem_page_address(pg), 0xabc0000 + i);
		for (size_t j = 0; j < i; j += 1)
			if (seen[j] == pg) {
				CHECK(!"page mapped twice in one area");
				break;
			}
		seen[i] = pg;
	}
	CHECK(vmalloc_to_page(v + n * PAGE_SIZE) == NULL);
	CHECK_EQ(vmalloc_to_pfn(v + n * PAGE_SIZE), 0);
	CHECK(vmalloc_to_page(&n) == NULL);
	vfree(v);
	vm_unmap_aliases();
	CHECK(vmalloc_to_page(v) == NULL);
	free(seen);
	nmm_shutdown();
	return test_done();
}
