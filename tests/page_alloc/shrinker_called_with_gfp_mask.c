/* shrinker_called_with_gfp_mask: when memory runs out, a GFP_KERNEL allocation runs the
 * registered shrinkers (direct reclaim) with its own mask and succeeds with what they freed;
 * under GFP_NOFS the shrinker sees no __GFP_FS and may refuse (SHRINK_STOP); GFP_NOWAIT and
 * GFP_ATOMIC never call shrinkers themselves; unregister_shrinker stops the calls. */
#include <pthread.h>
#include <numamm/linux/shrinker.h>

#include "pa_test.h"

#define CACHE 40000
static struct page *cache[CACHE];
static int ncache;
static gfp_t last_mask;
static int scans;
static bool needs_fs = true;
static pthread_t test_thread;

static unsigned long count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return (unsigned long)ncache;
}

static unsigned long scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	/* kswapd (woken by GFP_NOWAIT below) may call us too: record the test thread's calls. */
	if (!pthread_equal(pthread_self(), test_thread))
		return SHRINK_STOP;
	last_mask = sc->gfp_mask;
	scans++;
	if (needs_fs && !(sc->gfp_mask & __GFP_FS))
		return SHRINK_STOP;
	unsigned long freed = 0;
	while (freed < sc->nr_to_scan && ncache) {
		__free_page(cache[--ncache]);
		freed++;
	}
	return freed;
}

static struct shrinker shr = { .count_objects = count, .scan_objects = scan, .seeks = DEFAULT_SEEKS };

/* The masks without __GFP_KSWAPD_RECLAIM: only this thread's direct reclaim may run the
 * shrinker here, never a kswapd woken in the background. */
#define NO_KSWAPD(gfp) ((gfp) & ~__GFP_KSWAPD_RECLAIM)

int main(void)
{
	test_thread = pthread_self();
	REQUIRE(nmm_boot("memmap=96M@0x100000000") == 0);
	/* Fill memory: half into the shrinkable cache, the rest held by the test. */
	static struct page *held[40000];
	int nheld = 0;
	while (ncache < CACHE && (cache[ncache] = alloc_page(NO_KSWAPD(GFP_KERNEL) | __GFP_NOWARN | __GFP_NORETRY)))
		ncache++;
	REQUIRE(ncache < CACHE);   /* memory ran out before the cache filled */
	/* Give half the cache back to the test's own hold, so memory stays full. */
	while (ncache > CACHE / 4 && nheld < 40000)
		held[nheld++] = cache[--ncache];
	/* Registered only now: while filling, reclaim would have emptied the cache we fill. */
	CHECK_EQ(register_shrinker(&shr, "test-cache-%d", 1), 0);
	CHECK_EQ(register_shrinker(&shr, "twice"), -EINVAL);
	CHECK(!strcmp(shr.name, "test-cache-1"));

	/* GFP_NOFS: the shrinker is called without __GFP_FS and refuses. */
	scans = 0;
	int have = ncache;
	struct page *p = alloc_page(NO_KSWAPD(GFP_NOFS) | __GFP_NOWARN | __GFP_NORETRY);
	CHECK(scans > 0);
	CHECK_EQ(last_mask & __GFP_FS, 0);
	CHECK_EQ(last_mask & NO_KSWAPD(GFP_NOFS), NO_KSWAPD(GFP_NOFS));
	CHECK_EQ(ncache, have);
	CHECK(p == NULL);

	/* GFP_KERNEL: called with GFP_KERNEL, frees, and the allocation succeeds. */
	scans = 0;
	p = alloc_page(NO_KSWAPD(GFP_KERNEL) | __GFP_NOWARN);
	CHECK(scans > 0);
	CHECK_EQ(last_mask & NO_KSWAPD(GFP_KERNEL), NO_KSWAPD(GFP_KERNEL));
	CHECK(ncache < have);
	CHECK(p != NULL);
	if (p)
		__free_page(p);

	/* GFP_NOWAIT: never reclaims directly (it may wake kswapd, which runs on its own thread). */
	scans = 0;
	p = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
	CHECK_EQ(scans, 0);
	if (p)
		__free_page(p);

	/* Unregistered: no more calls. */
	unregister_shrinker(&shr);
	scans = 0;
	while ((held[nheld] = alloc_page(NO_KSWAPD(GFP_KERNEL) | __GFP_NOWARN | __GFP_NORETRY)) && nheld < 39999)
		nheld++;
	CHECK_EQ(scans, 0);
	while (nheld--)
		__free_page(held[nheld]);
	while (ncache)
		__free_page(cache[--ncache]);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
