/* kmem_cache_destroy with live objects reports them, keeps the cache (nothing freed under the
 * objects), and the objects can still be used and freed afterwards. With every object freed,
 * destroy gives all slab pages back to the page allocator. */
#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();

	struct kmem_cache *s = kmem_cache_create("live_at_destroy", 300, 0, 0, NULL);
	REQUIRE(s);
	enum { N = 500 };
	unsigned char *o[N];
	for (int i = 0; i < N; i++) {
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(o[i]);
		memset(o[i], i & 0xff, 300);
	}
	for (int i = 0; i < N; i += 2)
		kmem_cache_free(s, o[i]);

	char msg[16384];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_destroy(s);
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "250 objects remaining") != NULL);
	CHECK(strstr(msg, "still live") != NULL);

	for (int i = 1; i < N; i += 2)
		for (int k = 0; k < 300; k++)
			if (o[i][k] != (i & 0xff)) {
				CHECK(0);
				break;
			}
	for (int i = 1; i < N; i += 2)
		kmem_cache_free(s, o[i]);
	CHECK(slab_all_caches_valid());

	/* A fresh cache, emptied, destroyed: every page comes back. */
	struct kmem_cache *t = kmem_cache_create("empty_at_destroy", 300, 0, SLAB_HWCACHE_ALIGN, NULL);
	REQUIRE(t);
	for (int i = 0; i < N; i++)
		REQUIRE((o[i] = kmem_cache_alloc(t, GFP_KERNEL)) != NULL);
	for (int i = 0; i < N; i++)
		kmem_cache_free(t, o[i]);
	kmem_cache_destroy(t);
	kmem_cache_shrink(s);
	drain_all_pages(NULL);
	/* s was kept (dead) with empty slabs it may hold on to; t's pages are all back. Allow the
	 * slabs s kept: at most what 500 objects of ~300 bytes need. */
	long lost = (long)free0 - (long)nr_free_pages();
	CHECK(lost <= (long)(N * 320 / PAGE_SIZE + 16));
	nmm_shutdown();
	return test_done();
}
