/* The allocator helpers: a slab pool hands out objects of its cache, a kmalloc pool objects of
 * at least its size, a page pool pages of its order; each pre-fills and takes back. */
#include <numamm/linux/mm.h>

#include "mp_test.h"

int main(void)
{
	mp_test_boot();
	struct kmem_cache *kc = kmem_cache_create("mp_objs", 96, 0, 0, NULL);
	REQUIRE(kc);
	mempool_t *sp = mempool_create_slab_pool(4, kc);
	mempool_t *kp = mempool_create_kmalloc_pool(4, 1000);
	mempool_t *pp = mempool_create_page_pool(4, 2);
	REQUIRE(sp && kp && pp);
	void *o = mempool_alloc(sp, GFP_KERNEL);
	REQUIRE(o);
	memset(o, 1, 96);
	void *k = mempool_alloc(kp, GFP_KERNEL);
	REQUIRE(k);
	CHECK(ksize(k) >= 1000);
	struct page *pg = mempool_alloc(pp, GFP_KERNEL);
	REQUIRE(pg);
	memset(page_address(pg), 2, 4 * PAGE_SIZE);
	mempool_free(o, sp);
	mempool_free(k, kp);
	mempool_free(pg, pp);
	mempool_destroy(sp);
	mempool_destroy(kp);
	mempool_destroy(pp);
	kmem_cache_destroy(kc);         /* reports if the pool left objects behind */
	nmm_shutdown();
	return test_done();
}
