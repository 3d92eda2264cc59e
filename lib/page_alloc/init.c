/* lib/page_alloc/init.c - the page allocator's boot (mm/mm_init.c: zone_pcp_init,
 * setup_pageblock_flags; mm/memblock.c: memblock_free_all).
 *
 * Runs at the end of nmm_boot(), while memblock is still the allocator: per-CPU page sets and
 * pageblock migratetype arrays come from memblock on the zone's node; then memblock_free_all()
 * hands every free range to the buddy allocator in the largest naturally aligned blocks that
 * fit inside one zone, clearing PageReserved and counting managed pages. Reserved ranges
 * (page 0, memmap=$, the memory map itself, node data) stay PageReserved forever.
 * A node's ZONE_NORMAL gets its tables even when empty if the node has a hot-add window, and
 * its pageblock flags cover the window: hot-add (lib/boot/hotplug.c) then only grows the span
 * and frees the new pages through nmm_free_range_to_buddy().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/memblock.h>
#include <numamm/numamm.h>

#include "../boot/boot.h"
#include "fastpath.h"
#include "internal.h"

int nmm_nr_cpu_ids = 1;
extern bool nmm_mobility_grouping;

static int zone_init_free_lists(struct zone *zone, char *err, size_t errlen)
{
	spin_lock_init(&zone->lock);
	for (int o = 0; o <= MAX_ORDER; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[mt]);
		zone->free_area[o].nr_free = 0;
	}
	unsigned long first = zone->zone_start_pfn & ~(pageblock_nr_pages - 1);
	unsigned long end = zone_end_pfn(zone);
	const struct nmm_arena *a = &nmm_layout.arena[zone->node];
	if (zone_idx(zone) == ZONE_NORMAL && a->hp_end > a->hp_start && PFN_DOWN(a->hp_end) > end)
		end = PFN_DOWN(a->hp_end);   /* hot-add grows the span up to the window's end */
	unsigned long blocks = (end - first + pageblock_nr_pages - 1) >> pageblock_order;
	zone->pageblock_flags = memblock_alloc_try_nid(blocks, 8, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
						       zone->node);
	size_t pcp_bytes = sizeof(struct per_cpu_pages) * (size_t)nmm_nr_cpu_ids;
	zone->per_cpu_pageset = memblock_alloc_try_nid(pcp_bytes, 64, MEMBLOCK_LOW_LIMIT,
						       MEMBLOCK_ALLOC_ACCESSIBLE, zone->node);
	if (!zone->pageblock_flags || !zone->per_cpu_pageset) {
		snprintf(err, errlen, "no lowmem for the page allocator's tables of zone %s node %d",
			 zone->name, zone->node);
		return -ENOMEM;
	}
	memset(zone->pageblock_flags, nmm_mobility_grouping ? MIGRATE_MOVABLE : MIGRATE_UNMOVABLE, blocks);
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		spin_lock_init(&pcp->lock);
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			pcp->mag[mt].cap = NMM_MAG_SLOTS;
		for (int i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
	return 0;
}

/* batch: about a 1/4096 of the zone, at most 63 pages (the kernel's 256 KiB rule of thumb);
 * high: six batches, so a CPU holds at most a few hundred KiB of a zone. Taken under each
 * set's lock: hot-add resizes the sets of a live zone (zone_pcp_update). */
void nmm_zone_set_pcp_limits(struct zone *zone)
{
	unsigned long batch = zone_managed_pages(zone) >> 12;
	batch = batch < 1 ? 1 : batch > 63 ? 63 : batch;
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		spin_lock(&pcp->lock);
		pcp->batch = (int)batch;
		pcp->high = (int)(6 * batch);
		spin_unlock(&pcp->lock);
	}
}

/**
 * nmm_free_range_to_buddy - free pfns [@start, @end) into the buddy lists, in the largest
 * naturally aligned blocks that stay inside one zone, clearing PageReserved and counting the
 * pages as managed and free.
 * Context: zone->lock held by hot-add; at boot single-threaded (no lock).
 * Return: pages freed.
 */
unsigned long nmm_free_range_to_buddy(unsigned long start, unsigned long end)
{
	unsigned long freed = 0;
	while (start < end) {
		unsigned int order = MAX_ORDER;
		while (order && ((start & ((1UL << order) - 1)) || start + (1UL << order) > end))
			order--;
		struct page *page = pfn_to_page(start);
		struct zone *zone = page_zone(page);
		while (order && page_zone(pfn_to_page(start + (1UL << order) - 1)) != zone)
			order--;
		for (unsigned long i = 0; i < (1UL << order); i++) {
			__ClearPageReserved(page + i);
			set_page_count(page + i, 0);
		}
		__free_one_page(page, start, zone, order, get_pageblock_migratetype(page));
		__mod_zone_page_state(zone, NR_FREE_PAGES, 1L << order);
		__atomic_fetch_add(&zone->managed_pages.counter, 1L << order, __ATOMIC_RELAXED);
		freed += 1UL << order;
		start += 1UL << order;
	}
	return freed;
}

/**
 * memblock_free_all - release every free memblock range to the buddy allocator.
 * Context: boot only, single-threaded.
 */
void memblock_free_all(void)
{
	unsigned long total = 0;
	phys_addr_t start, end;
	u64 i;
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long s = PFN_UP(start), e = PFN_DOWN(end);
		/* block by block: memmap_defer= leaves blocks without struct pages for later */
		while (s < e) {
			unsigned long be = (s | (MAX_ORDER_NR_PAGES - 1)) + 1;
			if (be > e)
				be = e;
			if (pfn_valid(s))   /* its block has struct pages */
				total += nmm_free_range_to_buddy(s, be);
			s = be;
		}
	}
	(void)total;
}

/* Each CPU's fast path serves GFP_KERNEL-class order-0 requests from the first zone (at or
 * below ZONE_NORMAL) of its node's zonelist, when that zone is on its own node. */
static void build_fast_table(void)
{
	/* rseq magazines need rseq in this process and the membarrier fence for remote drains. */
	bool rseq_mags = nmm_rseq_cpu() >= 0 && nmm_mag_fence_available();
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
		int nid = nmm_topo.cpu_to_node[cpu];
		nmm_pcp_fast[cpu] = (struct nmm_pcp_fast){ NULL, NULL, 0 };
		if (nid < 0 || !node_state_memory(nid))
			continue;
		struct zoneref *zr;
		struct zone *zone;
		for_each_zone_zonelist(zone, zr, &NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK], ZONE_NORMAL) {
			if (zone->node == nid)
				nmm_pcp_fast[cpu] = (struct nmm_pcp_fast){
					rseq_mags ? &zone->per_cpu_pageset[cpu] : NULL, zone,
					NMM_FREE_KEY(((unsigned long)nid << NMM_NODES_PGSHIFT) |
						     ((unsigned long)zone_idx(zone) << NMM_ZONES_PGSHIFT)) };
			break;
		}
	}
}

int nmm_page_alloc_init(char *err, size_t errlen)
{
	const struct nmm_numa_topology *t = &nmm_topo;
	nmm_nr_cpu_ids = t->max_cpu > 0 ? t->max_cpu : 1;
	if (nmm_nr_cpu_ids > NMM_MAX_CPUS)
		nmm_nr_cpu_ids = NMM_MAX_CPUS;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			const struct nmm_arena *a = &nmm_layout.arena[nid];
			if (!populated_zone(zone) && !(z == ZONE_NORMAL && a->hp_end > a->hp_start))
				continue;
			int e = zone_init_free_lists(zone, err, errlen);
			if (e)
				return e;
		}
	if (nmm_params.memmap_defer)
		nmm_deferred_init(nmm_params.memmap_defer);
	memblock_free_all();
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (zone->per_cpu_pageset)
				nmm_zone_set_pcp_limits(zone);
		}
	setup_per_zone_wmarks();
	build_fast_table();
	return 0;
}

void nmm_page_alloc_release(void)
{
	nmm_kswapd_stop_all();   /* first: kswapd uses everything below */
	memset(nmm_pcp_fast, 0, sizeof(nmm_pcp_fast));
	nmm_thread_pcps_void();   /* per-thread magazines of this boot are void from now on */
	nmm_watermarks_reset();
}
