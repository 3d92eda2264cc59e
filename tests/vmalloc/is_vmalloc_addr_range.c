/* is_vmalloc_addr_range: is_vmalloc_addr() is true for every address of a vmalloc or vmap
 * area and of the vmalloc range, false for the linear map, the stack, the heap,
 * NULL, and everything before boot and after shutdown. */
#include "vmt.h"

int main(void)
{
	int local = 0;
	CHECK(!is_vmalloc_addr(&local));
	CHECK(!is_vmalloc_addr(NULL));
	vmt_boot(VMT_BOOT_SHMEM);
	char *v = vmalloc(3 * PAGE_SIZE);
	void *h = malloc(16);
	struct page *pg = alloc_page(GFP_KERNEL);
	REQUIRE(v && h && pg);
	void *m = vmap(&pg, 1, 0, PAGE_KERNEL);
	REQUIRE(m);
	CHECK(is_vmalloc_addr(v));
	CHECK(is_vmalloc_addr(v + 3 * PAGE_SIZE - 1));
	CHECK(is_vmalloc_addr(m));
	CHECK(is_vmalloc_addr((void *)VMALLOC_START));
	CHECK(is_vmalloc_addr((void *)(VMALLOC_END - 1)));
	CHECK(!is_vmalloc_addr((void *)VMALLOC_END));
	CHECK(!is_vmalloc_addr((void *)(VMALLOC_START - 1)));
	CHECK(!is_vmalloc_addr(page_address(pg)));
	CHECK(!is_vmalloc_addr(h));
	CHECK(!is_vmalloc_addr(&local));
	CHECK(!is_vmalloc_addr(NULL));
	vunmap(m);
	vfree(v);
	free(h);
	__free_page(pg);
	nmm_shutdown();
	CHECK(!is_vmalloc_addr(v));
	return test_done();
}
