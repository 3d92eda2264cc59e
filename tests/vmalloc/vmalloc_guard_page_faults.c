/* vmalloc_guard_page_faults: the page after an area is a guard: a child writing one byte past
 * the end dies of SIGSEGV, while the last byte of the area and the first byte are writable -
 * also with the next area allocated right after it (the guard stays between them). */
#include "vmt.h"

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	size_t sizes[] = { PAGE_SIZE, 5 * PAGE_SIZE, 2 * MiB + PAGE_SIZE };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *a = vmalloc(sizes[i]), *b = vmalloc(PAGE_SIZE);
		REQUIRE(a && b);
		CHECK_EQ(child_touch(a), 0);
		CHECK_EQ(child_touch(a + sizes[i] - 1), 0);
		CHECK_EQ(child_touch(a + sizes[i]), SIGSEGV);
		CHECK(vmalloc_to_page(a + sizes[i]) == NULL);
		CHECK(b != a + sizes[i]);
		vfree(b);
		vfree(a);
	}
	nmm_shutdown();
	return test_done();
}
