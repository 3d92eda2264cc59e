/* vmalloc_address_space_exhaustion: with vmalloc=16M the range holds 16 MiB: an area larger
 * than that fails with the kernel's "vmap allocation for size ... failed: use vmalloc=<size> to
 * increase size"; filling the range with 1 MiB areas stops at NULL; after freeing them, a
 * purge makes the whole range one free area again (a 15 MiB area fits). A bad vmalloc= is
 * refused at boot. */
#include "vmt.h"

int main(void)
{
	CHECK_EQ(nmm_boot("vmalloc=1M"), -EINVAL);
	CHECK_EQ(nmm_boot("vmalloc=12Q"), -EINVAL);
	vmt_boot("mem=128M backing=shmem vmalloc=16M");
	struct nmm_vmalloc_stats st;
	nmm_vmalloc_stats(&st);
	CHECK_EQ(st.reserved_bytes, 16 * MiB);
	CHECK_EQ(VMALLOC_END - VMALLOC_START, 16 * MiB);
	vmt_capture_begin();
	CHECK(vmalloc(16 * MiB) == NULL);
	const char *out = vmt_capture_end();
	CHECK(strstr(out, "vmap allocation for size 16781312 failed: use vmalloc=<size> to increase size"));
	char *a[32];
	int n = 0;
	vmt_capture_begin();
	while (n < 32 && (a[n] = vmalloc(MiB)))
		n++;
	vmt_capture_end();
	CHECK_EQ(n, 15);    /* 1 MiB + guard each: 15 fit in 16 MiB */
	for (int i = 0; i < n; i++)
		vfree(a[i]);
	char *big = vmalloc(15 * MiB);    /* purges the lazy areas itself before failing */
	CHECK(big != NULL);
	vfree(big);
	nmm_shutdown();
	return test_done();
}
