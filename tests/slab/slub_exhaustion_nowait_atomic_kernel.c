/* slub_exhaustion_nowait_atomic_kernel - on a small machine (mem=64M) allocating until the
 * page allocator says no, with GFP_NOWAIT, GFP_ATOMIC and GFP_KERNEL in turn (and two object
 * sizes: order-0 and order-3 slabs, whose fallback to a smaller order is taken), returns NULL
 * cleanly: no crash, the cache stays valid, every object allocated before keeps its contents,
 * and once they are freed and the cache shrunk the free page count is back where it started.
 */
#include "slub_test.h"

#define MAXOBJ 600000

static void *objs[MAXOBJ];

static void exhaust(struct kmem_cache *s, gfp_t gfp, const char *name)
{
	unsigned long free0 = slub_free_pages();
	long n = 0;
	unsigned int sz = s->object_size;
	while (n < MAXOBJ) {
		void *o = kmem_cache_alloc(s, gfp | __GFP_NOWARN);
		if (!o)
			break;
		slub_stamp(o, sz < 64 ? sz : 64, (uint64_t)n);
		objs[n++] = o;
	}
	CHECK(n < MAXOBJ);                              /* it did run out */
	/* Failing again is as clean. */
	void *again = kmem_cache_alloc(s, gfp | __GFP_NOWARN);
	CHECK(again == NULL);
	if (again)
		kmem_cache_free(s, again);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), n);
	for (long i = 0; i < n; i++) {
		CHECK(slub_stamped(objs[i], sz < 64 ? sz : 64, (uint64_t)i));
		kmem_cache_free(s, objs[i]);
	}
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	unsigned long free1 = slub_free_pages();
	fprintf(stderr, "%s %s: %ld objects, free pages %lu -> %lu\n", s->name, name, n, free0, free1);
	CHECK(free1 + 2 >= free0);
	CHECK(s->ops->is_valid(s, stderr));
}

int main(void)
{
	slub_boot("mem=64M");
	struct kmem_cache *small = kmem_cache_create("slub-exhaust-256", 256, 0, SLAB_NO_USER_FLAGS, NULL);
	struct kmem_cache *big = kmem_cache_create("slub-exhaust-3000", 3000, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(small && big);
	CHECK(big->order > 0);
	static const struct {
		gfp_t gfp;
		const char *name;
	} modes[] = { { GFP_NOWAIT, "GFP_NOWAIT" }, { GFP_ATOMIC, "GFP_ATOMIC" }, { GFP_KERNEL, "GFP_KERNEL" } };
	for (unsigned int m = 0; m < 3; m++) {
		exhaust(small, modes[m].gfp, modes[m].name);
		exhaust(big, modes[m].gfp, modes[m].name);
	}
	kmem_cache_destroy(small);
	kmem_cache_destroy(big);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
