/* reports_vmstat_counts_allocations: "vmstat" is one "name value" line per counter with unique
 * names; nr_free_pages is the sum of the zones' NR_FREE_PAGES; allocating 100 order-0 pages
 * from Normal, 20 order-3 blocks from DMA32 and 5 order-2 blocks from DMA grows pgalloc_normal,
 * pgalloc_dma32 and pgalloc_dma by exactly those page counts (and pgalloc_high not at all),
 * numa_hit by the 125 allocations; freeing them grows pgfree by the same pages; an allocation
 * above MAX_ORDER that warn_alloc reports adds one to nmm_alloc_fail. */
#include <errno.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "report_text.h"

#define MAXC 64

struct vmstat {
	int n;
	char name[MAXC][40];
	unsigned long val[MAXC];
};

static void read_vmstat(struct vmstat *v)
{
	struct report_text r = report_capture("vmstat");
	REQUIRE(r.nr <= MAXC);
	v->n = r.nr;
	for (int i = 0; i < r.nr; i++) {
		CHECK_LINE(&r, i, "[a-z0-9_]+ [0-9]+");
		REQUIRE(sscanf(r.line[i], "%39s %lu", v->name[i], &v->val[i]) == 2);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(v->name[i], v->name[j]) != 0);
	}
	report_free(&r);
}

static unsigned long get(const struct vmstat *v, const char *name)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->name[i], name))
			return v->val[i];
	fprintf(stderr, "vmstat has no %s\n", name);
	test_failures++;
	return 0;
}

#define DELTA(name) ((long)(get(&a, name) - get(&b, name)))

int main(void)
{
	REQUIRE(nmm_boot("mem=512M") == 0);
	struct vmstat b, a;
	read_vmstat(&b);
	unsigned long free_sum = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		free_sum += (unsigned long)zone_page_state(&NODE_DATA(0)->node_zones[z], NR_FREE_PAGES);
	CHECK_EQ(get(&b, "nr_free_pages"), free_sum);
	static const char *const kernel_names[] = {
		"nr_free_pages", "numa_hit", "numa_miss", "numa_foreign", "numa_local", "numa_other",
		"pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_high", "pgfree",
		"pgsteal_kswapd", "pgsteal_direct",
	};
	for (size_t i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]); i++)
		(void)get(&b, kernel_names[i]);

	struct page *n0[100], *d32[20], *dma[5];
	for (int i = 0; i < 100; i++) {
		REQUIRE((n0[i] = alloc_pages(GFP_KERNEL, 0)) != NULL);
		CHECK_EQ(page_zonenum(n0[i]), ZONE_NORMAL);
	}
	for (int i = 0; i < 20; i++) {
		REQUIRE((d32[i] = alloc_pages(GFP_KERNEL | GFP_DMA32, 3)) != NULL);
		CHECK_EQ(page_zonenum(d32[i]), ZONE_DMA32);
	}
	for (int i = 0; i < 5; i++) {
		REQUIRE((dma[i] = alloc_pages(GFP_KERNEL | GFP_DMA, 2)) != NULL);
		CHECK_EQ(page_zonenum(dma[i]), ZONE_DMA);
	}
	read_vmstat(&a);
	CHECK_EQ(DELTA("pgalloc_normal"), 100);
	CHECK_EQ(DELTA("pgalloc_dma32"), 20 * 8);
	CHECK_EQ(DELTA("pgalloc_dma"), 5 * 4);
	CHECK_EQ(DELTA("pgalloc_high"), 0);
	CHECK_EQ(DELTA("numa_hit"), 125);
	CHECK_EQ(DELTA("numa_miss"), 0);
	CHECK_EQ(DELTA("pgfree"), 0);
	CHECK(DELTA("nmm_pcp_refill") > 0);   /* the pcp lists started empty */

	b = a;
	for (int i = 0; i < 100; i++)
		__free_pages(n0[i], 0);
	for (int i = 0; i < 20; i++)
		__free_pages(d32[i], 3);
	for (int i = 0; i < 5; i++)
		__free_pages(dma[i], 2);
	read_vmstat(&a);
	CHECK_EQ(DELTA("pgfree"), 100 + 20 * 8 + 5 * 4);
	CHECK_EQ(DELTA("pgalloc_normal"), 0);

	b = a;
	fprintf(stderr, "(an expected allocation failure report follows)\n");
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER + 1) == NULL);
	read_vmstat(&a);
	CHECK_EQ(DELTA("nmm_alloc_fail"), 1);

	CHECK_EQ(nmm_report("no-such-report", stdout), -ENOENT);
	CHECK_EQ(nmm_report(NULL, stdout), -EINVAL);
	CHECK_EQ(nmm_report("vmstat", NULL), -EINVAL);
	return test_done();
}
