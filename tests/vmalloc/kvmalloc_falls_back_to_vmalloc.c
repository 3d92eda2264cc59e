/* kvmalloc_falls_back_to_vmalloc: kvmalloc of more than kmalloc can give (KMALLOC_MAX_SIZE)
 * returns a vmalloc address whose pages are usable, and kvfree frees it as vfree does (the area
 * is gone after the purge); kvzalloc zeroes it; a small kvmalloc stays kmalloc memory, freed by
 * kvfree as kfree; flags that are not GFP_KERNEL-compatible (GFP_NOWAIT) never use vmalloc. */
#include <numamm/linux/slab.h>

#include "vmt.h"

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	void *small = kvmalloc(256, GFP_KERNEL);
	if (!small)
		SKIP("kmalloc does not work in this build (no slab back end): %s", nmm_boot_strerror());
	CHECK(!is_vmalloc_addr(small));
	kvfree(small);

	size_t big = KMALLOC_MAX_SIZE + 3 * PAGE_SIZE;
	struct nmm_vmalloc_stats st0, st;
	nmm_vmalloc_stats(&st0);
	char *v = kvmalloc(big, GFP_KERNEL);
	REQUIRE(v);
	CHECK(is_vmalloc_addr(v));
	memset(v, 0x77, big);
	nmm_vmalloc_stats(&st);
	CHECK_EQ(st.busy_areas, st0.busy_areas + 1);
	kvfree(v);
	vm_unmap_aliases();
	nmm_vmalloc_stats(&st);
	CHECK_EQ(st.busy_areas, st0.busy_areas);
	CHECK_EQ(child_touch(v), SIGSEGV);

	char *z = kvzalloc(big, GFP_KERNEL);
	REQUIRE(z && is_vmalloc_addr(z));
	int zero = 1;
	for (size_t i = 0; i < big; i++)
		zero &= z[i] == 0;
	CHECK(zero);
	kvfree(z);

	vmt_capture_begin();
	void *nw = kvmalloc(big, GFP_NOWAIT | __GFP_NOWARN);
	vmt_capture_end();
	CHECK(nw == NULL || !is_vmalloc_addr(nw));
	kvfree(nw);
	nmm_shutdown();
	return test_done();
}
