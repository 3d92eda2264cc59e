/* tools/soak/soak_check.c - the soak's invariant walks and its memory accounting.
 *
 * soak_check_all() runs every layer's *_is_valid walker (zones' free lists, each cache's slabs,
 * the vmap areas, memblock) with the workers parked (the checker holds soak_quiesce for writing).
 * soak_settle() gives back what numamm keeps cached on purpose - pcp lists and magazines, empty
 * slabs, lazily freed vmalloc areas, vmalloc pool blocks - so that two snapshots taken with
 * nothing allocated by the soak must be equal: free pages per zone, active slab objects, slab
 * pages and vmalloc areas. Any difference is memory the soak lost somewhere.
 */
#include <numamm/linux/memblock.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>

#include "page_alloc/internal.h"
#include "slab/slab.h"
#include "vmalloc/internal.h"

#include "soak.h"

unsigned long soak_checks_done;

bool soak_check_all(const char *when)
{
	bool ok = true;
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone) && !nmm_zone_is_valid(zone, stderr)) {
				soak_fail("%s: zone %s of node %d fails nmm_zone_is_valid", when, zone->name, nid);
				ok = false;
			}
		}
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		if (!s->ops->is_valid(s, stderr)) {
			soak_fail("%s: cache %s fails its back end's is_valid", when, s->name);
			ok = false;
		}
	pthread_mutex_unlock(&slab_mutex);
	if (!nmm_vmap_area_is_valid(stderr)) {
		soak_fail("%s: the vmap areas fail nmm_vmap_area_is_valid", when);
		ok = false;
	}
	if (!nmm_memblock_is_valid()) {
		soak_fail("%s: memblock fails nmm_memblock_is_valid", when);
		ok = false;
	}
	soak_checks_done++;
	return ok;
}

void soak_settle(void)
{
	soak_shrink_cache_drop();
	if (slab_ops && slab_ops->thread_flush)
		slab_ops->thread_flush();
	vm_unmap_aliases();
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	pthread_mutex_unlock(&slab_mutex);
	/* Shrinking may free vmalloc'ed metadata and the other way round: once more, in order. */
	vm_unmap_aliases();
	nmm_vmalloc_pool_shrink();
	drain_all_pages(NULL);
}

void soak_snapshot_take(struct soak_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	for (int nid = 0; nid < nr_node_ids && nid < 64; nid++) {
		for (int z = 0; z < MAX_NR_ZONES && z < 8; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone))
				snap->zone_free[nid][z] = zone_page_state(zone, NR_FREE_PAGES);
		}
		snap->slab_pages += nmm_slab_pages(nid, false) + nmm_slab_pages(nid, true);
	}
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si = { 0 };
		s->ops->get_info(s, &si);
		snap->slab_objects += si.active_objs;
		snap->nr_caches++;
		if (s->id < 256) {
			snap->cache_active[s->id] = si.active_objs;
			snprintf(snap->cache_name[s->id], sizeof(snap->cache_name[0]), "%s", s->name);
		}
	}
	pthread_mutex_unlock(&slab_mutex);
	struct nmm_vmalloc_stats vs;
	if (!nmm_vmalloc_stats(&vs)) {
		snap->vmalloc_areas = vs.busy_areas + vs.lazy_areas;
		snap->vmalloc_pages = vs.busy_pages + vs.lazy_pages;
		snap->vmalloc_pool_pages = vs.pool_pages;
	}
}

bool soak_snapshot_same(const struct soak_snapshot *a, const struct soak_snapshot *b)
{
	bool same = true;
	for (int nid = 0; nid < nr_node_ids && nid < 64; nid++)
		for (int z = 0; z < MAX_NR_ZONES && z < 8; z++)
			if (a->zone_free[nid][z] != b->zone_free[nid][z]) {
				soak_fail("node %d zone %s: %ld free pages at the start, %ld at the end (%+ld)", nid,
					  NODE_DATA(nid)->node_zones[z].name, a->zone_free[nid][z],
					  b->zone_free[nid][z], b->zone_free[nid][z] - a->zone_free[nid][z]);
				same = false;
			}
#define SAME(field, what)                                                                         \
	if (a->field != b->field) {                                                               \
		soak_fail("%s: %lu at the start, %lu at the end", what, (unsigned long)a->field,   \
			  (unsigned long)b->field);                                               \
		same = false;                                                                     \
	}
	SAME(slab_objects, "active slab objects");
	for (int id = 0; id < 256; id++)
		if (a->cache_active[id] != b->cache_active[id])
			fprintf(stderr, "numamm-soak: cache %s: %lu active objects at the start, %lu at the end\n",
				b->cache_name[id][0] ? b->cache_name[id] : a->cache_name[id], a->cache_active[id],
				b->cache_active[id]);
	SAME(slab_pages, "slab pages");
	SAME(nr_caches, "slab caches");
	SAME(vmalloc_areas, "vmalloc areas");
	SAME(vmalloc_pages, "vmalloc pages");
	SAME(vmalloc_pool_pages, "vmalloc pool pages");
#undef SAME
	return same;
}
