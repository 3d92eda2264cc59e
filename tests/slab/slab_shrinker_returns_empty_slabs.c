/* Under memory pressure, reclaim's shrinkers include the slab shrinker: after many objects are
 * allocated and freed, it reports the empty slabs' pages as reclaimable and shrink_slab gives
 * them back to the page allocator without kmem_cache_shrink. */
#include <numamm/linux/shrinker.h>

#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("shrinkme", 512, 0, 0, NULL);
	REQUIRE(s);
	enum { N = 8000 };                     /* ~4 MiB of objects */
	static void *o[N];
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	for (int i = 0; i < N; i++)
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, o[i]);
	drain_all_pages(NULL);
	unsigned long free1 = nr_free_pages();
	unsigned long held = free0 > free1 ? free0 - free1 : 0;
	unsigned long freed = 0;
	for (int prio = 12; prio >= 0; prio--)
		freed += shrink_slab(GFP_KERNEL, 0, prio);
	drain_all_pages(NULL);
	unsigned long free2 = nr_free_pages();
	fprintf(stderr, "held %lu pages after free, shrinkers freed %lu, free pages %lu -> %lu -> %lu\n",
		held, freed, free0, free1, free2);
	if (strcmp(slab_test_backend(), "slob")) {
		/* SLUB/SLAB keep some empty slabs (min_partial, free_limit) until reclaim asks. */
		CHECK(free2 > free1 || held < 16);
		CHECK(free0 - free2 < 64);      /* what is left: per-CPU/partial minimum, metadata */
	} else {
		CHECK(free0 - free2 < 64);      /* SLOB gives pages back as soon as they are empty */
	}
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
