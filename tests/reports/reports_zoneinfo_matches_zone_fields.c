/* reports_zoneinfo_matches_zone_fields: every value "zoneinfo" prints is the field it names —
 * pages free / nr_free_pages = NR_FREE_PAGES, min/low/high = _watermark[], spanned/present/
 * managed, protection = lowmem_reserve[], start_pfn, per-CPU count/high/batch — for every zone
 * of every node (two fake nodes, so there are empty zones and a second node); the NUMA
 * counters move with allocations: K allocations preferring node 0 add K to numa_hit and to
 * numa_local, and K preferring node 1 served from node 1 add K to node 1's; and each line has
 * the shape mm/vmstat.c zoneinfo_show_print gives it (linux-6.1). */
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "report_text.h"

#define K 40

struct zone_text {
	int nid;
	char name[16];
	unsigned long free, boost, min, low, high, spanned, present, managed, cma, start_pfn;
	long prot[MAX_NR_ZONES];
	unsigned long nr_free_pages, nr_free_cma, numa[5];   /* hit miss foreign local other */
	int nr_cpus, count[64], pcp_high[64], batch[64];
	int has_start_pfn;
};

static const char *const numa_names[5] = { "numa_hit", "numa_miss", "numa_foreign", "numa_local", "numa_other" };

/* Parse the report into zt[]; check each line's shape on the way. Return: zones seen. */
static int parse_zoneinfo(struct zone_text *zt, int max)
{
	struct report_text r = report_capture("zoneinfo");
	int n = -1;
	for (int i = 0; i < r.nr; i++) {
		const char *l = r.line[i];
		struct zone_text *z = n >= 0 ? &zt[n] : NULL;
		int indent = (int)strspn(l, " ");
		unsigned long v;
		char word[32];
		/* Dispatch on the indentation, which is part of the format (sscanf skips spaces). */
		if (indent == 0) {
			CHECK_LINE(&r, i, "Node [0-9]+, zone " RE_ZONE8);
			REQUIRE(++n < max);
			z = &zt[n];
			memset(z, 0, sizeof(*z));
			REQUIRE(sscanf(l, "Node %d, zone %15s", &z->nid, z->name) == 2);
			continue;
		}
		REQUIRE(z);
		if (indent == 2 && !strncmp(l, "  pages free", 12)) {
			CHECK_LINE(&r, i, "  pages free     [0-9]+");
			sscanf(l, "  pages free %lu", &z->free);
		} else if (indent == 8 && !strncmp(l, "        protection: (", 21)) {
			CHECK_LINE(&r, i, "        protection: \\(-?[0-9]+(, -?[0-9]+){3}\\)");
			REQUIRE(sscanf(l, "        protection: (%ld, %ld, %ld, %ld)", &z->prot[0], &z->prot[1],
				       &z->prot[2], &z->prot[3]) == MAX_NR_ZONES);
		} else if (indent == 8 && sscanf(l, "%31s %lu", word, &v) == 2) {
			/* "\n        %-8s %lu" shapes: the value starts at column 17 */
			CHECK_LINE(&r, i, "        (boost|min|low|high|spanned|present|managed|cma) +[0-9]+");
			CHECK_EQ(strrchr(l, ' ') + 1 - l, 17);
			if (!strcmp(word, "boost")) z->boost = v;
			else if (!strcmp(word, "min")) z->min = v;
			else if (!strcmp(word, "low")) z->low = v;
			else if (!strcmp(word, "high")) z->high = v;
			else if (!strcmp(word, "spanned")) z->spanned = v;
			else if (!strcmp(word, "present")) z->present = v;
			else if (!strcmp(word, "managed")) z->managed = v;
			else if (!strcmp(word, "cma")) z->cma = v;
		} else if (indent == 6 && sscanf(l, "%31s %lu", word, &v) == 2) {
			/* seq_printf(m, "\n      %-12s %lu", name, value) */
			CHECK_LINE(&r, i, "      ([a-z_]{12,} |[a-z_]{1,11} +)[0-9]+");
			if (strlen(word) < 12)
				CHECK_EQ(strrchr(l, ' ') + 1 - l, 6 + 12 + 1);
			if (!strcmp(word, "nr_free_pages")) z->nr_free_pages = v;
			else if (!strcmp(word, "nr_free_cma")) z->nr_free_cma = v;
			else {
				int k = 0;
				while (k < 5 && strcmp(word, numa_names[k]))
					k++;
				if (k == 5)
					fprintf(stderr, "unexpected zone stat %s\n", word);
				CHECK(k < 5);
				if (k < 5)
					z->numa[k] = v;
			}
		} else if (indent == 2 && !strcmp(l, "  pagesets")) {
		} else if (indent == 4 && sscanf(l, "    cpu: %lu", &v) == 1) {
			CHECK_LINE(&r, i, "    cpu: [0-9]+");
			CHECK_EQ(v, z->nr_cpus);
			REQUIRE(++z->nr_cpus <= 64);
		} else if (indent == 14 && z->nr_cpus && sscanf(l, "%31s %lu", word, &v) == 2) {
			CHECK_LINE(&r, i, "              (count: |high:  |batch: )[0-9]+");
			if (!strcmp(word, "count:")) z->count[z->nr_cpus - 1] = (int)v;
			else if (!strcmp(word, "high:")) z->pcp_high[z->nr_cpus - 1] = (int)v;
			else if (!strcmp(word, "batch:")) z->batch[z->nr_cpus - 1] = (int)v;
		} else if (indent == 2 && !strncmp(l, "  node_unreclaimable:", 21)) {
			CHECK_LINE(&r, i, "  node_unreclaimable:  [01]");
		} else if (indent == 2 && sscanf(l, "  start_pfn: %lu", &v) == 1) {
			CHECK_LINE(&r, i, "  start_pfn:           [0-9]+");
			z->start_pfn = v;
			z->has_start_pfn = 1;
		} else {
			fprintf(stderr, "zoneinfo line %d not in the kernel's format: \"%s\"\n", i + 1, l);
			test_failures++;
		}
	}
	report_free(&r);
	return n + 1;
}

static void sum_numa(const struct zone_text *zt, int n, int nid, unsigned long out[5])
{
	memset(out, 0, 5 * sizeof(out[0]));
	for (int i = 0; i < n; i++)
		if (zt[i].nid == nid)
			for (int k = 0; k < 5; k++)
				out[k] += zt[i].numa[k];
}

int main(void)
{
	REQUIRE(nmm_boot("mem=512M numa=fake=2") == 0);
	if (nr_node_ids != 2)
		SKIP("numa=fake=2 gave %d nodes", nr_node_ids);
	static struct zone_text zt[MAX_NUMNODES * MAX_NR_ZONES];

	/* Hold some pages so pcp counts and free counts are not the boot values. */
	struct page *held[K];
	for (int i = 0; i < K; i++)
		REQUIRE((held[i] = alloc_pages_node(0, GFP_KERNEL, (unsigned)(i % 4))) != NULL);
	int n = parse_zoneinfo(zt, MAX_NUMNODES * MAX_NR_ZONES);
	CHECK_EQ(n, nr_node_ids * MAX_NR_ZONES);   /* every zone, populated or not */
	for (int i = 0; i < n; i++) {
		struct zone_text *t = &zt[i];
		REQUIRE(t->nid >= 0 && t->nid < nr_node_ids);
		struct zone *zone = &NODE_DATA(t->nid)->node_zones[i % MAX_NR_ZONES];
		CHECK(!strcmp(t->name, zone->name));
		CHECK_EQ(t->free, zone_page_state(zone, NR_FREE_PAGES));
		CHECK_EQ(t->boost, 0);
		CHECK_EQ(t->min, min_wmark_pages(zone));
		CHECK_EQ(t->low, low_wmark_pages(zone));
		CHECK_EQ(t->high, high_wmark_pages(zone));
		CHECK_EQ(t->spanned, zone->spanned_pages);
		CHECK_EQ(t->present, zone->present_pages);
		CHECK_EQ(t->managed, zone_managed_pages(zone));
		CHECK_EQ(t->cma, 0);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			CHECK_EQ(t->prot[z], zone->lowmem_reserve[z]);
		if (!populated_zone(zone)) {
			CHECK(!t->has_start_pfn && t->nr_cpus == 0);   /* stops after protection */
			continue;
		}
		CHECK(t->has_start_pfn);
		CHECK_EQ(t->start_pfn, zone->zone_start_pfn);
		CHECK_EQ(t->nr_free_pages, zone_page_state(zone, NR_FREE_PAGES));
		CHECK(t->nr_cpus > 0);
		for (int c = 0; c < t->nr_cpus; c++) {
			CHECK_EQ(t->count[c], zone->per_cpu_pageset[c].count);
			CHECK_EQ(t->pcp_high[c], zone->per_cpu_pageset[c].high);
			CHECK_EQ(t->batch[c], zone->per_cpu_pageset[c].batch);
		}
	}
	/* Somewhere a pcp list holds pages now: the count lines are not all zero. */
	int any_pcp = 0;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < zt[i].nr_cpus; c++)
			any_pcp |= zt[i].count[c] != 0;
	CHECK(any_pcp);

	/* NUMA events: K allocations of each order 0..3 and 4 (pcp and buddy paths) on node 0,
	 * then on node 1. Each allocation is one event, as in the kernel. */
	unsigned long b0[5], b1[5], a0[5], a1[5];
	n = parse_zoneinfo(zt, MAX_NUMNODES * MAX_NR_ZONES);
	sum_numa(zt, n, 0, b0);
	sum_numa(zt, n, 1, b1);
	struct page *p0[K], *p1[K];
	for (int i = 0; i < K; i++) {
		REQUIRE((p0[i] = alloc_pages_node(0, GFP_KERNEL | __GFP_THISNODE, (unsigned)(i % 5))) != NULL);
		REQUIRE((p1[i] = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE, (unsigned)(i % 5))) != NULL);
		CHECK_EQ(page_to_nid(p0[i]), 0);
		CHECK_EQ(page_to_nid(p1[i]), 1);
	}
	n = parse_zoneinfo(zt, MAX_NUMNODES * MAX_NR_ZONES);
	sum_numa(zt, n, 0, a0);
	sum_numa(zt, n, 1, a1);
	CHECK_EQ(a0[0] - b0[0], K);   /* numa_hit */
	CHECK_EQ(a1[0] - b1[0], K);
	CHECK_EQ(a0[1] - b0[1], 0);   /* numa_miss */
	CHECK_EQ(a1[1] - b1[1], 0);
	CHECK_EQ(a0[2] - b0[2], 0);   /* numa_foreign */
	/* numa_local + numa_other count every allocation too (by the allocating CPU's node). */
	CHECK_EQ((a0[3] + a0[4]) - (b0[3] + b0[4]), K);
	CHECK_EQ((a1[3] + a1[4]) - (b1[3] + b1[4]), K);

	for (int i = 0; i < K; i++) {
		__free_pages(held[i], (unsigned)(i % 4));
		__free_pages(p0[i], (unsigned)(i % 5));
		__free_pages(p1[i], (unsigned)(i % 5));
	}
	return test_done();
}
