/* slub_shutdown_with_live_objects_refuses - SLUB's cache_shutdown with objects still allocated
 * (here on two CPUs' slabs, a CPU partial list, a node's full and partial lists) returns -EBUSY
 * and leaves the cache whole: the live objects keep their contents, the cache serves and takes
 * objects as before, and once they are all freed the shutdown succeeds (kmem_cache_destroy
 * makes no report).
 */
#include "slub_test.h"

#define N 1500

int main(void)
{
	slub_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("slub-busy", 96, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	static void *o[N];
	int cpus[8], ncpu = slub_allowed_cpus(cpus, 8);
	for (int i = 0; i < N; i++) {
		if (ncpu > 1 && i % 500 == 0)
			slub_pin(cpus[(i / 500) % ncpu]);
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		slub_stamp(o[i], 96, (uint64_t)i);
	}
	for (int i = 0; i < N; i += 3)                 /* holes: partial slabs */
		kmem_cache_free(s, o[i]);
	long slabs = slub_slabs(s);
	pthread_mutex_lock(&slab_mutex);
	int e = s->ops->cache_shutdown(s);
	pthread_mutex_unlock(&slab_mutex);
	CHECK_EQ(e, -EBUSY);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_slabs(s), slabs);                 /* no slab with live objects went */
	CHECK_EQ(slub_live_objects(s), N - (N + 2) / 3);
	for (int i = 0; i < N; i++)
		if (i % 3)
			CHECK(slub_stamped(o[i], 96, (uint64_t)i));
	/* Still usable. */
	for (int i = 0; i < N; i += 3) {
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		slub_stamp(o[i], 96, (uint64_t)i);
	}
	for (int i = 0; i < N; i++) {
		CHECK(slub_stamped(o[i], 96, (uint64_t)i));
		kmem_cache_free(s, o[i]);
	}
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), 0);
	pthread_mutex_lock(&slab_mutex);
	e = s->ops->cache_shutdown(s);
	pthread_mutex_unlock(&slab_mutex);
	CHECK_EQ(e, 0);
	CHECK_EQ(slub_slabs(s), 0);
	/* Shut down but not released: destroy shuts down again (nothing left) and releases. */
	char buf[4096];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_destroy(s);
	stderr_capture_end(&cap, buf, sizeof(buf));
	CHECK(!strstr(buf, "remaining"));
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
