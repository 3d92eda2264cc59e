/* vmalloc_churn_bounded: 20000 alloc/free cycles of mixed sizes (1 page .. 1 MiB, up to 32 live
 * at once) do not grow the used part of the vmalloc range beyond live + lazily held space
 * (purged areas are reused first), the area structures stay valid (nmm_vmap_area_is_valid
 * after every 1000 cycles), and every area reads back its own bytes. */
#include "vmt.h"
#include "vmalloc/internal.h"

#define LIVE 32
#define CYCLES 20000

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	char *v[LIVE] = { 0 };
	size_t sz[LIVE] = { 0 };
	unsigned long long x = 88172645463325252ULL;
	for (int c = 0; c < CYCLES; c++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int i = (int)(x % LIVE);
		if (v[i]) {
			CHECK(v[i][0] == (char)i && v[i][sz[i] - 1] == (char)i);
			vfree(v[i]);
		}
		sz[i] = PAGE_SIZE * (1 + (x >> 8) % 256);
		v[i] = vmalloc(sz[i]);
		REQUIRE(v[i]);
		v[i][0] = v[i][sz[i] - 1] = (char)i;
		if (c % 1000 == 999)
			CHECK(nmm_vmap_area_is_valid(stderr));
	}
	struct nmm_vmalloc_stats st;
	nmm_vmalloc_stats(&st);
	/* Live: at most 32 MiB + guards; lazy: at most 2 * lazy_max; allow that twice over. */
	unsigned long bound = 2 * ((LIVE * 257UL + 2 * st.lazy_max_pages) << PAGE_SHIFT);
	CHECK(st.high_water_bytes <= bound);
	fprintf(stderr, "high water %lu MiB (bound %lu MiB), %lu purges, %lu unmaps\n",
		st.high_water_bytes >> 20, bound >> 20, st.purges, st.purge_unmaps);
	for (int i = 0; i < LIVE; i++)
		vfree(v[i]);
	vm_unmap_aliases();
	CHECK(nmm_vmap_area_is_valid(stderr));
	nmm_shutdown();
	return test_done();
}
