/* slob_free_merges_neighbours: freeing a block merges it with the free blocks on either side,
 * so three adjacent blocks freed outer-first end as one free block that a request of their
 * combined size fills exactly; a block freed next to the page's free tail joins the tail.
 *
 *   | g0 | p | q | r | g1 | tail |      64-byte blocks
 *   free p, r:  | g0 | . | q | . | g1 | tail |   3 free blocks
 *   free q:     | g0 | . . . . . | g1 | tail |   2 free blocks, p+q+r = 192 bytes
 *   alloc 192-byte block -> at p;  free g1 -> merges into the tail: still one block past x
 */
#include "slob_test.h"

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *a = kmem_cache_create("merge_a", 56, 0, 0, NULL);     /* 8 units */
	struct kmem_cache *c3 = kmem_cache_create("merge_3", 184, 0, 0, NULL);   /* 24 units */
	REQUIRE(a && c3);
	char *g0 = kmem_cache_alloc(a, GFP_KERNEL), *p = kmem_cache_alloc(a, GFP_KERNEL);
	char *q = kmem_cache_alloc(a, GFP_KERNEL), *r = kmem_cache_alloc(a, GFP_KERNEL);
	char *g1 = kmem_cache_alloc(a, GFP_KERNEL);
	REQUIRE(g0 && p && q && r && g1);
	REQUIRE(q == p + 64 && r == q + 64 && g1 == r + 64);
	int blocks0 = slob_free_blocks(p);
	long units0 = slob_free_units(p);
	CHECK_EQ(blocks0, 1);

	kmem_cache_free(a, p);
	kmem_cache_free(a, r);
	CHECK_EQ(slob_free_blocks(g0), blocks0 + 2);
	kmem_cache_free(a, q);
	CHECK_EQ(slob_free_blocks(g0), blocks0 + 1);       /* p, q and r are one block */
	CHECK_EQ(slob_free_units(g0), units0 + 24);
	CHECK(slab_all_caches_valid());

	char *x = kmem_cache_alloc(c3, GFP_KERNEL);
	CHECK(x == p);                                     /* fills the merged hole exactly */
	CHECK_EQ(slob_free_blocks(g0), blocks0);
	kmem_cache_free(a, g1);                            /* joins the free tail */
	CHECK_EQ(slob_free_blocks(g0), blocks0);
	CHECK_EQ(slob_free_units(g0), units0 + 8);
	CHECK(slab_all_caches_valid());

	kmem_cache_free(c3, x);
	kmem_cache_free(a, g0);
	kmem_cache_destroy(a);
	kmem_cache_destroy(c3);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
