/* lib/stats/slab_reports.c - the slab layer's reports: /proc/slabinfo (version 2.1, the format
 * of mm/slab_common.c cache_show) and per-cache back-end statistics (SLUB's
 * /sys/kernel/slab/<cache>/ counters, SLAB's STATS columns). */
#include <errno.h>

#include "../slab/slab.h"
#include "stats.h"

static void slabinfo_line(struct kmem_cache *s, FILE *out)
{
	struct slabinfo si = { 0 };
	s->ops->get_info(s, &si);
	fprintf(out, "%-17s %6lu %6lu %6u %4u %4d", s->name, si.active_objs, si.num_objs, s->size,
		si.objects_per_slab, 1 << si.cache_order);
	fprintf(out, " : tunables %4u %4u %4u", si.limit, si.batchcount, si.shared);
	fprintf(out, " : slabdata %6lu %6lu %6lu\n", si.active_slabs, si.num_slabs, si.shared_avail);
}

int nmm_report_slabinfo(FILE *out)
{
	fprintf(out, "slabinfo - version: 2.1\n");
	fprintf(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		     " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
		     " <sharedavail>\n");
	pthread_mutex_lock(&slab_mutex);
	struct kmem_cache *s;
	/* Newest first, as the kernel lists them. */
	list_for_each_entry_reverse(s, &slab_caches, list)
		slabinfo_line(s, out);
	pthread_mutex_unlock(&slab_mutex);
	return 0;
}

int nmm_report_slabstats(FILE *out)
{
	fprintf(out, "slab allocator: %s\n", slab_ops ? slab_ops->name : "(none)");
	pthread_mutex_lock(&slab_mutex);
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list) {
		fprintf(out, "%s: object_size %u size %u align %u order %u objects %u flags %#x%s%s "
			"alloc_fail %lu\n", s->name, s->object_size, s->size, s->align, s->order, s->objects,
			s->flags, s->refcount > 1 ? " merged" : "", s->dead ? " dead" : "", s->alloc_fail);
		if (s->flags & SLAB_DEBUG_FLAGS)
			fprintf(out, "  debug: reports %lu, corrupted objects kept out %lu\n",
				slab_debug_reports(s), slab_debug_leaked(s));
		if (s->ops->print_stats)
			s->ops->print_stats(s, out);
	}
	pthread_mutex_unlock(&slab_mutex);
	for (int nid = 0; nid < NMM_MAX_NODES; nid++) {
		unsigned long r = nmm_slab_pages(nid, true), u = nmm_slab_pages(nid, false);
		if (r || u)
			fprintf(out, "node %d: slab pages reclaimable %lu unreclaimable %lu\n", nid, r, u);
	}
	return 0;
}
