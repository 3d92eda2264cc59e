/* slabc_exhaustion_nowait_fails_cleanly - with little memory (mem=32M), GFP_NOWAIT allocations
 * from a SLAB cache run out: the allocator returns NULL (reported by the page allocator unless
 * __GFP_NOWARN), every structure stays consistent, and once objects are freed and the cache
 * shrunk, allocations succeed again and the memory is all back.
 */
#include "slabc_test.h"

#define MAX (32 << 20) / 4096 * 2

int main(void)
{
	slabc_boot("mem=32M");
	struct kmem_cache *s = kmem_cache_create("slabc-exhaust", 4000, 0, 0, NULL);
	REQUIRE(s);
	static void *objs[MAX];
	/* Warm up: a thread without rseq makes its array tables on first use. */
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	kmem_cache_shrink(s);
	drain_all_pages(NULL);
	unsigned long before = nr_free_pages();
	int n = 0;
	while (n < MAX) {
		void *p = kmem_cache_alloc(s, GFP_NOWAIT | __GFP_NOWARN);
		if (!p)
			break;
		objs[n++] = p;
	}
	CHECK(n < MAX);                 /* it ran out */
	CHECK(n > 1000);                /* after taking most of the memory */
	CHECK(kmem_cache_alloc(s, GFP_NOWAIT | __GFP_NOWARN) == NULL);
	CHECK(slabc(s)->stats.errors > 0);
	CHECK(s->ops->is_valid(s, stderr));
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages(), before);
	void *p = kmem_cache_alloc(s, GFP_NOWAIT);
	CHECK(p != NULL);
	kmem_cache_free(s, p);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
