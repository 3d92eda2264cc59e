/* lib/stats/boot_reports.c - what the kernel prints at boot about memory, for numamm's boot:
 * "Zone ranges:" / "Early memory node ranges" (mm/mm_init.c free_area_init), the memblock dump,
 * "Fallback order for Node N:" (build_zonelists), and numamm's own per-node backing table.
 */
#include <stdio.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "../boot/boot.h"
#include "stats.h"

int nmm_report_memblock(FILE *out)
{
	nmm_memblock_dump(out);
	return 0;
}

int nmm_report_zoneranges(FILE *out)
{
	fprintf(out, "Zone ranges:\n");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		unsigned long zs = ~0UL, ze = 0;
		for (int n = 0; n < nr_node_ids; n++) {
			struct zone *zone = &NODE_DATA(n)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			zs = zone->zone_start_pfn < zs ? zone->zone_start_pfn : zs;
			ze = zone_end_pfn(zone) > ze ? zone_end_pfn(zone) : ze;
		}
		if (ze)
			fprintf(out, "  %-8s [mem 0x%016llx-0x%016llx]\n", nmm_zone_name(z),
				(unsigned long long)PFN_PHYS(zs), (unsigned long long)PFN_PHYS(ze) - 1);
		else
			fprintf(out, "  %-8s empty\n", nmm_zone_name(z));
	}
	fprintf(out, "Movable zone start for each node\n");
	fprintf(out, "Early memory node ranges\n");
	int i;
	unsigned long start, end;
	int nid;
	for_each_mem_pfn_range(i, MAX_NUMNODES, &start, &end, &nid)
		fprintf(out, "  node %3d: [mem 0x%016llx-0x%016llx]\n", nid,
			(unsigned long long)PFN_PHYS(start), (unsigned long long)PFN_PHYS(end) - 1);
	for (int n = 0; n < nr_node_ids; n++) {
		pg_data_t *pg = NODE_DATA(n);
		if (!pg->node_present_pages) {
			fprintf(out, "Initmem setup node %d as memoryless\n", n);
			continue;
		}
		fprintf(out, "Initmem setup node %d [mem 0x%016llx-0x%016llx]\n", n,
			(unsigned long long)PFN_PHYS(pg->node_start_pfn),
			(unsigned long long)PFN_PHYS(pg->node_start_pfn + pg->node_spanned_pages) - 1);
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pg->node_zones[z];
			if (populated_zone(zone) && zone->spanned_pages > zone->present_pages)
				fprintf(out, "On node %d, zone %s: %lu pages in unavailable ranges\n", n,
					zone->name, zone->spanned_pages - zone->present_pages);
		}
	}
	return 0;
}

int nmm_report_zones(FILE *out)
{
	for (int n = 0; n < nr_node_ids; n++) {
		pg_data_t *pg = NODE_DATA(n);
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pg->node_zones[z];
			if (!populated_zone(zone))
				continue;
			fprintf(out, "Node %d, zone %8s start_pfn %#10lx spanned %9lu present %9lu managed %9lu\n",
				n, zone->name, zone->zone_start_pfn, zone->spanned_pages, zone->present_pages,
				zone_managed_pages(zone));
		}
	}
	return 0;
}

int nmm_report_zonelists(FILE *out)
{
	for (int n = 0; n < nr_node_ids; n++) {
		int order[NMM_MAX_NODES];
		int cnt = nmm_numa_nodes_by_distance(&nmm_topo, n, order);
		fprintf(out, "Fallback order for Node %d:", n);
		for (int i = 0; i < cnt; i++)
			if (node_state_memory(order[i]))
				fprintf(out, " %d", order[i]);
		fprintf(out, "\n  zonelist:");
		struct zoneref *zr;
		for_each_zoneref(zr, &NODE_DATA(n)->node_zonelists[ZONELIST_FALLBACK])
			fprintf(out, " %s/%d", zr->zone->name, zr->zone->node);
		fprintf(out, "\n");
	}
	return 0;
}

int nmm_report_nodes(FILE *out)
{
	fprintf(out, "%-4s %-5s %-8s %10s %9s %9s  %-s\n", "node", "phys", "backing", "MiB", "boot_ms",
		"memmap_ms", "why / ranges");
	for (int n = 0; n < nr_node_ids; n++) {
		struct nmm_node_info ni;
		if (nmm_node_info(n, &ni))
			continue;
		fprintf(out, "%-4d %-5d %-8s %10llu %9.2f %9.2f  %s\n", n, ni.phys_node,
			nmm_backing_name(ni.backing), (unsigned long long)(ni.mem_bytes >> 20), ni.boot_ms,
			ni.memmap_ms, ni.backing_why);
		for (int r = 0; r < ni.nr_ranges; r++)
			fprintf(out, "%56s[mem 0x%016llx-0x%016llx]%s\n", "",
				(unsigned long long)ni.range[r].start, (unsigned long long)ni.range[r].end - 1,
				r >= ni.nr_boot_ranges ? " hot-added" : "");
		if (ni.hotplug_end > ni.hotplug_start)
			fprintf(out, "%56shotplug window [mem 0x%016llx-0x%016llx], %llu MiB added in %.2f ms\n", "",
				(unsigned long long)ni.hotplug_start, (unsigned long long)ni.hotplug_end - 1,
				(unsigned long long)(ni.hotadded_bytes >> 20), ni.hotadd_ms);
	}
	return 0;
}
