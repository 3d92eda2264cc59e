/* vmalloc_alias_linear_map: a vmalloc area and the linear map show the same physical pages.
 * Bytes written through the vmalloc address are read back through page_address() of each
 * backing page (kmap for highmem pages), and bytes written there are read through the vmalloc
 * address - under THP backing (pages from the vmalloc pool), shmem backing (pages from the
 * page allocator, mapped from the node's memfd) and shmem with highmem (pages in ZONE_HIGHMEM,
 * which vmalloc prefers as the kernel's does). */
#include "vmt.h"

static void one_boot(const char *line, size_t size)
{
	vmt_boot(line);
	char *v = vmalloc(size);
	REQUIRE(v);
	size_t n = size / PAGE_SIZE;
	vmt_fill(v, size, 7);
	int highmem = 0;
	for (size_t i = 0; i < n; i++) {
		struct page *pg = vmalloc_to_page(v + i * PAGE_SIZE);
		REQUIRE(pg);
		highmem += PageHighMem(pg);
		char *lin = kmap(pg);
		REQUIRE(lin);
		CHECK(lin != v + i * PAGE_SIZE);
		CHECK(memcmp(lin, v + i * PAGE_SIZE, PAGE_SIZE) == 0);
		/* The other way: write through the linear map, read through vmalloc. */
		vmt_fill(lin, PAGE_SIZE, 1000 + i);
		kunmap(pg);
		CHECK(vmt_check(v + i * PAGE_SIZE, PAGE_SIZE, 1000 + i));
	}
	if (strstr(line, "highmem"))
		CHECK(highmem > 0);
	vfree(v);
}

int main(void)
{
	one_boot(VMT_BOOT_THP, 3 * MiB + 5 * PAGE_SIZE);
	one_boot(VMT_BOOT_SHMEM, 3 * MiB + 5 * PAGE_SIZE);
	one_boot("mem=256M highmem=64M backing=shmem", 1 * MiB);
	nmm_shutdown();
	return test_done();
}
