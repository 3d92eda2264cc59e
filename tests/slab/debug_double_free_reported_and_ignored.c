/* A double free is reported ("Object already free"), names the object and the cache, and is
 * ignored: the back end never sees the object twice, so it is never handed out twice.
 * Expect one report per double free, for each way debug knows an object is free:
 *   red zones (Z) - the redzone pattern is the object's state, even long after the free;
 *   store user (U) - the free track is newer than the alloc track, even after the quarantine;
 *   poison only (P) - the object is still in the cache's quarantine. */
#include "debug_test.h"

static void double_free_case(const char *name, slab_flags_t flags, bool push_out_of_quarantine)
{
	struct kmem_cache *s = kmem_cache_create(name, 48, 0, flags, NULL);
	REQUIRE(s);
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);
	void *pin = kmem_cache_alloc(s, GFP_KERNEL);   /* keeps obj's slab from going back */
	REQUIRE(obj && pin);
	kmem_cache_free(s, obj);
	if (push_out_of_quarantine)
		kmem_cache_shrink(s);           /* obj is back in the back end */

	char msg[DEBUG_MSG_MAX], want[128];
	CAPTURE_STDERR(msg, kmem_cache_free(s, obj));
	snprintf(want, sizeof(want), "BUG %s (Not tainted): Object already free", name);
	bool reported = strstr(msg, want) != NULL;
	if (push_out_of_quarantine && !reported) {
		/* SLOB knows its free blocks: its front-end check refuses the pointer first. */
		CHECK(strstr(msg, "not freed") != NULL);
		CHECK_EQ(slab_debug_reports(s), 0);
	} else {
		CHECK(reported);
		snprintf(want, sizeof(want), "double free of %p", obj);
		CHECK(strstr(msg, want) != NULL);
		snprintf(want, sizeof(want), "FIX %s: Object at %p not freed again", name, obj);
		CHECK(strstr(msg, want) != NULL);
		CHECK_EQ(slab_debug_reports(s), 1);
	}
	unsigned long reports = slab_debug_reports(s);
	CHECK_EQ(slab_debug_leaked(s), 0);

	/* Once through the quarantine and the back end: the object comes back exactly once. */
	kmem_cache_shrink(s);
	churn_cache(s, 3000, &pin, 1);
	CHECK_EQ(slab_debug_reports(s), reports);
	kmem_cache_free(s, pin);
	kmem_cache_destroy(s);                  /* nothing live: the cache goes quietly */
}

int main(void)
{
	slab_test_boot(NULL);
	double_free_case("dfree_redzone", SLAB_RED_ZONE, false);
	double_free_case("dfree_redzone_late", SLAB_RED_ZONE, true);
	double_free_case("dfree_user_late", SLAB_STORE_USER, true);
	double_free_case("dfree_poison", SLAB_POISON, false);
	double_free_case("dfree_all", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS,
			 false);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
