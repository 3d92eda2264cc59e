/* reports_buddyinfo_matches_free_areas: after holding 64 order-3 blocks and 5 order-7 blocks,
 * the numbers in "buddyinfo" are zone->free_area[order].nr_free of each populated zone (parsed
 * back from the text), their page sum per zone is NR_FREE_PAGES, holding the blocks changed
 * the report, and every line has the kernel's shape: "Node %d, zone %8s " then "%6lu " per
 * order 0..MAX_ORDER (mm/vmstat.c frag_show_print). Freeing everything (and draining the pcp
 * lists) brings back the boot-time text exactly. */
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "report_text.h"

#define NR_O3 64
#define NR_O7 5

/* Parse buddyinfo into counts[nid][zone][order]; Return: number of zone lines. */
static int parse_buddyinfo(const struct report_text *r, unsigned long counts[][MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	for (int i = 0; i < r->nr; i++) {
		int nid, used;
		char zname[16];
		REQUIRE(sscanf(r->line[i], "Node %d, zone %15s%n", &nid, zname, &used) == 2);
		REQUIRE(nid >= 0 && nid < nr_node_ids);
		int z = 0;
		while (z < MAX_NR_ZONES && strcmp(nmm_zone_name(z), zname))
			z++;
		REQUIRE(z < MAX_NR_ZONES);
		const char *p = r->line[i] + used;
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			char *end;
			counts[nid][z][o] = strtoul(p, &end, 10);
			REQUIRE(end != p);
			p = end;
		}
		CHECK(!strcmp(p, " "));
	}
	return r->nr;
}

static void check_against_zones(const char *when)
{
	static unsigned long counts[MAX_NUMNODES][MAX_NR_ZONES][NR_PAGE_ORDERS];
	memset(counts, 0, sizeof(counts));
	struct report_text r = report_capture("buddyinfo");
	int lines = parse_buddyinfo(&r, counts);
	int populated = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			populated++;
			unsigned long pages = 0;
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				if (counts[nid][z][o] != zone->free_area[o].nr_free)
					fprintf(stderr, "%s: node %d %s order %d: report %lu, nr_free %lu\n", when,
						nid, zone->name, o, counts[nid][z][o], zone->free_area[o].nr_free);
				CHECK_EQ(counts[nid][z][o], zone->free_area[o].nr_free);
				pages += counts[nid][z][o] << o;
			}
			CHECK_EQ(pages, zone_page_state(zone, NR_FREE_PAGES));
		}
	CHECK_EQ(lines, populated);
	for (int i = 0; i < r.nr; i++)
		CHECK_LINE(&r, i, "Node [0-9]+, zone " RE_ZONE8 " (" RE_U6 "){11}");
	report_free(&r);
}

static char *capture_text(void)
{
	struct report_text r = report_capture("buddyinfo");
	for (int i = 0; i < r.nr; i++)
		r.line[i][strlen(r.line[i])] = '\n';   /* undo the split: one string again */
	char *s = strdup(r.buf);
	report_free(&r);
	return s;
}

int main(void)
{
	REQUIRE(nmm_boot("mem=512M") == 0);
	drain_all_pages(NULL);
	char *before = capture_text();
	check_against_zones("after boot");

	struct page *o3[NR_O3], *o7[NR_O7];
	for (int i = 0; i < NR_O3; i++)
		REQUIRE((o3[i] = alloc_pages(GFP_KERNEL, 3)) != NULL);
	for (int i = 0; i < NR_O7; i++)
		REQUIRE((o7[i] = alloc_pages(GFP_KERNEL, 7)) != NULL);
	check_against_zones("holding blocks");
	char *holding = capture_text();
	CHECK(strcmp(before, holding) != 0);

	for (int i = 0; i < NR_O3; i++)
		__free_pages(o3[i], 3);
	for (int i = 0; i < NR_O7; i++)
		__free_pages(o7[i], 7);
	check_against_zones("freed, pcp lists full");
	drain_all_pages(NULL);
	check_against_zones("freed and drained");
	char *after = capture_text();
	if (strcmp(before, after))
		fprintf(stderr, "after boot:\n%safter free + drain:\n%s", before, after);
	CHECK(!strcmp(before, after));
	free(before);
	free(holding);
	free(after);
	return test_done();
}
