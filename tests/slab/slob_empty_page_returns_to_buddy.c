/* slob_empty_page_returns_to_buddy: a SLOB page goes back to the page allocator the moment its
 * last block is freed (SLOB keeps no empty pages, so shrink has nothing to do): after thousands
 * of objects over dozens of pages are freed in random order, the buddy allocator has every page
 * back and the slab page counters are where they started. */
#include <stdlib.h>

#include "slob_test.h"

#define N 3000

static void *obj[N];

static unsigned long slab_pages_all(void)
{
	unsigned long n = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		n += nmm_slab_pages(nid, false) + nmm_slab_pages(nid, true);
	return n;
}

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("empty_pages", 100, 0, 0, NULL);
	REQUIRE(s);
	unsigned long free0 = slob_test_free_pages(), slab0 = slab_pages_all();
	for (int i = 0; i < N; i++)
		REQUIRE((obj[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	/* 112-byte blocks: 36 per page, so about 84 pages. */
	unsigned long used = free0 - slob_test_free_pages();
	CHECK(used >= N / 36 && used <= N / 36 + 4);
	CHECK_EQ(slab_pages_all() - slab0, used);
	CHECK(slab_all_caches_valid());

	srand(5);
	for (int i = N - 1; i > 0; i--) {
		int j = rand() % (i + 1);
		void *t = obj[i];
		obj[i] = obj[j];
		obj[j] = t;
	}
	for (int i = 0; i < N; i++) {
		kmem_cache_free(s, obj[i]);
		if (i == N / 2)
			CHECK(slab_all_caches_valid());
	}
	CHECK_EQ(slob_test_free_pages(), free0);
	CHECK_EQ(slab_pages_all(), slab0);
	CHECK_EQ(s->ops->shrink(s, true), 0);             /* nothing left to give */
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
