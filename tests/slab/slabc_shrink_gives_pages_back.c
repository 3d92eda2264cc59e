/* slabc_shrink_gives_pages_back - after every object is freed, kmem_cache_shrink empties every
 * array (this CPU's, the other CPU's, the shared one) and gives every slab back: the page
 * allocator's free count returns to what it was before the objects were taken.
 *
 * Objects of three geometries (on-slab, off-slab index arrays, order-1 slabs); half of them are
 * freed by a thread on the other CPU so two CPUs' arrays hold objects.
 */
#include "slabc_test.h"

#define N 5000

static struct kmem_cache *caches[3];
static void *objs[3][N];

static void *free_odd(void *arg)
{
	(void)arg;
	slabc_pin(slabc_online_cpus() > 1 ? 1 : 0);
	for (int k = 0; k < 3; k++)
		for (int i = 1; i < N; i += 2)
			kmem_cache_free(caches[k], objs[k][i]);
	return NULL;
}

static unsigned long free_pages_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

int main(void)
{
	slabc_boot(NULL);
	REQUIRE(slabc_pin(0));
	caches[0] = kmem_cache_create("slabc-shrink-96", 96, 0, 0, NULL);
	caches[1] = kmem_cache_create("slabc-shrink-1k", 1024, 0, 0, NULL);
	caches[2] = kmem_cache_create("slabc-shrink-1500", 1500, 0, 0, NULL);
	for (int k = 0; k < 3; k++)
		REQUIRE(caches[k]);
	CHECK(slabc(caches[1])->off_slab);
	CHECK_EQ(caches[2]->order, 1);

	/* Warm up: whatever metadata the first use makes (a thread's arrays without rseq). */
	for (int k = 0; k < 3; k++) {
		kmem_cache_free(caches[k], kmem_cache_alloc(caches[k], GFP_KERNEL));
		kmem_cache_shrink(caches[k]);
	}
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, free_odd, NULL) == 0);   /* its arrays made, nothing freed */
	pthread_join(t, NULL);

	unsigned long before = free_pages_now();
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < N; i++)
			REQUIRE(objs[k][i] = kmem_cache_alloc(caches[k], GFP_KERNEL));
	CHECK(free_pages_now() < before - 1000);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < N; i += 2)
			kmem_cache_free(caches[k], objs[k][i]);
	REQUIRE(pthread_create(&t, NULL, free_odd, NULL) == 0);
	pthread_join(t, NULL);
	CHECK(slab_all_caches_valid());

	for (int k = 0; k < 3; k++) {
		kmem_cache_shrink(caches[k]);
		CHECK_EQ(slabc_total_slabs(caches[k]), 0);
		CHECK_EQ(caches[k]->ops->reclaimable_pages(caches[k]), 0);
	}
	CHECK_EQ(free_pages_now(), before);
	CHECK(slab_all_caches_valid());
	for (int k = 0; k < 3; k++)
		kmem_cache_destroy(caches[k]);
	nmm_shutdown();
	return test_done();
}
