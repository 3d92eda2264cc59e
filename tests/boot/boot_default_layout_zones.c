/* boot_default_layout_zones: the default layout puts half of node 0 at physical 0 and the rest at
 * 4 GiB, so node 0 owns ZONE_DMA [0,16M), ZONE_DMA32 [16M,hole) and ZONE_NORMAL [4G,...); page 0
 * is reserved; memblock holds exactly the node's ranges; every page not reserved is managed by
 * the buddy allocator after boot. On a machine with more nodes each gets 512M too (mem= is the
 * total): every further node is one range on the next 1 GiB boundary above 4 GiB, all
 * ZONE_NORMAL, and node 0's zonelist goes on to their Normal zones in (distance, id) order. */
#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

int main(void)
{
	static struct nmm_numa_topology topo;
	char line[64];
	int nodes = 0;
	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	for (int i = 0; i < topo.nr_nodes; i++)
		nodes += topo.node[i].mem_total != 0;
	if (!topo.node[0].mem_total)
		SKIP("node 0 has no memory: the default layout puts the first memory node at 0");
	snprintf(line, sizeof(line), "mem=%dM", 512 * nodes);   /* "mem=512M" on one node */
	REQUIRE(nmm_boot(line) == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.mem_bytes, 512 * MiB);
	CHECK_EQ(ni.nr_ranges, 2);
	CHECK_EQ(ni.range[0].start, 0);
	CHECK_EQ(ni.range[0].end, 256 * MiB);
	CHECK_EQ(ni.range[1].start, 4 * GiB);
	CHECK_EQ(ni.range[1].end, 4 * GiB + 256 * MiB);
	CHECK_EQ(memblock_phys_mem_size(), nodes * 512 * MiB);
	CHECK(memblock_is_reserved(0));
	CHECK(!memblock_is_reserved(PAGE_SIZE));
	CHECK(memblock_is_memory(4 * GiB));
	CHECK(!memblock_is_memory(1 * GiB));

	pg_data_t *pg = NODE_DATA(0);
	struct zone *dma = &pg->node_zones[ZONE_DMA], *d32 = &pg->node_zones[ZONE_DMA32],
		    *nor = &pg->node_zones[ZONE_NORMAL], *hi = &pg->node_zones[ZONE_HIGHMEM];
	CHECK_EQ(dma->zone_start_pfn, 0);
	CHECK_EQ(dma->spanned_pages, 16 * MiB / PAGE_SIZE);
	CHECK_EQ(dma->present_pages, 16 * MiB / PAGE_SIZE);
	CHECK_EQ(d32->zone_start_pfn, 16 * MiB / PAGE_SIZE);
	CHECK_EQ(d32->spanned_pages, 240 * MiB / PAGE_SIZE);
	CHECK_EQ(nor->zone_start_pfn, 4 * GiB / PAGE_SIZE);
	CHECK_EQ(nor->present_pages, 256 * MiB / PAGE_SIZE);
	CHECK(!populated_zone(hi));
	CHECK_EQ(pg->nr_zones, ZONE_NORMAL + 1);
	CHECK_EQ(pg->node_start_pfn, 0);
	CHECK_EQ(pg->node_spanned_pages, (4 * GiB + 256 * MiB) / PAGE_SIZE);
	CHECK_EQ(pg->node_present_pages, 512 * MiB / PAGE_SIZE);
	/* memblock_free_all handed everything but the reserved pages to the buddy allocator:
	 * DMA lost page 0, Normal holds the memory map and node data (top-down allocations). */
	CHECK_EQ(zone_managed_pages(dma), dma->present_pages - 1);
	CHECK_EQ(zone_managed_pages(d32), d32->present_pages);
	unsigned long reserved = 0;
	for (unsigned long pfn = nor->zone_start_pfn; pfn < zone_end_pfn(nor); pfn++)
		reserved += PageReserved(pfn_to_page(pfn));   /* partly reserved pages too */
	CHECK(reserved >= (2ULL << 20) / PAGE_SIZE);   /* at least the 2 MiB memory map of a section */
	CHECK_EQ(zone_managed_pages(nor) + reserved, nor->present_pages);
	CHECK(!strcmp(nor->name, "Normal"));
	CHECK(zone_idx(nor) == ZONE_NORMAL && nor->zone_pgdat == pg);

	/* Every further memory node: 512M on the next 1 GiB boundary (5G, 6G, ...), Normal only. */
	uint64_t cursor = 5 * GiB;
	for (int nid = 1; nid < nr_node_ids; nid++) {
		struct nmm_node_info oi;
		REQUIRE(nmm_node_info(nid, &oi) == 0);
		if (!topo.node[nid].mem_total) {
			CHECK_EQ(oi.nr_ranges, 0);
			continue;
		}
		CHECK_EQ(oi.mem_bytes, 512 * MiB);
		CHECK_EQ(oi.nr_ranges, 1);
		CHECK_EQ(oi.range[0].start, cursor);
		CHECK_EQ(oi.range[0].end, cursor + 512 * MiB);
		pg_data_t *o = NODE_DATA(nid);
		CHECK_EQ(o->node_start_pfn, cursor / PAGE_SIZE);
		CHECK_EQ(o->node_present_pages, 512 * MiB / PAGE_SIZE);
		CHECK_EQ(o->node_zones[ZONE_NORMAL].present_pages, 512 * MiB / PAGE_SIZE);
		CHECK(!populated_zone(&o->node_zones[ZONE_DMA]) && !populated_zone(&o->node_zones[ZONE_DMA32]));
		CHECK(memblock_is_memory(cursor));
		cursor += 1 * GiB;
	}

	/* Node 0's zonelist: Normal, DMA32, DMA - all of a one-node machine - then the Normal zone
	 * of every other node with memory, nearest first (ties by id). */
	struct zoneref *zr = pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	CHECK(zr[0].zone == nor && zr[1].zone == d32 && zr[2].zone == dma);
	CHECK_EQ(zr[0].zone_idx, ZONE_NORMAL);
	int at = 3;
	for (int d = 0; d < 256; d++)
		for (int j = 1; j < nr_node_ids; j++)
			if (node_distance(0, j) == d && topo.node[j].mem_total) {
				if (zr[at].zone != &NODE_DATA(j)->node_zones[ZONE_NORMAL]) {
					fprintf(stderr, "node 0 zonelist[%d]: want node %d's Normal (distance %d)\n",
						at, j, d);
					test_failures++;
				}
				if (zr[at].zone)
					at++;
			}
	CHECK_EQ(at, 3 + nodes - 1);
	CHECK(zr[at].zone == NULL);

	/* Zones of pages agree with zones of addresses. */
	CHECK_EQ(page_zonenum(pfn_to_page(0)), ZONE_DMA);
	CHECK_EQ(page_zonenum(pfn_to_page(16 * MiB / PAGE_SIZE)), ZONE_DMA32);
	CHECK_EQ(page_zonenum(phys_to_page(4 * GiB)), ZONE_NORMAL);
	CHECK(page_zone(phys_to_page(4 * GiB + 12345 * PAGE_SIZE)) == nor);
	CHECK(PageReserved(pfn_to_page(0)));
	CHECK(!PageReserved(pfn_to_page(100)));
	nmm_shutdown();
	return test_done();
}
