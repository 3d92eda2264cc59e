/* slabc_cross_thread_frees - a producer on CPU 0 allocates, a consumer on CPU 1 frees (one
 * node): the consumer's array fills with the producer's objects and flushes them to the shared
 * array, from which the producer's refills take them back — objects circulate between the two
 * CPUs without touching the slabs much. Every object arrives intact, counts add up, and
 * everything goes back on shrink.
 */
#include <stdint.h>

#include "slabc_test.h"

#define RING 256
#define TOTAL 200000

static struct kmem_cache *s;
static void *ring[RING];
static unsigned long head, tail;   /* producer writes head, consumer tail */
static unsigned long bad;

static void *producer(void *arg)
{
	(void)arg;
	slabc_pin(0);
	for (unsigned long i = 0; i < TOTAL; i++) {
		uint64_t *p = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(p);
		p[0] = i;
		p[7] = ~i;
		while (i - __atomic_load_n(&tail, __ATOMIC_ACQUIRE) >= RING)
			sched_yield();
		ring[i % RING] = p;
		__atomic_store_n(&head, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	slabc_pin(slabc_online_cpus() > 1 ? 1 : 0);
	for (unsigned long i = 0; i < TOTAL; i++) {
		while (__atomic_load_n(&head, __ATOMIC_ACQUIRE) <= i)
			sched_yield();
		uint64_t *p = ring[i % RING];
		if (p[0] != i || p[7] != ~i)
			bad++;
		kmem_cache_free(s, p);
		__atomic_store_n(&tail, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int main(void)
{
	slabc_boot(NULL);
	s = kmem_cache_create("slabc-xthread", 64, 0, SLAB_HWCACHE_ALIGN, NULL);
	REQUIRE(s);
	pthread_t p, c;
	REQUIRE(pthread_create(&p, NULL, producer, NULL) == 0);
	REQUIRE(pthread_create(&c, NULL, consumer, NULL) == 0);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	CHECK_EQ(bad, 0);
	CHECK(s->ops->is_valid(s, stderr));
	struct slabc_cache *sc = slabc(s);
	/* The slabs held far fewer objects than went through them. */
	CHECK(sc->stats.grown * sc->num < TOTAL / 10);
	if (slabc_online_cpus() > 1 && sc->shared)
		CHECK(sc->stats.shared_out > 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
