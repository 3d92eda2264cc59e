/* kswapd_reclaims_to_high: when an allocation finds a zone below its low watermark it wakes the
 * node's kswapd thread, which runs the shrinkers in the background (with GFP_KERNEL) until the
 * node's zones are above their high watermark again — without the allocating thread reclaiming. */
#include <numamm/linux/shrinker.h>
#include <time.h>

#include "pa_test.h"

#define CACHE 40000
static struct page *cache[CACHE];
static int ncache;
static gfp_t mask_seen;

static unsigned long count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return (unsigned long)__atomic_load_n(&ncache, __ATOMIC_RELAXED);
}

static unsigned long scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	mask_seen = sc->gfp_mask;
	unsigned long freed = 0;
	while (freed < sc->nr_to_scan && ncache) {
		__free_page(cache[--ncache]);
		freed++;
	}
	return freed;
}

static struct shrinker shr = { .count_objects = count, .scan_objects = scan };

int main(void)
{
	REQUIRE(nmm_boot("memmap=64M@0x100000000 watermark_scale_factor=200") == 0);
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	/* Fill to just below low without waking anyone: GFP_ATOMIC without KSWAPD_RECLAIM... use
	 * __GFP_HIGH only (no reclaim flags at all). */
	while (ncache < CACHE && zone_free(z) > low_wmark_pages(z) - 16 &&
	       (cache[ncache] = alloc_page(__GFP_HIGH | __GFP_NOWARN)))
		ncache++;
	REQUIRE(zone_free(z) < low_wmark_pages(z));
	REQUIRE(register_shrinker(&shr, "kswapd-test") == 0);
	unsigned long wakes = nmm_reclaim_stat_kswapd_wakes, direct = nmm_reclaim_stat_direct;
	struct page *p = alloc_page(GFP_KERNEL);   /* below low: slow path wakes kswapd */
	REQUIRE(p);
	CHECK(__atomic_load_n(&nmm_reclaim_stat_kswapd_wakes, __ATOMIC_RELAXED) > wakes);
	/* Wait (at most 5 s) for kswapd to bring the zone above high. */
	for (int i = 0; i < 500 && zone_free(z) < high_wmark_pages(z); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	CHECK(zone_free(z) >= high_wmark_pages(z));
	CHECK(__atomic_load_n(&nmm_reclaim_stat_kswapd, __ATOMIC_RELAXED) > 0);
	CHECK_EQ(__atomic_load_n(&nmm_reclaim_stat_direct, __ATOMIC_RELAXED), direct);    /* the allocating thread did not reclaim */
	CHECK_EQ(mask_seen & GFP_KERNEL, GFP_KERNEL);
	unregister_shrinker(&shr);
	__free_page(p);
	while (ncache)
		__free_page(cache[--ncache]);
	CHECK(all_zones_valid());
	nmm_shutdown();   /* stops kswapd */
	return test_done();
}
