/* lib/boot/hotplug.c - memory hot-add: a node grows at run time inside the window the layout
 * kept for it (mm/memory_hotplug.c: add_memory_resource, online_pages; mm/sparse.c and
 * memmap_on_memory for the memory map).
 *
 * hotplug=SIZE gives every node with memory a physical window above all boot memory (layout.c);
 * the linear map, the section table and ZONE_NORMAL's pageblock flags and per-CPU sets already
 * cover it, so adding a 128 MiB section is:
 *   1. back it: grow the node's memfd and map the new file range at __va(phys) (THP: anonymous
 *      memory), bound to the node before the first touch (nmm_arena_grow);
 *   2. its memory map comes from the section itself, as the kernel's memmap_on_memory: the
 *      first 2 MiB hold its 32768 struct pages and stay PageReserved, so a node's page
 *      metadata is local to it and hot-add needs no memory it does not bring;
 *   3. publish the section (release store: pfn_to_page() readers take no lock);
 *   4. online it: grow ZONE_NORMAL's span and present pages under zone->lock, free the rest of
 *      the section into the buddy allocator, resize the zone's pcp batches, recompute the
 *      watermarks, and rebuild every zonelist when the zone was empty until now.
 * Sections are added in order from the window's start and never removed before nmm_shutdown(),
 * which unmaps them with the linear map and closes the memfd with the rest.
 *
 * The allocator calls nmm_hotadd_for_alloc() from __alloc_pages_slowpath when reclaim did not
 * help and the caller may sleep (__GFP_DIRECT_RECLAIM): mapping and faulting a section takes
 * milliseconds, so GFP_ATOMIC and GFP_NOWAIT never hot-add; they fail as before and a later
 * blocking allocation grows the node.
 *
 * Locking: hotplug_lock (a mutex) serialises hot-adds; inside it zone->lock and each pcp->lock
 * are taken briefly, never together (the allocator's order is pcp->lock, then zone->lock).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "../page_alloc/internal.h"
#include "boot.h"

#define SECTION_BYTES (1ULL << SECTION_SIZE_BITS)
/* Pages at the start of a section that hold its own memory map (512: 2 MiB). */
#define MEMMAP_PAGES (PAGES_PER_SECTION * sizeof(struct page) / PAGE_SIZE)
_Static_assert(PAGES_PER_SECTION * sizeof(struct page) % PAGE_SIZE == 0, "memmap must fill whole pages");

static pthread_mutex_t hotplug_lock = PTHREAD_MUTEX_INITIALIZER;
unsigned long nmm_hotadd_events;

static uint64_t window_left(const struct nmm_arena *a)
{
	return a->hp_end - a->hp_next;
}

/* Remember [start, end) at file offset @off as hot-added: extends the last hot-added range when
 * it continues it (sections are added in order), so a node needs one range slot for them all. */
static void record_range(struct nmm_arena *a, uint64_t start, uint64_t end, uint64_t off)
{
	int last = a->nr_ranges - 1;
	if (last >= a->nr_boot_ranges && a->range[last].end == start &&
	    a->range[last].file_off + (a->range[last].end - a->range[last].start) == off) {
		__atomic_store_n(&a->range[last].end, end, __ATOMIC_RELEASE);
		return;
	}
	a->range[a->nr_ranges].start = start;
	a->range[a->nr_ranges].end = end;
	a->range[a->nr_ranges].file_off = off;
	__atomic_store_n(&a->nr_ranges, a->nr_ranges + 1, __ATOMIC_RELEASE);
}

/* Online one section of node @a->nid at a->hp_next. Called with hotplug_lock held. */
static int add_section(struct nmm_arena *a)
{
	char err[256];
	double t0 = nmm_now_ms();
	uint64_t phys = a->hp_next, off = a->bytes;
	int e = nmm_arena_grow(a, phys, SECTION_BYTES, nmm_params.populate, err, sizeof(err));
	if (e) {
		fprintf(stderr, "numamm: hotplug: add_memory failed for [mem %#018llx-%#018llx] on node %d: %s\n",
			(unsigned long long)phys, (unsigned long long)(phys + SECTION_BYTES - 1), a->nid, err);
		return e;
	}
	unsigned long sec = (unsigned long)(phys >> SECTION_SIZE_BITS), pfn0 = PFN_DOWN(phys);
	unsigned long end_pfn = pfn0 + PAGES_PER_SECTION;
	struct page *map = __va(phys);   /* memmap_on_memory: the section's first 2 MiB */
	nmm_memmap_init_section(map, sec, a->nid);
	nmm_memmap_publish_section(sec, map);
	record_range(a, phys, phys + SECTION_BYTES, off);
	__atomic_store_n(&a->bytes, a->bytes + SECTION_BYTES, __ATOMIC_RELAXED);
	a->hp_next = phys + SECTION_BYTES;

	pg_data_t *pgdat = NODE_DATA(a->nid);
	struct zone *zone = &pgdat->node_zones[ZONE_NORMAL];
	bool new_zone = !populated_zone(zone);
	spin_lock(&zone->lock);
	/* zone_start_pfn never moves: the window lies above the zone's boot pages, or the empty
	 * zone was started at the window (zones.c), and pageblock_flags are indexed from it. */
	if (end_pfn > zone_end_pfn(zone))
		__atomic_store_n(&zone->spanned_pages, end_pfn - zone->zone_start_pfn, __ATOMIC_RELAXED);
	/* The memory map's pages are present, never managed (as the kernel's vmemmap pages). */
	__atomic_store_n(&zone->present_pages, zone->present_pages + PAGES_PER_SECTION, __ATOMIC_RELAXED);
	nmm_free_range_to_buddy(pfn0 + MEMMAP_PAGES, end_pfn);
	spin_unlock(&zone->lock);

	pgdat->node_present_pages += PAGES_PER_SECTION;
	if (end_pfn > pgdat->node_start_pfn + pgdat->node_spanned_pages)
		pgdat->node_spanned_pages = end_pfn - pgdat->node_start_pfn;
	nmm_zone_set_pcp_limits(zone);
	nmm_watermarks_reset();   /* a computed min_free_kbytes follows lowmem (init_per_zone_wmark_min) */
	setup_per_zone_wmarks();
	if (new_zone)
		nmm_build_all_zonelists();   /* after the watermarks: walkers see a ready zone */
	a->hotadd_ms += nmm_now_ms() - t0;
	__atomic_fetch_add(&nmm_hotadd_events, 1, __ATOMIC_RELEASE);
	return 0;
}

/**
 * nmm_memory_hotadd - add memory to a node at run time (add_memory + online_pages).
 * @nid: a node with memory and a hotplug= window
 * @bytes: how much, rounded up to whole 128 MiB sections
 *
 * The sections come from the next free part of the node's window, backed like the node's boot
 * memory, bound to the node before first touch; each holds its own memory map in its first
 * 2 MiB (PageReserved), the rest goes to the node's ZONE_NORMAL buddy allocator.
 * Context: process context; may sleep (takes a mutex, maps and faults memory). Not callable
 * from a shrinker holding allocator locks.
 * Return: 0; -EINVAL when @bytes is 0; -ENODEV when numamm is not booted or @nid is not a node
 * with memory; -ENOSPC when the window has less room than asked (nothing is added); -ENOMEM when
 * the backing refuses (e.g. the hugetlb pool is short) - sections added before that stay.
 */
int nmm_memory_hotadd(int nid, size_t bytes)
{
	if (!nmm_booted() || !node_state_memory(nid)) {
		fprintf(stderr, "numamm: hotplug: node %d is not online with memory\n", nid);
		return -ENODEV;
	}
	if (!bytes) {
		fprintf(stderr, "numamm: hotplug: node %d: empty range\n", nid);
		return -EINVAL;
	}
	uint64_t sections = ((uint64_t)bytes - 1) / SECTION_BYTES + 1;
	struct nmm_arena *a = &nmm_layout.arena[nid];
	pthread_mutex_lock(&hotplug_lock);
	int e = 0;
	if (sections > window_left(a) / SECTION_BYTES) {
		fprintf(stderr, "numamm: hotplug: node %d: %llu MiB requested, %llu MiB left of its hotplug= window\n",
			nid, (unsigned long long)(sections * (SECTION_BYTES >> 20)),
			(unsigned long long)(window_left(a) >> 20));
		e = -ENOSPC;
	}
	for (uint64_t i = 0; !e && i < sections; i++)
		e = add_section(a);
	pthread_mutex_unlock(&hotplug_lock);
	return e;
}

int nmm_hotadd_for_alloc(struct zonelist *zl, int highest_zoneidx, int preferred_nid)
{
	if (highest_zoneidx < ZONE_NORMAL)
		return -ENOSPC;   /* hot-added memory is ZONE_NORMAL: no use to DMA/DMA32 requests */
	unsigned long seen = __atomic_load_n(&nmm_hotadd_events, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&hotplug_lock);
	int e = -ENOSPC;
	if (__atomic_load_n(&nmm_hotadd_events, __ATOMIC_RELAXED) != seen) {
		e = 0;   /* another thread added memory while we waited: retry with that first */
	} else {
		struct nmm_arena *a = NULL;
		if (node_state_memory(preferred_nid) && window_left(&nmm_layout.arena[preferred_nid]))
			a = &nmm_layout.arena[preferred_nid];
		struct zoneref *zr;
		struct zone *zone;
		for_each_zone_zonelist(zone, zr, zl, highest_zoneidx) {
			if (a)
				break;
			if (window_left(&nmm_layout.arena[zone->node]))
				a = &nmm_layout.arena[zone->node];
		}
		if (a)
			e = add_section(a);
	}
	pthread_mutex_unlock(&hotplug_lock);
	return e;
}

void nmm_hotplug_release(void)
{
	/* The mappings go with the linear map, the memfds with the arenas: only counters here. */
	__atomic_store_n(&nmm_hotadd_events, 0, __ATOMIC_RELAXED);
}
