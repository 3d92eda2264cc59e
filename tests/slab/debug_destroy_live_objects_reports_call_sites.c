/* Under slub_debug=U, kmem_cache_destroy of a cache with live objects names each one's
 * allocation call site, returns, and leaves the cache working: the live objects keep their
 * contents, can be freed, and new objects can be allocated and freed. Objects that were freed
 * (and sit in the quarantine) are not reported as live. */
#include "debug_test.h"

noinline void *debug_live_alloc_site(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	__asm__ volatile("" ::: "memory");
	return p;
}

int main(void)
{
	slab_test_boot("slub_debug=U");
	struct kmem_cache *s = kmem_cache_create("live_u", 64, 0, 0, NULL);
	REQUIRE(s && (s->flags & SLAB_STORE_USER));
	enum { LIVE = 3, FREED = 20 };
	unsigned char *live[LIVE];
	void *freed[FREED];
	for (int i = 0; i < LIVE; i++) {
		REQUIRE((live[i] = debug_live_alloc_site(s)) != NULL);
		memset(live[i], 0x40 + i, 64);
	}
	for (int i = 0; i < FREED; i++)
		REQUIRE((freed[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	for (int i = 0; i < FREED; i++)
		kmem_cache_free(s, freed[i]);

	char msg[DEBUG_MSG_MAX], want[160];
	CAPTURE_STDERR(msg, kmem_cache_destroy(s));
	CHECK(strstr(msg, "live_u: kmem_cache_destroy: 3 objects remaining") != NULL);
	CHECK_EQ(count_substr(msg, "still live, allocated in debug_live_alloc_site+0x"), LIVE);
	for (int i = 0; i < LIVE; i++) {
		snprintf(want, sizeof(want), "object %p still live", (void *)live[i]);
		CHECK(strstr(msg, want) != NULL);
	}
	CHECK(strstr(msg, "boot with slub_debug=U") == NULL);

	/* The cache still works. */
	for (int i = 0; i < LIVE; i++)
		for (int k = 0; k < 64; k++)
			if (live[i][k] != 0x40 + i) {
				CHECK(!"a live object changed");
				break;
			}
	churn_cache(s, 1000, (void **)live, LIVE);
	CAPTURE_STDERR(msg, for (int i = 0; i < LIVE; i++) kmem_cache_free(s, live[i]));
	CHECK(msg[0] == '\0');
	CHECK_EQ(slab_debug_reports(s), 0);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
