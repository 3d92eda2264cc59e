/* vzalloc_zeroes: vzalloc, vzalloc_node, vmalloc_user and __vmalloc(__GFP_ZERO) return zeroed
 * memory even when every page they get was dirty: the pages are first dirtied through a
 * vmalloc area that is freed and purged, so the same pages come back. */
#include "vmt.h"

#define SIZE (512 * PAGE_SIZE)

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void dirty(void)
{
	for (int i = 0; i < 4; i++) {
		char *d = vmalloc(SIZE);
		REQUIRE(d);
		memset(d, 0xa5, SIZE);
		vfree(d);
	}
	vm_unmap_aliases();
}

int main(void)
{
	const char *boots[] = { VMT_BOOT_THP, VMT_BOOT_SHMEM };
	for (int b = 0; b < 2; b++) {
		vmt_boot(boots[b]);
		void *(*fn[])(unsigned long) = { vzalloc, vmalloc_user };
		for (int f = 0; f < 2; f++) {
			dirty();
			char *z = fn[f](SIZE);
			REQUIRE(z);
			CHECK(all_zero(z, SIZE));
			vfree(z);
		}
		dirty();
		char *z = vzalloc_node(SIZE, 0);
		REQUIRE(z);
		CHECK(all_zero(z, SIZE));
		vfree(z);
		dirty();
		z = __vmalloc(SIZE, GFP_KERNEL | __GFP_ZERO);
		REQUIRE(z);
		CHECK(all_zero(z, SIZE));
		vfree(z);
	}
	nmm_shutdown();
	return test_done();
}
