/* lib/stats/report.c - nmm_report(): one entry point for every report numamm can print.
 *
 * Each report lives beside the layer it describes and is listed here by name; the formats are
 * the kernel's (/proc files, boot log) wherever the kernel has one.
 */
#include <errno.h>
#include <string.h>

#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "stats.h"

static const struct nmm_report_entry reports[] = {
	{ "memblock", "memblock regions (memblock_dump_all)", nmm_report_memblock },
	{ "zoneranges", "boot log: Zone ranges, Early memory node ranges", nmm_report_zoneranges },
	{ "zoneinfo-layout", "per node and zone: start pfn, spanned, present, managed", nmm_report_zones },
	{ "zonelists", "boot log: fallback order and zonelists per node", nmm_report_zonelists },
	{ "nodes", "per node: backing, ranges, boot and memmap time", nmm_report_nodes },
	{ "buddyinfo", "/proc/buddyinfo: free blocks per order per zone", nmm_report_buddyinfo },
	{ "zoneinfo", "/proc/zoneinfo: watermarks, sizes, NUMA events, pcp sets per zone", nmm_report_zoneinfo },
	{ "pagetypeinfo", "/proc/pagetypeinfo: free blocks per migratetype, pageblocks per type", nmm_report_pagetypeinfo },
	{ "vmstat", "/proc/vmstat: page allocator counters, then numamm's own (nmm_*)", nmm_report_vmstat },
	{ "slabinfo", "/proc/slabinfo (version 2.1): objects and slabs per cache", nmm_report_slabinfo },
	{ "slabstats", "per cache: layout, merging and the back end's statistics", nmm_report_slabstats },
	{ "vmallocinfo", "/proc/vmallocinfo: vmalloc and vmap areas, callers, pages per node", nmm_report_vmallocinfo },
	{ "numastat", "numastat(8): per node numa_hit/miss/foreign, interleave_hit, local/other_node", nmm_report_numastat },
	{ "iomem", "/proc/iomem: PCI BARs of open devices and the regions drivers requested", nmm_iomem_report },
	{ "meminfo", "/proc/meminfo, then per node: MemTotal, MemFree, Slab, SReclaimable, SUnreclaim", nmm_report_meminfo },
};

const struct nmm_report_entry *nmm_report_list(size_t *n)
{
	*n = sizeof(reports) / sizeof(reports[0]);
	return reports;
}

int nmm_report(const char *name, FILE *out)
{
	if (!name || !out)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (strcmp(name, reports[i].name))
			continue;
		int e = nmm_boot_if_needed();
		if (e)
			return e;
		return reports[i].fn(out);
	}
	return -ENOENT;
}
