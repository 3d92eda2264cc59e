/* Objects allocated by one thread and freed by another (producer/consumer through a ring), and
 * threads that keep moving between CPUs while they allocate and free from shared caches: no
 * object is handed out twice, contents are private, and every cache is consistent after. */
#include <pthread.h>
#include <sched.h>

#include "slab_test.h"

enum { RING = 1024, ITEMS = 200000, THREADS = 3, OPS = 100000, LIVE = 256 };

static struct kmem_cache *cache;
static void *ring[RING];
static unsigned long head, tail;       /* head: produced, tail: consumed */

static void *producer(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i < ITEMS; i++) {
		unsigned long *o = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!o)
			return (void *)1L;
		o[0] = i;
		o[1] = ~i;
		while (__atomic_load_n(&head, __ATOMIC_ACQUIRE) - __atomic_load_n(&tail, __ATOMIC_ACQUIRE) == RING)
			sched_yield();
		ring[i % RING] = o;
		__atomic_store_n(&head, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	long bad = 0;
	for (unsigned long i = 0; i < ITEMS; i++) {
		while (__atomic_load_n(&head, __ATOMIC_ACQUIRE) == i)
			sched_yield();
		unsigned long *o = ring[i % RING];
		bad += o[0] != i || o[1] != ~i;
		__atomic_store_n(&tail, i + 1, __ATOMIC_RELEASE);
		kmem_cache_free(cache, o);
	}
	return (void *)bad;
}

static void *mover(void *arg)
{
	unsigned long seed = (unsigned long)arg * 7919 + 1, bad = 0;
	unsigned long *live[LIVE] = { 0 };
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (int op = 0; op < OPS; op++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		unsigned idx = (unsigned)(seed >> 33) % LIVE;
		if (op % 1000 == 0 && ncpu > 1) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((int)((seed >> 20) % (unsigned long)ncpu), &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		if (live[idx]) {
			bad += live[idx][0] != (unsigned long)live[idx];
			kmem_cache_free(cache, live[idx]);
			live[idx] = NULL;
		} else {
			live[idx] = kmem_cache_alloc(cache, GFP_KERNEL);
			if (!live[idx])
				return (void *)1000000L;
			live[idx][0] = (unsigned long)live[idx];
		}
	}
	for (int i = 0; i < LIVE; i++)
		if (live[i])
			kmem_cache_free(cache, live[i]);
	return (void *)bad;
}

int main(void)
{
	slab_test_boot(NULL);
	cache = kmem_cache_create("xthread", 64, 0, 0, NULL);
	REQUIRE(cache);
	pthread_t p, c, m[THREADS];
	void *rp, *rc;
	REQUIRE(pthread_create(&p, NULL, producer, NULL) == 0);
	REQUIRE(pthread_create(&c, NULL, consumer, NULL) == 0);
	pthread_join(p, &rp);
	pthread_join(c, &rc);
	CHECK(rp == NULL);
	CHECK(rc == NULL);
	CHECK(slab_all_caches_valid());

	for (long i = 0; i < THREADS; i++)
		REQUIRE(pthread_create(&m[i], NULL, mover, (void *)i) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(m[i], &r);
		CHECK(r == NULL);
	}
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(cache);     /* every object was freed: no "remaining" report */
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
