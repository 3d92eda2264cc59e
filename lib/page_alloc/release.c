/* lib/page_alloc/release.c - give free memory back to the OS: every free buddy block of at least
 * a given order is dropped from the process (anonymous THP: MADV_DONTNEED; shmem memfd:
 * MADV_REMOVE, a punch-hole) so RSS really falls — MADV_FREE would leave it counted as resident
 * until the kernel is short of memory. The block stays on its free list; its next user faults
 * in zeroed pages. hugetlb nodes are left alone: a punched huge page goes back to the system
 * pool, and getting it back is not guaranteed (a later fault could SIGBUS).
 *
 * The drop-in malloc (lib/malloc) calls this from malloc_trim() and when its free memory grows
 * past a threshold; anyone may call it (nmm_release_free_memory in <numamm/numamm.h>).
 */
#include <sys/mman.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "internal.h"

static size_t release_zone(struct zone *zone, unsigned int min_order, int advice)
{
	size_t bytes = 0;
	spin_lock(&zone->lock);
	for (unsigned int order = min_order; order < NR_PAGE_ORDERS; order++) {
		struct free_area *area = &zone->free_area[order];
		for (int mt = 0; mt < MIGRATE_TYPES_MAX; mt++) {
			struct page *page;
			list_for_each_entry(page, &area->free_list[mt], lru) {
				size_t len = PAGE_SIZE << order;
				if (!madvise(lowmem_page_address(page), len, advice))
					bytes += len;
			}
		}
	}
	spin_unlock(&zone->lock);
	return bytes;
}

size_t nmm_release_free_memory(unsigned int min_order)
{
	if (!nmm_booted())
		return 0;
	if (min_order >= NR_PAGE_ORDERS)
		min_order = NR_PAGE_ORDERS - 1;
	drain_all_pages(NULL);                     /* pcp pages back to the buddy lists first */
	size_t bytes = 0;
	int nid;
	for_each_online_node(nid) {
		struct nmm_node_info info;
		if (nmm_node_info(nid, &info))
			continue;
		int advice = info.backing == NMM_BACKING_THP ? MADV_DONTNEED :
			     info.backing == NMM_BACKING_SHMEM ? MADV_REMOVE : -1;
		if (advice < 0)
			continue;
		struct zone *zone;
		for_each_zone_in_node(zone, NODE_DATA(nid))
			if (zone_managed_pages(zone) && zone_idx(zone) != ZONE_HIGHMEM)
				bytes += release_zone(zone, min_order, advice);
	}
	return bytes;
}

/* fork with threads (lib/slab/slub_fork.c has the order): every zone's lock around fork. */
static void zones_lock(bool lock)
{
	int nid;
	for_each_online_node(nid) {
		struct zone *zone;
		for_each_zone_in_node(zone, NODE_DATA(nid)) {
			if (lock)
				spin_lock(&zone->lock);
			else
				spin_unlock(&zone->lock);
		}
	}
}

void slab_fork_prepare(void);
void slab_meta_fork_lock(bool lock);   /* lib/slab/slab_meta.c */
void slab_fork_parent(void);
void slab_fork_child(void);

void nmm_fork_prepare(void)
{
	if (!nmm_booted())
		return;
	slab_fork_prepare();
	nmm_deferred_fork_lock(true);   /* its holder takes zone and pcp locks: before them */
	zones_lock(true);
	slab_meta_fork_lock(true);      /* a leaf */
}

void nmm_fork_parent(void)
{
	if (!nmm_booted())
		return;
	slab_meta_fork_lock(false);
	zones_lock(false);
	nmm_deferred_fork_lock(false);
	slab_fork_parent();
}

void nmm_fork_child(void)
{
	if (!nmm_booted())
		return;
	slab_meta_fork_lock(false);
	zones_lock(false);
	nmm_deferred_fork_lock(false);
	slab_fork_child();
}
