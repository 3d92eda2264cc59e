/* slabc_shutdown_with_live_objects_is_busy - SLAB's cache_shutdown with objects still live
 * returns -EBUSY and leaves the cache whole and usable: the arrays it drained were only free
 * objects, the live ones stay live, new allocations work, and once they are all freed the
 * shutdown succeeds (and kmem_cache_destroy through the front reports the live ones first).
 */
#include "slabc_test.h"

#define N 300

int main(void)
{
	slabc_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("slabc-busy", 200, 0, 0, NULL);
	REQUIRE(s);
	static char *objs[N];
	for (int i = 0; i < N; i++) {
		REQUIRE(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
		memset(objs[i], i & 0xff, 200);
	}
	for (int i = 0; i < N; i += 2)
		kmem_cache_free(s, objs[i]);

	pthread_mutex_lock(&slab_mutex);
	int e = s->ops->cache_shutdown(s);
	pthread_mutex_unlock(&slab_mutex);
	CHECK_EQ(e, -EBUSY);
	CHECK(s->ops->is_valid(s, stderr));
	for (int i = 1; i < N; i += 2)
		for (int b = 0; b < 200; b++)
			if ((unsigned char)objs[i][b] != (i & 0xff)) {
				CHECK(!"a live object changed across the failed shutdown");
				break;
			}
	struct slabinfo si;
	s->ops->get_info(s, &si);
	CHECK_EQ(si.active_objs, N / 2);        /* the arrays were drained: only live ones */
	/* Still usable. */
	for (int i = 0; i < N; i += 2)
		REQUIRE(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	CHECK(s->ops->is_valid(s, stderr));

	/* The front's destroy reports the live objects and keeps the cache. */
	char buf[8192];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_destroy(s);
	stderr_capture_end(&cap, buf, sizeof(buf));
	CHECK(strstr(buf, "300 objects remaining") != NULL);
	CHECK(s->dead);
	CHECK(s->ops->is_valid(s, stderr));
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	pthread_mutex_lock(&slab_mutex);
	e = s->ops->cache_shutdown(s);
	pthread_mutex_unlock(&slab_mutex);
	CHECK_EQ(e, 0);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
