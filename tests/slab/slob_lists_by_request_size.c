/* slob_lists_by_request_size: requests of under 256 bytes (block included), under 1024 and
 * larger each search their own list (free_slob_small, _medium, _large), and a new page joins
 * the list of the request that made it. A page that fills goes to the full list; the first
 * free into it puts it on the list of the freed block's class, as mm/slob.c did. Pages stay
 * apart: a small object never lands in a page on the large list. */
#include "slob_test.h"

int main(void)
{
	slob_test_boot("slab_nomerge");
	/* A page filled exactly goes to the full list; the first free puts it back by class. */
	struct kmem_cache *half = kmem_cache_create("lists_half", 2040, 0, 0, NULL);  /* 2048 B */
	REQUIRE(half);
	char *h1 = kmem_cache_alloc(half, GFP_KERNEL), *h2 = kmem_cache_alloc(half, GFP_KERNEL);
	REQUIRE(h1 && h2 && virt_to_page(h1) == virt_to_page(h2));
	long units;
	CHECK_EQ(slob_page_state(h1, &units, NULL), SLOB_FULL);
	CHECK_EQ(units, 0);
	kmem_cache_free(half, h2);
	CHECK_EQ(slob_page_state(h1, &units, NULL), SLOB_LARGE);
	CHECK_EQ(units, 256);
	kmem_cache_free(half, h1);
	CHECK_EQ(slob_page_state(h1, NULL, NULL), -1);   /* empty: back to the buddy */
	kmem_cache_destroy(half);

	struct kmem_cache *small = kmem_cache_create("lists_small", 100, 0, 0, NULL);    /* 112 B */
	struct kmem_cache *medium = kmem_cache_create("lists_medium", 600, 0, 0, NULL);  /* 608 B */
	struct kmem_cache *large = kmem_cache_create("lists_large", 1500, 0, 0, NULL);   /* 1512 B */
	struct kmem_cache *edge = kmem_cache_create("lists_edge", 248, 0, 0, NULL);      /* 256 B */
	REQUIRE(small && medium && large && edge);
	char *s = kmem_cache_alloc(small, GFP_KERNEL), *m = kmem_cache_alloc(medium, GFP_KERNEL);
	char *l = kmem_cache_alloc(large, GFP_KERNEL), *e = kmem_cache_alloc(edge, GFP_KERNEL);
	REQUIRE(s && m && l && e);
	CHECK_EQ(slob_page_state(s, NULL, NULL), SLOB_SMALL);
	CHECK_EQ(slob_page_state(m, NULL, NULL), SLOB_MEDIUM);
	CHECK_EQ(slob_page_state(l, NULL, NULL), SLOB_LARGE);
	CHECK_EQ(slob_page_state(e, NULL, NULL), SLOB_MEDIUM);    /* 256 is not < SLOB_BREAK1 */
	/* Three pages: one per list; the edge object shares the medium page. */
	CHECK(virt_to_page(s) != virt_to_page(m) && virt_to_page(m) != virt_to_page(l));
	CHECK(virt_to_page(e) == virt_to_page(m));

	/* Fill the large page: 2 of 1512 B fit in 4096, the third needs a new large page. */
	char *l2 = kmem_cache_alloc(large, GFP_KERNEL), *l3 = kmem_cache_alloc(large, GFP_KERNEL);
	REQUIRE(l2 && l3);
	CHECK(virt_to_page(l2) == virt_to_page(l));
	CHECK(virt_to_page(l3) != virt_to_page(l));
	/* A small request never takes the large page's leftover 1072 bytes. */
	char *s2 = kmem_cache_alloc(small, GFP_KERNEL);
	CHECK(virt_to_page(s2) == virt_to_page(s));
	CHECK(slab_all_caches_valid());

	kmem_cache_free(small, s);
	kmem_cache_free(small, s2);
	kmem_cache_free(medium, m);
	kmem_cache_free(edge, e);
	kmem_cache_free(large, l);
	kmem_cache_free(large, l2);
	kmem_cache_free(large, l3);
	kmem_cache_destroy(small);
	kmem_cache_destroy(medium);
	kmem_cache_destroy(large);
	kmem_cache_destroy(edge);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
