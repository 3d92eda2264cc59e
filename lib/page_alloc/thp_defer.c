/* lib/page_alloc/thp_defer.c - thp_defer=SIZE: transparent huge pages only for nodes that grow.
 *
 * A THP node is anonymous memory; with MADV_HUGEPAGE its first touch of any 2 MiB extent faults
 * in the whole extent, so a small process that touches a few scattered pages at boot (memory
 * map, the first slabs) is charged whole 2 MiB pages of RSS. With thp_defer= the arena is mapped
 * without the advice (4 KiB faults, RSS as touched) and gets it once one of the node's zones has
 * handed out SIZE bytes beyond what it had handed out when boot finished: from then on faults
 * are 2 MiB again and khugepaged may collapse what was touched before. The drop-in malloc boots
 * this way (lib/malloc/config.c).
 */
#include <numamm/linux/mmzone.h>

#include "../boot/boot.h"
#include "internal.h"

/* At the end of boot: a mark per populated zone of every deferred node. */
void nmm_thp_defer_arm(uint64_t bytes)
{
	unsigned long pages = (unsigned long)(bytes >> PAGE_SHIFT);
	for (int nid = 0; nid < nmm_layout.nr_nodes; nid++) {
		if (!__atomic_load_n(&nmm_layout.arena[nid].thp_deferred, __ATOMIC_ACQUIRE))
			continue;
		bool none_left = true;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			unsigned long free = (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
			/* memmap_defer=: a zone that will have more than SIZE once its memory all has
			 * struct pages gets them for SIZE now (the mark counts down from free pages) */
			if (free + __atomic_load_n(&zone->deferred_pages, __ATOMIC_RELAXED) > pages)
				while (free <= pages && nmm_deferred_grow_zone(zone))
					free = (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
			if (free > pages) {
				__atomic_store_n(&zone->thp_defer_mark, free - pages, __ATOMIC_RELAXED);
				none_left = false;
			}
		}
		if (none_left)          /* the node is smaller than SIZE: nothing to wait for */
			nmm_arena_thp_promote(nid);
	}
}

void nmm_thp_defer_fire(struct zone *zone)
{
	int nid = zone->node;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		__atomic_store_n(&NODE_DATA(nid)->node_zones[z].thp_defer_mark, 0, __ATOMIC_RELAXED);
	nmm_arena_thp_promote(nid);
}
