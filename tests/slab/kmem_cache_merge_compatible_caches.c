/* Compatible caches are merged (same size class, no constructor, same merge-relevant flags),
 * incompatible ones are not, slab_nomerge keeps all apart, and destroying one user of a merged
 * cache leaves it working for the other. */
#include "slab_test.h"

static void ctor(void *p)
{
	*(int *)p = 7;
}

static void merged_layout(void)
{
	/* 124 and 128 bytes round to the same 128-byte slot (possibly kmalloc-128's: the kernel
	 * merges into kmalloc caches too); 96 would waste a word per object in it: not merged. */
	struct kmem_cache *a = kmem_cache_create("merge_a", 124, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("merge_b", 128, 0, 0, NULL);
	struct kmem_cache *f = kmem_cache_create("merge_f", 104, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("merge_c", 124, 0, 0, ctor);
	struct kmem_cache *d = kmem_cache_create("merge_d", 124, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	struct kmem_cache *e = kmem_cache_create("merge_e", 124, 0, SLAB_POISON, NULL);
	REQUIRE(a && b && c && d && e && f);
	CHECK(a == b);
	CHECK(f != a);
	CHECK(c != a && d != a && e != a);
	CHECK(kmem_cache_size(a) >= 124);

	void *o = kmem_cache_alloc(b, GFP_KERNEL);
	REQUIRE(o);
	memset(o, 0x5a, 124);
	kmem_cache_destroy(a);             /* b still uses the cache */
	kmem_cache_free(b, o);
	o = kmem_cache_alloc(b, GFP_KERNEL);
	CHECK(o != NULL);
	kmem_cache_free(b, o);
	kmem_cache_destroy(b);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
	kmem_cache_destroy(e);
	kmem_cache_destroy(f);
}

int main(void)
{
	slab_test_boot(NULL);
	merged_layout();
	CHECK(slab_all_caches_valid());
	nmm_shutdown();

	slab_test_boot("slab_nomerge");
	struct kmem_cache *a = kmem_cache_create("nomerge_a", 120, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("nomerge_b", 120, 0, 0, NULL);
	REQUIRE(a && b);
	CHECK(a != b);
	CHECK(strcmp(kmem_cache_name(a), "nomerge_a") == 0);
	CHECK(strcmp(kmem_cache_name(b), "nomerge_b") == 0);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
