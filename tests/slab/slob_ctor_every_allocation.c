/* slob_ctor_every_allocation: SLOB keeps no constructed free objects, so a cache's constructor
 * runs on every allocation (as the kernel's SLOB did, unlike SLUB and SLAB which run it once per
 * object when a slab is made): allocating the same block again and again constructs it again. */
#include "slob_test.h"

static int ctor_calls;

static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0xc7, 48);
}

int main(void)
{
	slob_test_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("ctor_each", 48, 0, 0, ctor);
	REQUIRE(s);
	unsigned char *first = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(first);
	CHECK_EQ(ctor_calls, 1);
	unsigned char *keep = kmem_cache_alloc(s, GFP_KERNEL);   /* keeps the page */
	CHECK_EQ(ctor_calls, 2);
	for (int i = 0; i < 100; i++) {
		memset(first, 0, 48);
		kmem_cache_free(s, first);
		unsigned char *again = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(again == first);                       /* first fit: the same block */
		CHECK(again[0] == 0xc7 && again[47] == 0xc7);
		first = again;
	}
	CHECK_EQ(ctor_calls, 102);
	void *bulk[10];
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 10, bulk), 10);
	CHECK_EQ(ctor_calls, 112);
	kmem_cache_free_bulk(s, 10, bulk);
	kmem_cache_free(s, first);
	kmem_cache_free(s, keep);
	CHECK_EQ(ctor_calls, 112);                           /* frees construct nothing */
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
