/* slub_double_free_reported_not_freed - freeing an object twice in a row (it is then the head
 * of the CPU freelist, or of its slab's freelist when its slab is not the CPU's) is caught on
 * the free path without debug flags: "double free or corruption" naming the cache and the
 * object, and the second free is ignored — the object is handed out once, not twice, and the
 * cache stays consistent.
 */
#include "slub_test.h"

int main(void)
{
	slub_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("slub-dfree", 64, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	char buf[8192], want[128];
	struct stderr_capture cap;

	/* 1: the object is in the active slab: second free finds it at the CPU freelist head. */
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	kmem_cache_free(s, a);
	stderr_capture_begin(&cap);
	kmem_cache_free(s, a);
	stderr_capture_end(&cap, buf, sizeof(buf));
	snprintf(want, sizeof(want), "slab slub-dfree: double free or corruption: object %p", a);
	CHECK(strstr(buf, want) != NULL);
	void *x = kmem_cache_alloc(s, GFP_KERNEL), *y = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(x == a);
	CHECK(y != a);                                  /* not handed out twice */
	kmem_cache_free(s, x);
	kmem_cache_free(s, y);
	CHECK(s->ops->is_valid(s, stderr));

	/* 2: the object's slab is not the CPU's any more: the slab freelist head. */
	enum { N = 400 };
	static void *o[N];
	for (int i = 0; i < N; i++)
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	void *b = o[0];                                 /* first slab: full, not active */
	kmem_cache_free(s, b);
	kmem_cache_free(s, o[1]);                       /* b is no longer the head... */
	kmem_cache_free(s, o[2]);
	stderr_capture_begin(&cap);
	kmem_cache_free(s, o[2]);                       /* ...o[2] is */
	stderr_capture_end(&cap, buf, sizeof(buf));
	snprintf(want, sizeof(want), "slab slub-dfree: double free or corruption: object %p", o[2]);
	CHECK(strstr(buf, want) != NULL);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), N - 3);
	for (int i = 3; i < N; i++)
		kmem_cache_free(s, o[i]);
	CHECK_EQ(slub_live_objects(s), 0);
	CHECK(s->ops->is_valid(s, stderr));
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
