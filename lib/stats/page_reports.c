/* lib/stats/page_reports.c - the page allocator's /proc files, byte for byte in the kernel's
 * formats (linux-6.1 mm/vmstat.c: frag_show_print, zoneinfo_show_print,
 * pagetypeinfo_showfree_print, pagetypeinfo_showblockcount_print, vmstat_show), so tools and
 * eyes that read /proc/buddyinfo, /proc/zoneinfo, /proc/pagetypeinfo and /proc/vmstat read ours.
 *
 * As in the kernel, buddyinfo and pagetypeinfo walk the populated zones of every node under
 * zone->lock; zoneinfo prints every zone of every node, and stops after "protection:" for an
 * empty one. NUMA event counts (numa_hit ... numa_other) and pgalloc/pgfree are summed over the
 * per-CPU pcp event counters and the zone's buddy_ev (events of the zone->lock path), the way
 * the kernel folds its per-CPU vm_numa_event diffs.
 *
 * Lines left out because numamm has nothing behind them (never printed with made-up values):
 *   zoneinfo: the "per-node stats" block (no LRU, page cache, anon or slab node counters);
 *     "promo" (6.3+ memory tiering); the zone stats nr_zone_inactive_anon, nr_zone_active_anon,
 *     nr_zone_inactive_file, nr_zone_active_file, nr_zone_unevictable, nr_zone_write_pending,
 *     nr_mlock, nr_bounce, nr_zspages; numa_interleave (no interleave policy); per CPU
 *     "vm stats threshold" (vm_stat is exact, there are no per-CPU diffs to fold).
 *     "boost" is 0 (no watermark boosting), "node_unreclaimable" is 0 (no kswapd_failures);
 *     those two are facts about numamm, not placeholders.
 *   pagetypeinfo: the CMA type (no CMA) and the "mixed blocks" table (needs page_owner).
 *   vmstat: everything but the counters listed at vmstat_items[] below. numamm's own counters,
 *     which have no /proc/vmstat name, are printed after the kernel-named ones with an "nmm_"
 *     prefix so no tool mistakes them for kernel counters.
 */
#include <stdio.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "../page_alloc/internal.h"
#include "../page_alloc/fastpath.h"
#include "../percpu/mag.h"
#include "stats.h"

/* Defined in lib/page_alloc (reclaim.c, report_bad.c) and only read here. */
extern unsigned long nmm_reclaim_stat_direct, nmm_reclaim_stat_kswapd, nmm_reclaim_stat_kswapd_wakes;
extern unsigned long nmm_bad_page_count, nmm_alloc_fail_count;

/* mm/page_alloc.c migratetype_names[], without "CMA". */
static const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

#define RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void events_add(struct zone_cpu_events *sum, const struct zone_cpu_events *e)
{
	sum->pgalloc += RD(e->pgalloc);
	sum->pgfree += RD(e->pgfree);
	sum->numa_hit += RD(e->numa_hit);
	sum->numa_miss += RD(e->numa_miss);
	sum->numa_foreign += RD(e->numa_foreign);
	sum->numa_local += RD(e->numa_local);
	sum->numa_other += RD(e->numa_other);
	sum->pcp_refill += RD(e->pcp_refill);
	sum->pcp_drain += RD(e->pcp_drain);
}

/**
 * nmm_zone_events - the event counters of @zone summed over its pcp sets and its buddy path.
 * @zone: any zone (an empty one sums to zero)
 * @sum:  filled in
 *
 * Context: any; counters are read without locks, so a sum taken while others allocate is a
 * snapshot that may be a few events behind, as /proc/vmstat is.
 */
void nmm_zone_events(struct zone *zone, struct zone_cpu_events *sum)
{
	*sum = (struct zone_cpu_events){ 0 };
	/* The caller's own per-thread magazines (threads without rseq) are folded in first. */
	if (nmm_thread_pcp.key && nmm_thread_pcp.zone == zone)
		nmm_thread_pcp_fold(&nmm_thread_pcp, 0, 0);
	events_add(sum, &zone->buddy_ev);
	events_add(sum, &zone->thread_ev);
	if (!zone->per_cpu_pageset)
		return;
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
		/* The pcp fast paths count frees only; see struct pcp_raw_events. */
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		const struct pcp_raw_events *r = &pcp->ev;
		spin_lock(&pcp->lock);
		/* Pages enter the set from the buddy (refills) and from frees (to the lists, or pushed
		 * into a magazine — refills from the lists push too), leave by drains to the buddy; the
		 * rest of what entered and is not held now was allocated. NUMA events count
		 * allocations, as the kernel does. */
		unsigned long mag_pushes = 0, mag_held = 0;
		for (int mt = 0; mt < 3; mt++) {
			mag_pushes += nmm_mag_pushes(&pcp->mag[mt]);
			mag_held += nmm_mag_count(&pcp->mag[mt]);
		}
		unsigned long freed = r->pgfree + mag_pushes - r->mag_refills;
		unsigned long alloc = r->refill_pages + freed - r->drain_pages - r->to_thread -
				      (unsigned long)pcp->count - mag_held;
		unsigned long events = alloc - r->extra_pages;
		struct zone_cpu_events e = {
			.pgalloc = alloc, .pgfree = freed,
			.numa_hit = events - r->numa_miss, .numa_miss = r->numa_miss,
			.numa_local = events - r->numa_other, .numa_other = r->numa_other,
			.pcp_refill = r->refills, .pcp_drain = r->drains,
		};
		spin_unlock(&pcp->lock);
		events_add(sum, &e);
	}
}

/* walk_zones_in_node(): every (populated) zone of every node, optionally under zone->lock. */
static void walk_zones(FILE *out, bool populated_only, bool locked,
		       void (*print)(FILE *out, pg_data_t *pgdat, struct zone *zone))
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			if (populated_only && !populated_zone(zone))
				continue;
			if (locked)
				spin_lock(&zone->lock);
			print(out, pgdat, zone);
			if (locked)
				spin_unlock(&zone->lock);
		}
	}
}

/* /proc/buddyinfo: free blocks per order. */
static void frag_show_print(FILE *out, pg_data_t *pgdat, struct zone *zone)
{
	fprintf(out, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		fprintf(out, "%6lu ", zone->free_area[order].nr_free);
	fputc('\n', out);
}

int nmm_report_buddyinfo(FILE *out)
{
	walk_zones(out, true, true, frag_show_print);
	return 0;
}

/* /proc/zoneinfo. */
static void zoneinfo_show_print(FILE *out, pg_data_t *pgdat, struct zone *zone)
{
	fprintf(out, "Node %d, zone %8s", pgdat->node_id, zone->name);
	fprintf(out,
		"\n  pages free     %lu"
		"\n        boost    %lu"
		"\n        min      %lu"
		"\n        low      %lu"
		"\n        high     %lu"
		"\n        spanned  %lu"
		"\n        present  %lu"
		"\n        managed  %lu"
		"\n        cma      %lu",
		(unsigned long)zone_page_state(zone, NR_FREE_PAGES), 0UL, min_wmark_pages(zone),
		low_wmark_pages(zone), high_wmark_pages(zone), zone->spanned_pages,
		zone->present_pages, zone_managed_pages(zone),
		(unsigned long)zone_page_state(zone, NR_FREE_CMA_PAGES));
	fprintf(out, "\n        protection: (%ld", zone->lowmem_reserve[0]);
	for (int i = 1; i < MAX_NR_ZONES; i++)
		fprintf(out, ", %ld", zone->lowmem_reserve[i]);
	fputc(')', out);

	/* If unpopulated, no other information is useful (the kernel's words). */
	if (!populated_zone(zone)) {
		fputc('\n', out);
		return;
	}

	fprintf(out, "\n      %-12s %lu", "nr_free_pages", (unsigned long)zone_page_state(zone, NR_FREE_PAGES));
	fprintf(out, "\n      %-12s %lu", "nr_free_cma", (unsigned long)zone_page_state(zone, NR_FREE_CMA_PAGES));

	struct zone_cpu_events ev;
	nmm_zone_events(zone, &ev);
	fprintf(out, "\n      %-12s %lu", "numa_hit", ev.numa_hit);
	fprintf(out, "\n      %-12s %lu", "numa_miss", ev.numa_miss);
	fprintf(out, "\n      %-12s %lu", "numa_foreign", ev.numa_foreign);
	fprintf(out, "\n      %-12s %lu", "numa_local", ev.numa_local);
	fprintf(out, "\n      %-12s %lu", "numa_other", ev.numa_other);

	fprintf(out, "\n  pagesets");
	for (int cpu = 0; zone->per_cpu_pageset && cpu < nmm_nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		fprintf(out,
			"\n    cpu: %i"
			"\n              count: %i"
			"\n              high:  %i"
			"\n              batch: %i",
			cpu, RD(pcp->count), RD(pcp->high), RD(pcp->batch));
	}
	fprintf(out,
		"\n  node_unreclaimable:  %u"
		"\n  start_pfn:           %lu",
		0U, zone->zone_start_pfn);
	fputc('\n', out);
}

int nmm_report_zoneinfo(FILE *out)
{
	walk_zones(out, false, false, zoneinfo_show_print);
	return 0;
}

/* /proc/pagetypeinfo: free blocks per migratetype and order (a list walk), then pageblocks
 * per migratetype. The kernel prints the whole file once per node with memory. */
static void pagetypeinfo_showfree_print(FILE *out, pg_data_t *pgdat, struct zone *zone)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		fprintf(out, "Node %4d, zone %8s, type %12s ", pgdat->node_id, zone->name,
			migratetype_names[mt]);
		for (int order = 0; order < NR_PAGE_ORDERS; order++) {
			unsigned long freecount = 0;
			struct list_head *curr;
			bool overflow = false;
			/* Capped as the kernel caps it: this runs under zone->lock. */
			list_for_each(curr, &zone->free_area[order].free_list[mt]) {
				if (++freecount >= 100000) {
					overflow = true;
					break;
				}
			}
			fprintf(out, "%s%6lu ", overflow ? ">" : "", freecount);
		}
		fputc('\n', out);
	}
}

static void pagetypeinfo_showblockcount_print(FILE *out, pg_data_t *pgdat, struct zone *zone)
{
	unsigned long count[MIGRATE_TYPES] = { 0 };
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages) {
		if (!pfn_valid(pfn))
			continue;   /* a hole: pfn_to_online_page() would be NULL */
		struct page *page = pfn_to_page(pfn);
		if (page_zone(page) != zone)
			continue;
		int mt = get_pageblock_migratetype(page);
		if (mt >= 0 && mt < MIGRATE_TYPES)
			count[mt]++;
	}
	fprintf(out, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(out, "%12lu ", count[mt]);
	fputc('\n', out);
}

static void pagetypeinfo_node(FILE *out, pg_data_t *pgdat)
{
	fprintf(out, "Page block order: %d\n", pageblock_order);
	fprintf(out, "Pages per block:  %lu\n", pageblock_nr_pages);
	fputc('\n', out);

	fprintf(out, "%-43s ", "Free pages count per migrate type at order");
	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		fprintf(out, "%6d ", order);
	fputc('\n', out);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (!populated_zone(zone))
			continue;
		spin_lock(&zone->lock);
		pagetypeinfo_showfree_print(out, pgdat, zone);
		spin_unlock(&zone->lock);
	}

	fprintf(out, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(out, "%12s ", migratetype_names[mt]);
	fputc('\n', out);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (!populated_zone(zone))
			continue;
		spin_lock(&zone->lock);
		pagetypeinfo_showblockcount_print(out, pgdat, zone);
		spin_unlock(&zone->lock);
	}
}

int nmm_report_pagetypeinfo(FILE *out)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		/* check memoryless node */
		if (pgdat && pgdat->node_present_pages)
			pagetypeinfo_node(out, pgdat);
	}
	return 0;
}

/* /proc/vmstat: "name value" per line. */
int nmm_report_vmstat(FILE *out)
{
	unsigned long nr_free = 0, nr_free_cma = 0, nr_allocated = 0;
	unsigned long pgalloc[MAX_NR_ZONES] = { 0 };
	unsigned long extfrag = 0, steal = 0;
	struct zone_cpu_events all = { 0 };
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			struct zone_cpu_events ev;
			nmm_zone_events(zone, &ev);
			nr_free += (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
			nr_free_cma += (unsigned long)zone_page_state(zone, NR_FREE_CMA_PAGES);
			nr_allocated += (unsigned long)zone_page_state(zone, NR_ZONE_ALLOCATED);
			pgalloc[z] += ev.pgalloc;
			events_add(&all, &ev);
			extfrag += RD(zone->extfrag_events);
			steal += RD(zone->steal_events);
		}
	}
	/* Kernel names, in /proc/vmstat's order (zone stats, NUMA events, VM events). */
	fprintf(out, "nr_free_pages %lu\n", nr_free);
	fprintf(out, "nr_free_cma %lu\n", nr_free_cma);
	fprintf(out, "numa_hit %lu\n", all.numa_hit);
	fprintf(out, "numa_miss %lu\n", all.numa_miss);
	fprintf(out, "numa_foreign %lu\n", all.numa_foreign);
	fprintf(out, "numa_local %lu\n", all.numa_local);
	fprintf(out, "numa_other %lu\n", all.numa_other);
	/* TEXTS_FOR_ZONES("pgalloc"): _dma, _dma32, _normal, _high (ZONE_HIGHMEM). */
	static const char *const zone_suffix[MAX_NR_ZONES] = { "dma", "dma32", "normal", "high" };
	for (int z = 0; z < MAX_NR_ZONES; z++)
		fprintf(out, "pgalloc_%s %lu\n", zone_suffix[z], pgalloc[z]);
	fprintf(out, "pgfree %lu\n", all.pgfree);
	fprintf(out, "pgsteal_kswapd %lu\n", RD(nmm_reclaim_stat_kswapd));
	fprintf(out, "pgsteal_direct %lu\n", RD(nmm_reclaim_stat_direct));
	/* numamm's own counters: no /proc/vmstat equivalent. */
	fprintf(out, "nmm_nr_allocated %lu\n", nr_allocated);
	fprintf(out, "nmm_pcp_refill %lu\n", all.pcp_refill);
	fprintf(out, "nmm_pcp_drain %lu\n", all.pcp_drain);
	fprintf(out, "nmm_extfrag %lu\n", extfrag);
	fprintf(out, "nmm_extfrag_steal %lu\n", steal);
	fprintf(out, "nmm_kswapd_wake %lu\n", RD(nmm_reclaim_stat_kswapd_wakes));
	fprintf(out, "nmm_bad_page %lu\n", RD(nmm_bad_page_count));
	fprintf(out, "nmm_alloc_fail %lu\n", RD(nmm_alloc_fail_count));
	return 0;
}
