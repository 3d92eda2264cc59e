/* lib/page_alloc/deferred.c - memmap_defer=SIZE: struct pages written as the zones need them
 * (mm/mm_init.c: deferred_init_memmap, deferred_grow_zone).
 *
 * Writing the memory map costs 64 bytes per 4 KiB page: 1 MiB of RSS for a 64 MiB node before
 * the first allocation, which is most of what a small program preloading the malloc pays for
 * numamm. With memmap_defer= the memory map is written in MAX_ORDER blocks (4 MiB of memory,
 * 64 KiB of struct pages; a buddy never leaves its block):
 *   - at boot (nmm_deferred_init, before memblock_free_all): every block holding memblock-
 *     reserved memory, every block that straddles two zones or nodes, then each zone's lowest
 *     blocks until it has SIZE of memory with struct pages. memblock_free_all frees only what
 *     has struct pages; the rest of each zone is counted in zone->deferred_pages (present, not
 *     managed, as in the kernel);
 *   - when get_page_from_freelist finds a zone under its watermark, or without a free block of
 *     the order asked for, and the zone still has deferred pages, nmm_deferred_grow_zone writes
 *     the struct pages of its lowest remaining block and frees that block into the buddy lists
 *     (managed and free grow together, the watermarks are recomputed), and the zone is tried
 *     again. That is a few hundred microseconds (16 page faults of memory map) once per 4 MiB.
 * A block that is deferred holds no reserved memory, so all its present memory is free.
 *
 * Locking: grow_lock (a mutex) serialises growth; inside it, zone->lock while freeing into the
 * buddy lists, the pcp locks and the watermarks. Any context may grow a zone (nothing here
 * sleeps beyond the page faults). fork takes grow_lock after the slab locks and before the
 * zone locks (nmm_fork_prepare), so a child never finds it held.
 */
#include <pthread.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>

#include "../boot/boot.h"
#include "internal.h"

static pthread_mutex_t grow_lock = PTHREAD_MUTEX_INITIALIZER;

/* Present pages of node @nid in pfns [@s, @e). */
static unsigned long present_in(int nid, unsigned long s, unsigned long e)
{
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	unsigned long n = 0;
	for (int r = 0; r < a->nr_ranges; r++) {
		unsigned long rs = PFN_UP(a->range[r].start), re = PFN_DOWN(a->range[r].end);
		rs = rs > s ? rs : s;
		re = re < e ? re : e;
		if (rs < re)
			n += re - rs;
	}
	return n;
}

/* The zone whose memory is all the present memory of block @pfn, or NULL (a straddler, a hole,
 * or a block the zone's span does not wholly cover: those get struct pages at boot). */
static struct zone *block_zone(unsigned long pfn)
{
	unsigned long end = pfn + MAX_ORDER_NR_PAGES;
	int zi = nmm_pfn_zone(pfn);
	if (nmm_pfn_zone(end - 1) != zi)
		return NULL;
	struct zone *zone = NULL;
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++) {
		if (!present_in(nid, pfn, end))
			continue;
		if (zone)
			return NULL;              /* two nodes */
		zone = &NODE_DATA(nid)->node_zones[zi];
	}
	if (zone && (!zone_spans_pfn(zone, pfn) || !zone_spans_pfn(zone, end - 1)))
		return NULL;
	return zone;
}

static void init_block(unsigned long pfn)
{
	if (pfn_valid(pfn))
		return;
	struct zone *zone = block_zone(pfn);
	int nid = zone ? zone->node : -1;
	for (int n = 0; nid < 0 && n < nmm_layout.nr_nodes; n++)
		if (present_in(n, pfn, pfn + MAX_ORDER_NR_PAGES))
			nid = n;
	if (nid >= 0)             /* (a block that is all hole needs no struct pages) */
		nmm_memmap_init_block(pfn, nid);
}

/* Blocks of every section with a memory map, visited lowest first. */
#define for_each_mapped_block(pfn)                                                              \
	for (unsigned long pfn = 0; pfn < nmm_nr_sections << PFN_SECTION_SHIFT; pfn += MAX_ORDER_NR_PAGES) \
		if (nmm_section_map[nmm_pfn_section(pfn)])

void nmm_deferred_init(uint64_t size)
{
	/* Blocks with reserved memory (boot's tables, the memory map itself) and straddlers. */
	struct memblock_region *r;
	for_each_reserved_mem_region(r) {
		unsigned long s = memblock_region_reserved_base_pfn(r) & ~(MAX_ORDER_NR_PAGES - 1);
		for (unsigned long pfn = s; pfn < memblock_region_reserved_end_pfn(r); pfn += MAX_ORDER_NR_PAGES)
			if (nmm_pfn_section(pfn) < nmm_nr_sections && nmm_section_map[nmm_pfn_section(pfn)])
				init_block(pfn);
	}
	for_each_mapped_block(pfn)
		if (!block_zone(pfn))
			init_block(pfn);      /* (skips blocks that are all hole) */
	/* Each zone's lowest blocks until it has @size with struct pages; the rest waits. */
	unsigned long want = (unsigned long)(size >> PAGE_SHIFT);
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			unsigned long ready = 0, deferred = 0;
			unsigned long first = zone->zone_start_pfn & ~(MAX_ORDER_NR_PAGES - 1);
			for (unsigned long pfn = first; pfn < zone_end_pfn(zone); pfn += MAX_ORDER_NR_PAGES) {
				unsigned long n = present_in(nid, pfn, pfn + MAX_ORDER_NR_PAGES);
				if (!n || block_zone(pfn) != zone) {
					if (n && pfn_valid(pfn))
						ready += n;
					continue;
				}
				if (!pfn_valid(pfn) && ready < want)
					init_block(pfn);
				if (pfn_valid(pfn))
					ready += n;
				else
					deferred += n;
			}
			zone->deferred_next = first;
			__atomic_store_n(&zone->deferred_pages, deferred, __ATOMIC_RELEASE);
		}
	}
}

void nmm_deferred_fork_lock(bool lock)
{
	if (lock)
		pthread_mutex_lock(&grow_lock);
	else
		pthread_mutex_unlock(&grow_lock);
}

bool nmm_deferred_grow_zone(struct zone *zone)
{
	if (!__atomic_load_n(&zone->deferred_pages, __ATOMIC_ACQUIRE))
		return false;
	pthread_mutex_lock(&grow_lock);
	unsigned long pfn = zone->deferred_next, end = zone_end_pfn(zone);
	for (; pfn < end; pfn += MAX_ORDER_NR_PAGES)
		if (!pfn_valid(pfn) && block_zone(pfn) == zone)
			break;
	if (pfn >= end) {
		/* another thread took the last block while we waited: the zone is whole */
		bool grew = !__atomic_load_n(&zone->deferred_pages, __ATOMIC_ACQUIRE);
		__atomic_store_n(&zone->deferred_pages, 0, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&grow_lock);
		return grew;
	}
	nmm_memmap_init_block(pfn, zone->node);
	const struct nmm_arena *a = &nmm_layout.arena[zone->node];
	unsigned long present = present_in(zone->node, pfn, pfn + MAX_ORDER_NR_PAGES), freed = 0;
	spin_lock(&zone->lock);
	for (int r = 0; r < a->nr_ranges; r++) {
		unsigned long rs = PFN_UP(a->range[r].start), re = PFN_DOWN(a->range[r].end);
		rs = rs > pfn ? rs : pfn;
		re = re < pfn + MAX_ORDER_NR_PAGES ? re : pfn + MAX_ORDER_NR_PAGES;
		if (rs < re)
			freed += nmm_free_range_to_buddy(rs, re);
	}
	__atomic_store_n(&zone->deferred_pages, zone->deferred_pages - present, __ATOMIC_RELEASE);
	/* thp_defer= counts what the zone handed out: memory arriving is not handed out */
	unsigned long mark = __atomic_load_n(&zone->thp_defer_mark, __ATOMIC_RELAXED);
	if (mark)
		__atomic_store_n(&zone->thp_defer_mark, mark + freed, __ATOMIC_RELAXED);
	spin_unlock(&zone->lock);
	zone->deferred_next = pfn + MAX_ORDER_NR_PAGES;
	__atomic_fetch_add(&zone->deferred_grown, 1, __ATOMIC_RELAXED);
	nmm_zone_set_pcp_limits(zone);
	nmm_watermarks_reset();   /* a computed min_free_kbytes follows lowmem, as after hot-add */
	setup_per_zone_wmarks();
	pthread_mutex_unlock(&grow_lock);
	return true;
}
