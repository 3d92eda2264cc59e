/* lib/stats/meminfo.c - /proc/meminfo and the per-node meminfo files
 * (/sys/devices/system/node/node<N>/meminfo), in the kernel's formats (fs/proc/meminfo.c
 * show_val_kb: a 16-column label, "%8lu kB"; drivers/base/node.c node_read_meminfo:
 * "Node %d " then the label), for the lines numamm has something behind:
 *
 *   MemTotal      managed pages of every zone (what the buddy allocator was given)
 *   MemFree       NR_FREE_PAGES (the buddy lists; pages in pcp lists are not free, as in Linux)
 *   MemUsed       per node only: MemTotal - MemFree
 *   HighTotal/HighFree/LowTotal/LowFree  only when a node has ZONE_HIGHMEM (highmem=/lowmem=),
 *                 as a CONFIG_HIGHMEM kernel prints them
 *   Slab, SReclaimable, SUnreclaim  slab pages (nmm_slab_pages) of SLAB_RECLAIM_ACCOUNT caches
 *                 and of the others
 *
 * Left out (never printed with made-up values): MemAvailable (an estimate over page cache and
 * reclaimable memory that numamm does not have), Buffers, Cached, swap, LRU lists, page tables,
 * Vmalloc* and hugepage lines.
 */
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "../slab/slab.h"
#include "stats.h"

struct mem_counts {
	unsigned long total, free, high_total, high_free, slab_r, slab_u;
};

static void node_counts(int nid, struct mem_counts *c)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	for (int z = 0; pgdat && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long managed = zone_managed_pages(zone);
		unsigned long free = (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
		c->total += managed;
		c->free += free;
		if (is_highmem_idx((enum zone_type)z)) {
			c->high_total += managed;
			c->high_free += free;
		}
	}
	c->slab_r += nmm_slab_pages(nid, true);
	c->slab_u += nmm_slab_pages(nid, false);
}

static bool have_highmem(void)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		if (NODE_DATA(nid) && populated_zone(&NODE_DATA(nid)->node_zones[ZONE_HIGHMEM]))
			return true;
	return false;
}

#define KB(pages) ((pages) << (PAGE_SHIFT - 10))

static void show(FILE *out, int nid, const char *label, unsigned long pages)
{
	char l[32];
	snprintf(l, sizeof(l), "%s:", label);
	if (nid < 0)
		fprintf(out, "%-16s%8lu kB\n", l, KB(pages));
	else
		fprintf(out, "Node %d %-16s%8lu kB\n", nid, l, KB(pages));
}

int nmm_report_meminfo(FILE *out)
{
	struct mem_counts all = { 0 }, node[MAX_NUMNODES] = { 0 };
	for (int nid = 0; nid < nr_node_ids; nid++) {
		node_counts(nid, &node[nid]);
		all.total += node[nid].total;
		all.free += node[nid].free;
		all.high_total += node[nid].high_total;
		all.high_free += node[nid].high_free;
		all.slab_r += node[nid].slab_r;
		all.slab_u += node[nid].slab_u;
	}
	bool high = have_highmem();
	show(out, -1, "MemTotal", all.total);
	show(out, -1, "MemFree", all.free);
	if (high) {
		show(out, -1, "HighTotal", all.high_total);
		show(out, -1, "HighFree", all.high_free);
		show(out, -1, "LowTotal", all.total - all.high_total);
		show(out, -1, "LowFree", all.free - all.high_free);
	}
	show(out, -1, "Slab", all.slab_r + all.slab_u);
	show(out, -1, "SReclaimable", all.slab_r);
	show(out, -1, "SUnreclaim", all.slab_u);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		const struct mem_counts *c = &node[nid];
		fputc('\n', out);
		show(out, nid, "MemTotal", c->total);
		show(out, nid, "MemFree", c->free);
		show(out, nid, "MemUsed", c->total - c->free);
		if (high) {
			show(out, nid, "HighTotal", c->high_total);
			show(out, nid, "HighFree", c->high_free);
			show(out, nid, "LowTotal", c->total - c->high_total);
			show(out, nid, "LowFree", c->free - c->high_free);
		}
		show(out, nid, "Slab", c->slab_r + c->slab_u);
		show(out, nid, "SReclaimable", c->slab_r);
		show(out, nid, "SUnreclaim", c->slab_u);
	}
	return 0;
}
