/* watermarks_and_atomic_reserves: watermarks follow min_free_kbytes and watermark_scale_factor
 * (min shared by managed pages, low/high above it); allocations stop at low on the fast path
 * and at min in the slow path: GFP_KERNEL|__GFP_NORETRY and GFP_NOWAIT fail there while
 * GFP_ATOMIC (__GFP_HIGH|__GFP_ATOMIC) still gets pages below min, down to its own floor. */
#include "pa_test.h"

static struct page *held[80000];

int main(void)
{
	REQUIRE(nmm_boot("memmap=128M@0x100000000 min_free_kbytes=4096 watermark_scale_factor=100") == 0);
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	CHECK_EQ(min_free_kbytes, 4096);
	unsigned long managed = zone_managed_pages(z);
	/* The only lowmem zone: all of min_free_kbytes. */
	CHECK_EQ(min_wmark_pages(z), 4096 / 4);
	unsigned long gap = managed * 100 / 10000;
	CHECK_EQ(low_wmark_pages(z), 1024 + gap);
	CHECK_EQ(high_wmark_pages(z), 1024 + 2 * gap);

	int n = 0;
	while ((held[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)))
		n++;
	long free = (long)zone_free(z);
	/* Stopped at min (the slow path's mark), within a pcp batch. */
	CHECK(free <= (long)min_wmark_pages(z) + 64);
	CHECK(free >= (long)min_wmark_pages(z) - 64);
	CHECK(alloc_page(GFP_NOWAIT | __GFP_NOWARN) == NULL);
	/* GFP_ATOMIC: min - min/2 (HIGH) - min/4 of that (HARDER) => floor at 3/8 of min. */
	int atomic = 0;
	while ((held[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN))) {
		n++;
		atomic++;
	}
	CHECK(atomic > 0);
	free = (long)zone_free(z);
	long floor = (long)min_wmark_pages(z) - (long)min_wmark_pages(z) / 2;
	floor -= floor / 4;
	CHECK(free <= floor + 64 && free >= floor - 64);
	/* __GFP_MEMALLOC ignores watermarks entirely. */
	struct page *m = alloc_page(GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN);
	CHECK(m != NULL);
	if (m)
		__free_page(m);
	while (n--)
		__free_page(held[n]);
	CHECK(all_zones_valid());
	nmm_shutdown();

	/* Default min_free_kbytes: sqrt(16 * lowmem KiB), clamped to [128, 262144]. */
	REQUIRE(nmm_boot("mem=256M") == 0);
	unsigned long lowmem_kb = 0;
	int nid, zi;
	struct zone *zone;
	for_each_test_zone(nid, zi, zone)
		lowmem_kb += zone_managed_pages(zone) * 4;
	unsigned long want = 0;
	while ((want + 1) * (want + 1) <= lowmem_kb * 16)
		want++;
	CHECK_EQ(min_free_kbytes, (int)want);
	nmm_shutdown();
	return test_done();
}
