/* slob_list_rotates_to_last_fit: a request's list walk starts at the page that served the last
 * request of its list (mm/slob.c rotates the list head there: Knuth's "roving pointer"), so a
 * hole in an earlier page waits while the rover page still has room.
 *
 *   small list: A (one 64-byte hole), B (room)     128-byte request: A too small -> B serves,
 *   small list: B, A                                B becomes the head
 *   64-byte request: B first -> B's free space, not A's hole
 */
#include "slob_test.h"

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *s64 = kmem_cache_create("rover_64", 56, 0, 0, NULL);     /* 64-byte blocks */
	struct kmem_cache *s128 = kmem_cache_create("rover_128", 120, 0, 0, NULL);  /* 128-byte blocks */
	REQUIRE(s64 && s128);
	static char *o[200];
	int n = 0;
	/* Page A fills up (64 blocks), page B starts. */
	do {
		REQUIRE((o[n] = kmem_cache_alloc(s64, GFP_KERNEL)) != NULL);
		n++;
	} while (virt_to_page(o[n - 1]) == virt_to_page(o[0]));
	struct page *A = virt_to_page(o[0]), *B = virt_to_page(o[n - 1]);
	CHECK(A != B);
	CHECK_EQ(n, 65);
	CHECK_EQ(slob_page_state(o[0], NULL, NULL), SLOB_FULL);
	kmem_cache_free(s64, o[10]);                     /* A: one hole, back at the list head */
	CHECK_EQ(slob_page_state(o[0], NULL, NULL), SLOB_SMALL);
	char *big = kmem_cache_alloc(s128, GFP_KERNEL);  /* does not fit A's hole: B serves */
	REQUIRE(big);
	CHECK(virt_to_page(big) == B);
	char *next = kmem_cache_alloc(s64, GFP_KERNEL);  /* the walk starts at B now */
	REQUIRE(next);
	CHECK(virt_to_page(next) == B);
	CHECK(next != o[10]);
	CHECK(slab_all_caches_valid());
	kmem_cache_free(s64, next);
	kmem_cache_free(s128, big);
	for (int i = 0; i < n; i++)
		if (i != 10)
			kmem_cache_free(s64, o[i]);
	kmem_cache_destroy(s64);
	kmem_cache_destroy(s128);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
