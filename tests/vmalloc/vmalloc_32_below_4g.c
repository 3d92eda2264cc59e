/* vmalloc_32_below_4g: node 0 has memory below and above 4 GiB; every page of vmalloc_32 and
 * vmalloc_32_user is below 4 GiB (ZONE_DMA32), under THP and shmem backing, while plain vmalloc
 * of the same size takes pages above it (ZONE_NORMAL first, as the kernel's zonelist does):
 * the test can tell. */
#include "vmt.h"

#define SIZE (2 * MiB)

static int below_4g(const char *v)
{
	int n = 0;
	for (size_t i = 0; i < SIZE / PAGE_SIZE; i++)
		n += ((uint64_t)vmalloc_to_pfn(v + i * PAGE_SIZE) << PAGE_SHIFT) < 4 * GiB;
	return n;
}

int main(void)
{
	const char *boots[] = { VMT_BOOT_THP, VMT_BOOT_SHMEM };
	for (int b = 0; b < 2; b++) {
		vmt_boot(boots[b]);
		char *v32 = vmalloc_32(SIZE), *u32 = vmalloc_32_user(SIZE), *v = vmalloc(SIZE);
		REQUIRE(v32 && u32 && v);
		CHECK_EQ(below_4g(v32), SIZE / PAGE_SIZE);
		CHECK_EQ(below_4g(u32), SIZE / PAGE_SIZE);
		CHECK(below_4g(v) < (int)(SIZE / PAGE_SIZE));
		memset(v32, 5, SIZE);
		vfree(v32);
		vfree(u32);
		vfree(v);
	}
	nmm_shutdown();
	return test_done();
}
