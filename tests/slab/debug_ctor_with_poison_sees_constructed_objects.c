/* A cache with a constructor and SLAB_POISON: freeing poisons the object (its constructed state
 * is gone while it is free), so debug runs the constructor again after the allocation fill.
 * Expect every allocation, first or after a free, to see a constructed object, and the freed
 * object to really be poisoned meanwhile. With red zones too, under every back end. */
#include "debug_test.h"

struct thing {
	unsigned long magic;
	struct list_head node;     /* constructed: an empty list, pointing at itself */
	unsigned char payload[80];
};
#define THING_MAGIC 0xC0FFEE15C0FFEE15UL

static void thing_ctor(void *p)
{
	struct thing *t = p;
	t->magic = THING_MAGIC;
	INIT_LIST_HEAD(&t->node);
	memset(t->payload, 0, sizeof(t->payload));
}

static bool constructed(const struct thing *t)
{
	if (t->magic != THING_MAGIC || t->node.next != &t->node || t->node.prev != &t->node)
		return false;
	for (size_t i = 0; i < sizeof(t->payload); i++)
		if (t->payload[i])
			return false;
	return true;
}

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("ctor_poison", sizeof(struct thing), 0,
						 SLAB_POISON | SLAB_RED_ZONE, thing_ctor);
	REQUIRE(s);
	enum { N = 300 };
	struct thing *t[N];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			REQUIRE((t[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
			CHECK(constructed(t[i]));
			t[i]->magic = 0;                       /* the user changes everything */
			memset(t[i]->payload, 0xee, sizeof(t[i]->payload));
			t[i]->node.next = t[i]->node.prev = NULL;
		}
		for (int i = 0; i < N; i++)
			kmem_cache_free(s, t[i]);
		/* The last freed object is in the quarantine: poisoned, not constructed. */
		const unsigned char *b = (const unsigned char *)t[N - 1];
		CHECK(b[0] == 0x6b && b[sizeof(struct thing) - 1] == 0xa5);
		if (round == 1)
			kmem_cache_shrink(s);
	}
	CHECK_EQ(slab_debug_reports(s), 0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
