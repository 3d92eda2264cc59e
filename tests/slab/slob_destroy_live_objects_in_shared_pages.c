/* slob_destroy_live_objects_in_shared_pages: SLOB pages hold objects of many caches, so a cache
 * is empty when its own objects are gone, whatever shares its pages. Destroying a cache with
 * live objects (in shared pages and in pages of their own) reports them and keeps the cache;
 * its neighbours' objects are untouched; later frees work and the pages come back. */
#include "slob_test.h"

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
	struct kmem_cache *a = kmem_cache_create("busy_a", 72, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("busy_b", 40, 0, 0, NULL);
	struct kmem_cache *big = kmem_cache_create("busy_big", 9000, 0, 0, NULL);
	REQUIRE(a && b && big);
	unsigned long slab0 = slab_pages_all();
	char *oa[3], *ob[3];
	for (int i = 0; i < 3; i++) {
		REQUIRE((oa[i] = kmem_cache_alloc(a, GFP_KERNEL)) != NULL);
		REQUIRE((ob[i] = kmem_cache_alloc(b, GFP_KERNEL)) != NULL);
		memset(ob[i], 0xbb, 40);
	}
	CHECK(virt_to_page(oa[0]) == virt_to_page(ob[2]));     /* one shared page */
	char *g = kmem_cache_alloc(big, GFP_KERNEL);
	REQUIRE(g);

	char msg[8192];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_destroy(a);
	kmem_cache_destroy(big);
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "busy_a: kmem_cache_destroy: 3 objects remaining") != NULL);
	CHECK(strstr(msg, "busy_big: kmem_cache_destroy: 1 objects remaining") != NULL);
	CHECK(strstr(msg, "object") != NULL);
	/* b still works beside a's live objects. */
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 40; j++)
			CHECK((unsigned char)ob[i][j] == 0xbb);
		kmem_cache_free(b, ob[i]);
	}
	kmem_cache_destroy(b);                     /* empty: gone, though its pages were shared */
	CHECK(slab_all_caches_valid());
	for (int i = 0; i < 3; i++)
		kmem_cache_free(a, oa[i]);             /* the dead cache still takes its objects back */
	kmem_cache_free(big, g);
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slab_pages_all(), slab0);           /* (b's struct kmem_cache went too) */
	nmm_shutdown();
	return test_done();
}
