/* gfp_flags_kernel_values: the GFP composites have Linux 6.1's values, gfp_zone() maps zone
 * modifiers as the kernel does, gfp_migratetype() maps mobility, and warn_alloc's flag names
 * print composites first ("GFP_KERNEL|__GFP_ZERO"). */
#include "pa_test.h"

static void names(gfp_t gfp, const char *want)
{
	char buf[256];
	nmm_format_gfp(buf, sizeof(buf), gfp);
	if (strcmp(buf, want)) {
		fprintf(stderr, "%#x prints as '%s', want '%s'\n", gfp, buf, want);
		test_failures++;
	}
}

int main(void)
{
	CHECK_EQ(GFP_KERNEL, 0xcc0);
	CHECK_EQ(GFP_ATOMIC, 0xa20);
	CHECK_EQ(GFP_NOWAIT, 0x800);
	CHECK_EQ(GFP_NOIO, 0xc00);
	CHECK_EQ(GFP_NOFS, 0xc40);
	CHECK_EQ(GFP_USER, 0x100cc0);
	CHECK_EQ(GFP_HIGHUSER, 0x100cc2);
	CHECK_EQ(GFP_HIGHUSER_MOVABLE, 0x100cca);
	CHECK_EQ(GFP_DMA, 0x1);
	CHECK_EQ(GFP_DMA32, 0x4);
	CHECK_EQ(__GFP_ZERO, 0x100);
	CHECK_EQ(__GFP_NOFAIL, 0x8000);
	CHECK_EQ(__GFP_THISNODE, 0x200000);

	CHECK_EQ(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	CHECK_EQ(gfp_zone(GFP_DMA), ZONE_DMA);
	CHECK_EQ(gfp_zone(GFP_DMA32 | GFP_KERNEL), ZONE_DMA32);
	CHECK_EQ(gfp_zone(GFP_HIGHUSER), ZONE_HIGHMEM);
	CHECK_EQ(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_HIGHMEM);
	CHECK_EQ(gfp_zone(__GFP_MOVABLE), ZONE_NORMAL);
	CHECK_EQ(gfp_zone(__GFP_DMA | __GFP_DMA32), -1);
	CHECK_EQ(gfp_zone(__GFP_DMA | __GFP_HIGHMEM), -1);

	CHECK_EQ(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	CHECK_EQ(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	CHECK_EQ(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	CHECK(gfpflags_allow_blocking(GFP_KERNEL));
	CHECK(!gfpflags_allow_blocking(GFP_ATOMIC));
	CHECK(!gfpflags_allow_blocking(GFP_NOWAIT));

	names(GFP_KERNEL, "GFP_KERNEL");
	names(GFP_KERNEL | __GFP_ZERO, "GFP_KERNEL|__GFP_ZERO");
	names(GFP_ATOMIC | __GFP_NOWARN, "GFP_ATOMIC|__GFP_NOWARN");
	names(GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE");
	names(GFP_NOFS | __GFP_NOFAIL, "GFP_NOFS|__GFP_NOFAIL");
	names(GFP_NOWAIT, "GFP_NOWAIT");
	names(__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM");
	names(0x80000000u, "0x80000000");

	/* Contradictory modifiers fail cleanly with a report, never pick a zone. */
	REQUIRE(nmm_boot("mem=64M") == 0);
	unsigned long fails = nmm_alloc_fail_count;
	CHECK(alloc_pages(__GFP_DMA | __GFP_HIGHMEM, 0) == NULL);
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER + 1) == NULL);
	CHECK(alloc_pages_node(nr_node_ids + 3, GFP_KERNEL, 0) == NULL);
	CHECK_EQ(nmm_alloc_fail_count, fails + 3);
	nmm_shutdown();
	return test_done();
}
