/* lib/page_alloc/reclaim.c - reclaim: shrinkers, direct reclaim and kswapd (mm/vmscan.c:
 * shrink_slab, do_shrink_slab, try_to_free_pages, kswapd/balance_pgdat).
 *
 * numamm has no page cache or anonymous memory to evict: what can be reclaimed is what the
 * registered shrinkers give back (slab caches' empty slabs, users' caches). Each shrinker is
 * asked for (freeable >> priority) * 4 / seeks objects per pass, in batches, at priorities 12
 * down to 0 until the allocation can succeed. The reclaiming thread is marked (like the kernel's
 * PF_MEMALLOC) so allocations made by shrinkers neither recurse into reclaim nor fail on
 * watermarks. kswapd: one thread per node, started on first wake, woken when a zone falls below
 * its low watermark, reclaiming until the node's zones are above high.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/shrinker.h>

#include "internal.h"

#define DEF_PRIORITY 12
#define SHRINK_BATCH 128

static LIST_HEAD(shrinker_list);
static pthread_mutex_t shrinker_lock = PTHREAD_MUTEX_INITIALIZER;
__thread int nmm_in_reclaim;

unsigned long nmm_reclaim_stat_direct, nmm_reclaim_stat_kswapd, nmm_reclaim_stat_kswapd_wakes;

int register_shrinker(struct shrinker *s, const char *fmt, ...)
{
	if (!s || !s->count_objects || !s->scan_objects)
		return -EINVAL;
	pthread_mutex_lock(&shrinker_lock);
	if (s->flags & SHRINKER_REGISTERED) {
		pthread_mutex_unlock(&shrinker_lock);
		return -EINVAL;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->name, sizeof(s->name), fmt ? fmt : "shrinker", ap);
	va_end(ap);
	if (!s->seeks)
		s->seeks = DEFAULT_SEEKS;
	s->nr_deferred = 0;
	s->flags |= SHRINKER_REGISTERED;
	list_add_tail(&s->list, &shrinker_list);
	pthread_mutex_unlock(&shrinker_lock);
	return 0;
}

void unregister_shrinker(struct shrinker *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&shrinker_lock);
	if (s->flags & SHRINKER_REGISTERED) {
		list_del(&s->list);
		s->flags &= ~SHRINKER_REGISTERED;
	}
	pthread_mutex_unlock(&shrinker_lock);
}

static unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *s, int priority)
{
	unsigned long freeable = s->count_objects(s, sc);
	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return 0;
	unsigned long delta = (freeable >> priority) * 4 / (unsigned long)s->seeks;
	if (!delta && priority == 0)
		delta = freeable;
	unsigned long total = delta + (unsigned long)s->nr_deferred, freed = 0;
	if (total > freeable * 2)
		total = freeable * 2;
	unsigned long batch = s->batch > 0 ? (unsigned long)s->batch : SHRINK_BATCH;
	while (total >= batch || (total && total >= freeable)) {
		unsigned long n = total < batch ? total : batch;
		sc->nr_to_scan = n;
		sc->nr_scanned = n;
		unsigned long r = s->scan_objects(s, sc);
		if (r == SHRINK_STOP)
			break;
		freed += r;
		total -= sc->nr_scanned < total ? sc->nr_scanned : total;
	}
	/* What could not be scanned now (too small for a batch) is remembered for next time. */
	s->nr_deferred = (long)(total < freeable ? total : freeable);
	return freed;
}

static void (*reclaim_idle_flush)(void);   /* under shrinker_lock */

void nmm_reclaim_set_idle_flush(void (*fn)(void))
{
	pthread_mutex_lock(&shrinker_lock);
	reclaim_idle_flush = fn;
	pthread_mutex_unlock(&shrinker_lock);
}

/* kswapd after a pass: the frees its shrinkers made sit in its own caches; give them back. */
static void reclaim_thread_idle(void)
{
	pthread_mutex_lock(&shrinker_lock);
	if (reclaim_idle_flush)
		reclaim_idle_flush();
	pthread_mutex_unlock(&shrinker_lock);
}

unsigned long shrink_slab(gfp_t gfp_mask, int nid, int priority)
{
	unsigned long freed = 0;
	int was = nmm_in_reclaim;
	nmm_in_reclaim = 1;
	pthread_mutex_lock(&shrinker_lock);
	struct shrinker *s;
	list_for_each_entry(s, &shrinker_list, list) {
		struct shrink_control sc = { .gfp_mask = gfp_mask, .nid = (s->flags & SHRINKER_NUMA_AWARE) ? nid : 0 };
		freed += do_shrink_slab(&sc, s, priority);
	}
	pthread_mutex_unlock(&shrinker_lock);
	nmm_in_reclaim = was;
	return freed;
}

static bool node_ok_for(int nid, unsigned int order, int wmark)
{
	pg_data_t *pg = NODE_DATA(nid);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pg->node_zones[z];
		if (populated_zone(zone) &&
		    zone_watermark_ok(zone, order, wmark_pages(zone, wmark), z, 0, zone_page_state(zone, NR_FREE_PAGES)))
			return true;
	}
	return false;
}

unsigned long nmm_direct_reclaim(gfp_t gfp, int nid, unsigned int order)
{
	if (nmm_in_reclaim)
		return 0;   /* a shrinker allocating: no recursion */
	unsigned long freed = 0;
	for (int prio = DEF_PRIORITY; prio >= 0; prio--) {
		freed += shrink_slab(gfp, nid, prio);
		drain_all_pages(NULL);
		if (freed && node_ok_for(nid, order, WMARK_MIN))
			break;
	}
	__atomic_fetch_add(&nmm_reclaim_stat_direct, freed, __ATOMIC_RELAXED);
	return freed;
}

/* kswapd: one thread per node, started on first need. */
struct kswapd {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool started, stop, pending;
	unsigned int order;
};
static struct kswapd kswapds[MAX_NUMNODES];
static pthread_mutex_t kswapd_start_lock = PTHREAD_MUTEX_INITIALIZER;

static bool node_balanced(int nid)
{
	pg_data_t *pg = NODE_DATA(nid);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pg->node_zones[z];
		if (populated_zone(zone) && zone_page_state(zone, NR_FREE_PAGES) < (long)high_wmark_pages(zone))
			return false;
	}
	return true;
}

static void *kswapd_main(void *arg)
{
	int nid = (int)(long)arg;
	struct kswapd *k = &kswapds[nid];
	nmm_in_reclaim = 1;
	pthread_mutex_lock(&k->lock);
	for (;;) {
		while (!k->pending && !k->stop)
			pthread_cond_wait(&k->wake, &k->lock);
		if (k->stop)
			break;
		k->pending = false;
		pthread_mutex_unlock(&k->lock);
		unsigned long freed = 0;
		for (int prio = DEF_PRIORITY; prio >= 0 && !node_balanced(nid); prio--) {
			nmm_in_reclaim = 0;   /* shrink_slab sets it itself */
			freed += shrink_slab(GFP_KERNEL, nid, prio);
			nmm_in_reclaim = 1;
			drain_all_pages(NULL);
		}
		__atomic_fetch_add(&nmm_reclaim_stat_kswapd, freed, __ATOMIC_RELAXED);
		reclaim_thread_idle();
		drain_all_pages(NULL);   /* the slabs that flush freed: out of our magazines too */
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	(void)gfp;
	(void)highest_zoneidx;
	if (zone_page_state(zone, NR_FREE_PAGES) > (long)low_wmark_pages(zone))
		return;
	int nid = zone->node;
	struct kswapd *k = &kswapds[nid];
	if (!__atomic_load_n(&k->started, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&kswapd_start_lock);
		if (!k->started) {
			pthread_mutex_init(&k->lock, NULL);
			pthread_cond_init(&k->wake, NULL);
			k->stop = k->pending = false;
			if (pthread_create(&k->thread, NULL, kswapd_main, (void *)(long)nid) == 0) {
				char name[16];
				snprintf(name, sizeof(name), "kswapd%d", nid);
				pthread_setname_np(k->thread, name);
				__atomic_store_n(&k->started, true, __ATOMIC_RELEASE);
			}
		}
		pthread_mutex_unlock(&kswapd_start_lock);
		if (!k->started)
			return;
	}
	pthread_mutex_lock(&k->lock);
	k->pending = true;
	k->order = order;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
	__atomic_fetch_add(&nmm_reclaim_stat_kswapd_wakes, 1, __ATOMIC_RELAXED);
}

void nmm_kswapd_stop_all(void)
{
	pthread_mutex_lock(&kswapd_start_lock);
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kswapd *k = &kswapds[nid];
		if (!k->started)
			continue;
		pthread_mutex_lock(&k->lock);
		k->stop = true;
		pthread_cond_signal(&k->wake);
		pthread_mutex_unlock(&k->lock);
		pthread_join(k->thread, NULL);
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->wake);
		__atomic_store_n(&k->started, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&kswapd_start_lock);
}
