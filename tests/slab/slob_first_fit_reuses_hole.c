/* slob_first_fit_reuses_hole: SLOB carves blocks one after another from a page's free space,
 * and the first free block that fits serves the next request: a freed hole is reused at once,
 * by the same cache or by a smaller one (which then splits the hole).
 *
 *   | a0 | a1 | ... | a5 | ... | a9 | ... | a15 | tail ...     64-byte blocks (header + 56)
 *   free a5:  | a0 | .. | hole | .. |      -> next a:  a5 again
 *   free a9:  | .. | hole(64) | .. |       -> b (32-byte blocks): a9's place, then a9 + 32,
 *                                             then the tail after a15
 */
#include "slob_test.h"

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *a = kmem_cache_create("ff_a", 56, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("ff_b", 24, 0, 0, NULL);
	REQUIRE(a && b);
	char *o[16];
	for (int i = 0; i < 16; i++)
		REQUIRE((o[i] = kmem_cache_alloc(a, GFP_KERNEL)) != NULL);
	/* One page, blocks carved in address order from the free tail. */
	for (int i = 1; i < 16; i++)
		CHECK_EQ(o[i] - o[i - 1], 64);
	long units0 = slob_free_units(o[0]);
	CHECK_EQ(slob_free_blocks(o[0]), 1);

	kmem_cache_free(a, o[5]);
	CHECK_EQ(slob_free_blocks(o[0]), 2);
	CHECK_EQ(slob_free_units(o[0]), units0 + 8);
	char *x = kmem_cache_alloc(a, GFP_KERNEL);
	CHECK(x == o[5]);
	CHECK_EQ(slob_free_blocks(o[0]), 1);

	kmem_cache_free(a, o[9]);
	char *y = kmem_cache_alloc(b, GFP_KERNEL);
	char *z = kmem_cache_alloc(b, GFP_KERNEL);
	char *w = kmem_cache_alloc(b, GFP_KERNEL);
	CHECK(y == o[9]);                 /* the hole's first half (header at the same place) */
	CHECK(z == o[9] + 32);            /* its second half: an exact fit */
	CHECK(w == o[15] + 64);           /* the hole is used up: the tail after a15 */
	CHECK_EQ(slob_free_blocks(o[0]), 1);
	CHECK(slab_all_caches_valid());

	kmem_cache_free(b, y);
	kmem_cache_free(b, z);
	kmem_cache_free(b, w);
	for (int i = 0; i < 16; i++)
		if (i != 9)
			kmem_cache_free(a, o[i]);
	CHECK_EQ(slob_page_state(o[0], NULL, NULL), -1);   /* the page went back */
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
