/* highmem_kmap_waits_when_pkmap_full: with NUMAMM_LAST_PKMAP=4 and four pages kmapped, a kmap
 * of a fifth page in another thread sleeps (it has not returned 300 ms later) while a kmap of
 * an already mapped page still succeeds at once; the first kunmap that frees a slot wakes the
 * sleeper, which gets that slot. */
#include <pthread.h>
#include <time.h>

#include "hm_test.h"

#define SLOTS 4

static struct page *waiter_page;
static void *waiter_addr;
static int waiter_done;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_addr = kmap(waiter_page);
	__atomic_store_n(&waiter_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(void)
{
	setenv("NUMAMM_LAST_PKMAP", "4", 1);
	hm_boot(HM_BOOT_SHMEM);
	CHECK_EQ(nmm_pkmap_slots(), SLOTS);

	struct page *p[SLOTS];
	char *v[SLOTS];
	for (int i = 0; i < SLOTS; i++) {
		p[i] = hm_alloc_high();
		v[i] = kmap(p[i]);
		REQUIRE(v[i]);
		hm_fill(v[i], page_to_pfn(p[i]));
	}
	/* All slots busy, but p[0] already has one: no wait. */
	CHECK(kmap(p[0]) == v[0]);

	waiter_page = hm_alloc_high();
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, waiter, NULL) == 0);
	sleep_ms(300);
	CHECK(!__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE));

	kunmap(p[0]);                           /* p[0] still has a user: no slot freed */
	sleep_ms(100);
	CHECK(!__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE));

	kunmap(p[2]);                           /* frees slot of p[2] */
	for (int i = 0; i < 5000 && !__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE); i++)
		sleep_ms(1);
	CHECK(__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE));
	pthread_join(t, NULL);
	CHECK(waiter_addr == v[2]);
	CHECK(page_address(waiter_page) == waiter_addr);
	CHECK(nmm_pkmap_waits >= 1);
	if (waiter_addr) {
		hm_fill(waiter_addr, 77);
		CHECK(hm_check(nmm_highmem_view_addr(page_to_pfn(waiter_page)), 77));
	}
	for (int i = 0; i < SLOTS; i++)
		if (i != 2)
			CHECK(hm_check(v[i], page_to_pfn(p[i])));
	kunmap(waiter_page);
	kunmap(p[0]);
	kunmap(p[1]);
	kunmap(p[3]);
	nmm_shutdown();
	return test_done();
}
