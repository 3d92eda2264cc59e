/* nofail_waits_for_memory: with memory exhausted, __GFP_NOFAIL does not return NULL: it waits
 * until another thread frees, then succeeds; without __GFP_NOFAIL the same request fails with a
 * warn_alloc report (counted) unless __GFP_NOWARN. */
#include <pthread.h>
#include <time.h>

#include "pa_test.h"

static struct page *held[40000];
static int nheld;
static int freed;

static void *freer(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	__atomic_store_n(&freed, 1, __ATOMIC_RELEASE);   /* before the first free can satisfy it */
	for (int i = 0; i < 64 && nheld; i++)
		__free_page(held[--nheld]);
	return NULL;
}

int main(void)
{
	REQUIRE(nmm_boot("memmap=64M@0x100000000") == 0);
	while (nheld < 40000 && (held[nheld] = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		nheld++;
	REQUIRE(nheld < 40000);
	unsigned long fails = nmm_alloc_fail_count;
	CHECK(alloc_page(GFP_KERNEL | __GFP_NORETRY) == NULL);   /* reported */
	CHECK_EQ(nmm_alloc_fail_count, fails + 1);
	CHECK(alloc_page(GFP_KERNEL | __GFP_NOWARN) == NULL);     /* reclaim finds nothing: fails */

	pthread_t t;
	pthread_create(&t, NULL, freer, NULL);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	CHECK(p != NULL);
	CHECK(__atomic_load_n(&freed, __ATOMIC_ACQUIRE) == 1);   /* it could only succeed once freeing began */
	pthread_join(t, NULL);
	if (p)
		__free_page(p);
	while (nheld)
		__free_page(held[--nheld]);
	CHECK(all_zones_valid());
	nmm_shutdown();
	return test_done();
}
