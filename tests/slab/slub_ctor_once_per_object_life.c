/* slub_ctor_once_per_object_life - a constructor runs on every object of a new slab, once: not
 * again when the object is freed and allocated again (SLUB keeps the free pointer after the
 * object, so what the constructor set up survives the free), and again only for objects of
 * slabs made after the old ones went back to the page allocator.
 */
#include "slub_test.h"

#define N 2000

struct thing {
	unsigned long magic;
	unsigned long generation;
	char payload[48];
};

static unsigned long ctor_calls;

static void thing_ctor(void *p)
{
	struct thing *t = p;
	t->magic = 0xC0FFEE;
	t->generation = 0;
	__atomic_fetch_add(&ctor_calls, 1, __ATOMIC_RELAXED);
}

int main(void)
{
	slub_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("slub-ctor", sizeof(struct thing), 0, SLAB_NO_USER_FLAGS,
						 thing_ctor);
	REQUIRE(s);
	REQUIRE(s->offset >= sizeof(struct thing));       /* free pointer outside the object */
	static struct thing *o[N];
	for (int i = 0; i < N; i++) {
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		CHECK_EQ(o[i]->magic, 0xC0FFEE);
		CHECK_EQ(o[i]->generation, 0);
		o[i]->generation = 1;                       /* the user's change survives a free */
	}
	/* Every object of every slab made so far was constructed, exactly once. */
	unsigned long slabs = slub_stat_total(s, ALLOC_SLAB);
	CHECK(slabs > 0);
	CHECK_EQ(ctor_calls, slabs * s->objects);
	CHECK_EQ(slub_slabs(s), (long)slabs);
	unsigned long calls = ctor_calls;
	/* Every other object freed and allocated again: no slab empties, none is made. Objects
	 * come back as the user left them (generation 1), except those never handed out yet. */
	unsigned long never = slabs * s->objects - N;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i += 2)
			kmem_cache_free(s, o[i]);
		unsigned long fresh = 0;
		for (int i = 0; i < N; i += 2) {
			REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
			CHECK_EQ(o[i]->magic, 0xC0FFEE);
			CHECK(o[i]->generation <= 1);
			fresh += o[i]->generation == 0;
			o[i]->generation = 1;
		}
		CHECK(fresh <= never);
		never -= fresh;
	}
	CHECK_EQ(ctor_calls, calls);                   /* nothing constructed again */
	/* All freed: empty slabs beyond min_partial go back; allocating again makes new slabs,
	 * whose objects (and only those) are constructed. */
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, o[i]);
	unsigned long fresh = 0, left = never;
	for (int i = 0; i < N; i++) {
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		CHECK_EQ(o[i]->magic, 0xC0FFEE);
		fresh += o[i]->generation == 0;
	}
	unsigned long new_slabs = slub_stat_total(s, ALLOC_SLAB) - slabs;
	CHECK_EQ(ctor_calls - calls, new_slabs * s->objects);
	CHECK(fresh <= ctor_calls - calls + left);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, o[i]);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	calls = ctor_calls;
	struct thing *t = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(t);
	CHECK_EQ(t->generation, 0);                  /* a new slab: constructed afresh */
	CHECK_EQ(ctor_calls - calls, s->objects);
	kmem_cache_free(s, t);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
