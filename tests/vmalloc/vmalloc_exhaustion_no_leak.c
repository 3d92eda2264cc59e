/* vmalloc_exhaustion_no_leak: when memory runs out vmalloc returns NULL (reported, or silent
 * with __GFP_NOWARN) and keeps nothing of the failed attempt; a size beyond all memory fails
 * at once. After vfree of everything and a purge (and, under THP backing, the vmalloc pools
 * given back) the page allocator's free count is exactly what it was before. */
#include "vmt.h"

#define MAXA 4096

int main(void)
{
	const char *boots[] = { "mem=64M backing=shmem", "mem=64M backing=thp" };
	static char *a[MAXA];
	for (int b = 0; b < 2; b++) {
		vmt_boot(boots[b]);
		unsigned long start = vmt_free_pages();
		vmt_capture_begin();
		CHECK(vmalloc(1ULL << 40) == NULL);
		const char *out = vmt_capture_end();
		CHECK(strstr(out, "exceeds total pages") != NULL);
		/* More than is free, less than all memory: fails part way, after taking pages. */
		CHECK(__vmalloc((start + 64) * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN) == NULL);
		CHECK_EQ(vmt_free_pages(), start);

		int n = 0;
		vmt_capture_begin();
		while (n < MAXA && (a[n] = __vmalloc(1 * MiB + PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN)))
			memset(a[n++], 0x5a, 1 * MiB + PAGE_SIZE);
		out = vmt_capture_end();
		CHECK(n > 10 && n < MAXA);
		CHECK_EQ(strlen(out), 0);
		for (int i = 0; i < n; i++)
			vfree(a[i]);
		struct nmm_vmalloc_stats st;
		nmm_vmalloc_stats(&st);
		CHECK_EQ(st.busy_areas, 0);
		CHECK_EQ(vmt_free_pages(), start);
		nmm_vmalloc_stats(&st);
		CHECK_EQ(st.lazy_pages, 0);
		CHECK_EQ(st.pool_pages, 0);
	}
	nmm_shutdown();
	return test_done();
}
