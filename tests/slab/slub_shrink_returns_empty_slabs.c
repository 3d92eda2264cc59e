/* slub_shrink_returns_empty_slabs - objects allocated on every CPU and freed leave empty slabs
 * on CPUs (active and partial) and nodes (up to min_partial); kmem_cache_shrink flushes every
 * CPU's structures, even those of CPUs the caller does not run on, and gives every empty slab
 * back: nr_free_pages() comes back to where it was. Without shrinking, the empty slabs the
 * cache keeps are bounded by min_partial per node plus the CPUs' partial lists.
 */
#include "slub_test.h"

#define N 20000

int main(void)
{
	slub_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("slub-shrink", 256, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	static void *o[N];
	int cpus[8], ncpu = slub_allowed_cpus(cpus, 8);
	unsigned long free0 = slub_free_pages();
	for (int i = 0; i < N; i++) {
		if (ncpu > 1 && i % 1000 == 0)
			slub_pin(cpus[(i / 1000) % ncpu]);
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	}
	unsigned long held = free0 - slub_free_pages();
	CHECK(held >= (unsigned long)N * 256 / PAGE_SIZE);
	for (int i = 0; i < N; i++) {
		if (ncpu > 1 && i % 700 == 0)
			slub_pin(cpus[(i / 700 + 1) % ncpu]);
		kmem_cache_free(s, o[i]);
	}
	unsigned long free1 = slub_free_pages();
	/* Kept: min_partial empty slabs per node, the CPUs' active and partial slabs. */
	unsigned long kept_max = ((unsigned long)s->min_partial + (unsigned long)ncpu *
				  (1 + slub_priv(s)->cpu_partial_slabs)) << s->order;
	CHECK(free0 - free1 <= kept_max + 8);
	CHECK(slub_slabs(s) > 0);
	if (ncpu > 1)
		slub_pin(cpus[0]);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	unsigned long free2 = slub_free_pages();
	fprintf(stderr, "free pages: %lu before, %lu held, %lu after free, %lu after shrink\n", free0, held,
		free1, free2);
	CHECK(free2 >= free0 - 2);                     /* metadata of the cache aside */
	CHECK(s->ops->is_valid(s, stderr));
	CHECK(slub_stat_total(s, FREE_SLAB) > 0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
