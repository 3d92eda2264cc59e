/* reports_pagetypeinfo_counts_lists_and_blocks: "pagetypeinfo" free counts are the lengths of
 * zone->free_area[order].free_list[migratetype] (walked here under zone->lock) and add up, per
 * order, to buddyinfo's nr_free; its pageblock counts per type add up to the pageblocks of the
 * zone span (no holes in this layout), and equal a get_pageblock_migratetype() count; after
 * unmovable allocations have stolen movable pageblocks the Unmovable count grows by the
 * pageblocks stolen and Movable shrinks by as many. Every line has the shape of linux-6.1
 * mm/vmstat.c pagetypeinfo_show*. */
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "page_alloc/internal.h"
#include "report_text.h"

#define NR_HELD 200

static const char *const mt_names[MIGRATE_TYPES] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate" };

struct ptinfo {
	unsigned long free[MAX_NR_ZONES][MIGRATE_TYPES][NR_PAGE_ORDERS];
	unsigned long blocks[MAX_NR_ZONES][MIGRATE_TYPES];
	int free_lines, block_lines;
};

static int zone_by_name(const char *name)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (!strcmp(nmm_zone_name(z), name))
			return z;
	return -1;
}

/* One node booted: parse the single per-node section, checking each line's shape. */
static void parse(struct ptinfo *pt)
{
	memset(pt, 0, sizeof(*pt));
	struct report_text r = report_capture("pagetypeinfo");
	REQUIRE(r.nr > 5);
	CHECK_LINE(&r, 0, "Page block order: 9");
	CHECK_LINE(&r, 1, "Pages per block:  512");
	CHECK_LINE(&r, 2, "");
	CHECK_LINE(&r, 3, "Free pages count per migrate type at order       0      1      2      3      4"
			  "      5      6      7      8      9     10 ");
	int i = 4;
	for (; i < r.nr && strncmp(r.line[i], "Node ", 5) == 0; i++) {
		CHECK_LINE(&r, i, "Node {4}0, zone " RE_ZONE8 ", type ( {3}Unmovable| {5}Movable| Reclaimable|"
				  "  HighAtomic| {5}Isolate) (>?" RE_U6 "){11}");
		int nid, used;
		char zname[16], tname[16];
		REQUIRE(sscanf(r.line[i], "Node %d, zone %15[^,], type %15s%n", &nid, zname, tname, &used) == 3);
		int z = zone_by_name(zname + strspn(zname, " ")), mt = 0;
		while (mt < MIGRATE_TYPES && strcmp(mt_names[mt], tname))
			mt++;
		REQUIRE(z >= 0 && mt < MIGRATE_TYPES);
		const char *p = r.line[i] + used;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			pt->free[z][mt][o] = strtoul(p, (char **)&p, 10);
		pt->free_lines++;
	}
	CHECK_LINE(&r, i, "");
	i++;
	CHECK_LINE(&r, i, "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate ");
	for (i++; i < r.nr; i++) {
		CHECK_LINE(&r, i, "Node 0, zone " RE_ZONE8 " (" RE_U12 "){5}");
		char zname[16];
		int used;
		REQUIRE(sscanf(r.line[i], "Node 0, zone %15s%n", zname, &used) == 1);
		int z = zone_by_name(zname);
		REQUIRE(z >= 0);
		const char *p = r.line[i] + used;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			pt->blocks[z][mt] = strtoul(p, (char **)&p, 10);
		pt->block_lines++;
	}
	report_free(&r);
}

static void check(const struct ptinfo *pt)
{
	int populated = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &NODE_DATA(0)->node_zones[z];
		if (!populated_zone(zone))
			continue;
		populated++;
		spin_lock(&zone->lock);
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long sum = 0;
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				unsigned long n = 0;
				struct list_head *pos;
				list_for_each(pos, &zone->free_area[o].free_list[mt])
					n++;
				CHECK_EQ(pt->free[z][mt][o], n);
				sum += pt->free[z][mt][o];
			}
			CHECK_EQ(sum, zone->free_area[o].nr_free);
		}
		unsigned long blocks = 0, want[MIGRATE_TYPES] = { 0 };
		for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages)
			want[get_pageblock_migratetype(pfn_to_page(pfn))]++;
		spin_unlock(&zone->lock);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			CHECK_EQ(pt->blocks[z][mt], want[mt]);
			blocks += pt->blocks[z][mt];
		}
		CHECK_EQ(blocks, (zone->spanned_pages + pageblock_nr_pages - 1) / pageblock_nr_pages);
	}
	CHECK_EQ(pt->free_lines, populated * MIGRATE_TYPES);
	CHECK_EQ(pt->block_lines, populated);
}

int main(void)
{
	REQUIRE(nmm_boot("mem=512M") == 0);
	static struct ptinfo before, holding;
	drain_all_pages(NULL);
	parse(&before);
	check(&before);

	/* Unmovable order-5 blocks from the Normal zone: its pageblocks start Movable, so the first
	 * allocations fall back and claim whole pageblocks. */
	struct page *held[NR_HELD];
	for (int i = 0; i < NR_HELD; i++)
		REQUIRE((held[i] = alloc_pages(GFP_KERNEL, 5)) != NULL);
	parse(&holding);
	check(&holding);
	struct zone *normal = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	long gained = (long)holding.blocks[ZONE_NORMAL][MIGRATE_UNMOVABLE] - (long)before.blocks[ZONE_NORMAL][MIGRATE_UNMOVABLE];
	CHECK(gained >= (long)((NR_HELD << 5) / pageblock_nr_pages));   /* 6400 pages need >= 12 blocks */
	CHECK_EQ((long)before.blocks[ZONE_NORMAL][MIGRATE_MOVABLE] - (long)holding.blocks[ZONE_NORMAL][MIGRATE_MOVABLE], gained);
	CHECK(normal->steal_events > 0);

	for (int i = 0; i < NR_HELD; i++)
		__free_pages(held[i], 5);
	drain_all_pages(NULL);
	parse(&holding);
	check(&holding);
	return test_done();
}
