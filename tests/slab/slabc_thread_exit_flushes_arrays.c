/* slabc_thread_exit_flushes_arrays - what a thread leaves in SLAB's arrays is not lost: without
 * rseq a thread's own arrays are emptied into the node lists when it exits (pthread key
 * destructor) and by ops->thread_flush; with rseq the objects sit in the CPU's array, which
 * shrink empties from any thread. Either way no object stays active once the cache is shrunk.
 */
#include "slabc_test.h"

#define N 100

static struct kmem_cache *s;
static bool used_cpu_arrays;

static void *worker(void *arg)
{
	(void)arg;
	slabc_pin(0);
	used_cpu_arrays = slabc_thread_uses_cpu_arrays();
	void *objs[N];
	for (int i = 0; i < N; i++)
		REQUIRE(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	return NULL;
}

int main(void)
{
	slabc_boot(NULL);
	s = kmem_cache_create("slabc-texit", 100, 0, 0, NULL);
	REQUIRE(s);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, worker, NULL) == 0);
	pthread_join(t, NULL);
	struct slabinfo si;
	s->ops->get_info(s, &si);
	if (used_cpu_arrays) {
		CHECK(si.active_objs > 0);              /* on CPU 0's array */
		kmem_cache_shrink(s);
		s->ops->get_info(s, &si);
	}
	CHECK_EQ(si.active_objs, 0);
	CHECK(s->ops->is_valid(s, stderr));

	/* thread_flush empties the caller's own arrays (per-thread ones without rseq). */
	void *objs[N];
	for (int i = 0; i < N; i++)
		REQUIRE(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	s->ops->thread_flush();
	s->ops->get_info(s, &si);
	if (!slabc_thread_uses_cpu_arrays())
		CHECK_EQ(si.active_objs, 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
