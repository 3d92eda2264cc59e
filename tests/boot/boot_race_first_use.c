/* boot_race_first_use: threads racing nmm_boot_if_needed() (first use) and nmm_boot() boot
 * exactly once: every first-use caller gets 0, explicit boots get 0 or -EBUSY, and the layout is
 * whole when any of them returns. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define THREADS 8
static pthread_barrier_t go;
static int results[THREADS];

static void *racer(void *arg)
{
	long i = (long)arg;
	pthread_barrier_wait(&go);
	results[i] = (i & 1) ? nmm_boot("mem=64M") : nmm_boot_if_needed();
	/* Whatever won, the layout is complete when we get here. */
	if (!nmm_booted() || NODE_DATA(0) == NULL || !pfn_valid(1))
		results[i] = -999;
	return NULL;
}

int main(void)
{
	setenv("NUMAMM_BOOT", "mem=64M", 1);
	for (int round = 0; round < 5; round++) {
		pthread_t t[THREADS];
		pthread_barrier_init(&go, NULL, THREADS);
		for (long i = 0; i < THREADS; i++)
			pthread_create(&t[i], NULL, racer, (void *)i);
		int ok = 0;
		for (int i = 0; i < THREADS; i++) {
			pthread_join(t[i], NULL);
			if (i & 1)
				CHECK(results[i] == 0 || results[i] == -EBUSY);
			else
				CHECK_EQ(results[i], 0);
			ok += results[i] == 0;
		}
		CHECK(ok >= THREADS / 2);
		pthread_barrier_destroy(&go);
		nmm_shutdown();
	}
	return test_done();
}
