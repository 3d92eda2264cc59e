/* vfree_null_and_bad_address: vfree(NULL) does nothing and says nothing; vfree of an address
 * that is not a live area - outside the range (stack, linear map), unaligned, inside an area, already freed - is
 * reported in the kernel's words and touches nothing: the live area keeps its bytes and its
 * mapping, and the counts do not move. vunmap the same. */
#include "vmt.h"

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	struct nmm_vmalloc_stats before, after;
	char *v = vmalloc(4 * PAGE_SIZE), *gone = vmalloc(PAGE_SIZE);
	REQUIRE(v && gone);
	vmt_fill(v, 4 * PAGE_SIZE, 3);
	vfree(gone);
	REQUIRE(nmm_vmalloc_stats(&before) == 0);

	vmt_capture_begin();
	vfree(NULL);
	vunmap(NULL);
	const char *out = vmt_capture_end();
	CHECK_EQ(strlen(out), 0);

	int local = 0;
	struct page *lp = alloc_page(GFP_KERNEL);
	REQUIRE(lp);
	void *k = page_address(lp);
	const void *bad[] = { &local, k, v + 1, v + PAGE_SIZE, gone, (char *)VMALLOC_END - PAGE_SIZE };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vmt_capture_begin();
		vfree(bad[i]);
		out = vmt_capture_end();
		CHECK(strstr(out, "Trying to vfree() bad address") || strstr(out, "Trying to vfree() nonexistent vm area"));
	}
	vmt_capture_begin();
	vunmap(v + PAGE_SIZE);
	out = vmt_capture_end();
	CHECK(strstr(out, "Trying to vunmap() nonexistent vm area") != NULL);
	__free_page(lp);

	REQUIRE(nmm_vmalloc_stats(&after) == 0);
	CHECK_EQ(after.busy_areas, before.busy_areas);
	CHECK_EQ(after.lazy_areas, before.lazy_areas);
	CHECK(vmt_check(v, 4 * PAGE_SIZE, 3));
	CHECK_EQ(child_touch(v + 3 * PAGE_SIZE), 0);
	vfree(v);
	nmm_shutdown();
	return test_done();
}
