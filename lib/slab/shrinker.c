/* lib/slab/shrinker.c - the slab shrinker: under memory pressure (direct reclaim or kswapd,
 * lib/page_alloc/reclaim.c) every cache gives its empty slabs back to the page allocator.
 *
 * The kernel's SLAB reaped its caches from a timer and SLUB keeps min_partial slabs per node;
 * here reclaim asks through a registered shrinker, counting in pages: count_objects is the
 * pages empty slabs hold, scan_objects frees whole caches' empty slabs until nr_to_scan pages
 * went back. Reclaim may run in a thread that is inside a cache's slow path, so this never
 * waits for slab_mutex (a create/destroy in progress just means: nothing to give this time).
 */
#include <numamm/linux/shrinker.h>

#include "slab.h"

static unsigned long slab_shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	(void)sc;
	if (pthread_mutex_trylock(&slab_mutex))
		return 0;
	unsigned long pages = 0;
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list)
		if (s->ops->reclaimable_pages)
			pages += s->ops->reclaimable_pages(s);
	pthread_mutex_unlock(&slab_mutex);
	return pages;
}

static unsigned long slab_shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	if (pthread_mutex_trylock(&slab_mutex))
		return SHRINK_STOP;
	unsigned long freed = 0;
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list) {
		if (freed >= sc->nr_to_scan)
			break;
		if (s->ops->reclaimable_pages && !s->ops->reclaimable_pages(s))
			continue;
		freed += s->ops->shrink(s, false);
	}
	pthread_mutex_unlock(&slab_mutex);
	return freed;
}

static struct shrinker slab_shrinker = {
	.count_objects = slab_shrink_count,
	.scan_objects = slab_shrink_scan,
	.seeks = DEFAULT_SEEKS,
	.batch = 32,
};

/* kswapd's shrinkers free objects into kswapd's own per-thread caches (without rseq), which
 * nobody else may flush while the thread lives: it flushes them itself after each pass. */
static void slab_reclaim_idle(void)
{
	if (slab_ops && slab_ops->thread_flush)
		slab_ops->thread_flush();
}

int slab_shrinker_register(void)
{
	int e = register_shrinker(&slab_shrinker, "slab");
	if (!e)
		nmm_reclaim_set_idle_flush(slab_reclaim_idle);
	return e;
}

void slab_shrinker_unregister(void)
{
	nmm_reclaim_set_idle_flush(NULL);
	unregister_shrinker(&slab_shrinker);
}
