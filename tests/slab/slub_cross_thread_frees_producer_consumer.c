/* slub_cross_thread_frees_producer_consumer - producers allocate and stamp objects, consumers
 * on other threads check and free them: every free is a remote free onto the object's own
 * slab (lock-free cmpxchg of freelist+counters), full slabs become the consumers' CPU partial
 * slabs, overflowing partial lists drain to the nodes. Nothing is handed out twice, nothing
 * changes while live, and at the end the counts are exact: no object allocated, every slab
 * back after a shrink.
 *
 * Usage: slub_cross_thread_frees_producer_consumer [ITEMS]
 */
#include <stdlib.h>

#include "slub_test.h"

#define PAIRS 2
#define RING 4096
#define SIZE 128

static struct kmem_cache *s;
static long items = 300000;

struct ring {
	void *slot[RING];
	uint64_t tag[RING];
	unsigned long head, tail;
};
static struct ring rings[PAIRS];

static void *producer(void *arg)
{
	struct ring *r = arg;
	for (long i = 0; i < items; i++) {
		void *o = kmem_cache_alloc(s, GFP_KERNEL);
		if (!o)
			return (void *)1L;
		uint64_t tag = (uint64_t)(r - rings) << 40 | (uint64_t)i;
		slub_stamp(o, SIZE, tag);
		while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING)
			sched_yield();
		r->slot[i % RING] = o;
		r->tag[i % RING] = tag;
		__atomic_store_n(&r->head, (unsigned long)i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct ring *r = arg;
	long bad = 0;
	for (long i = 0; i < items; i++) {
		while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == (unsigned long)i)
			sched_yield();
		void *o = r->slot[i % RING];
		bad += !slub_stamped(o, SIZE, r->tag[i % RING]);
		__atomic_store_n(&r->tail, (unsigned long)i + 1, __ATOMIC_RELEASE);
		kmem_cache_free(s, o);
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		items = atol(argv[1]);
	slub_boot(NULL);
	s = kmem_cache_create("slub-xthread", SIZE, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	pthread_t p[PAIRS], c[PAIRS];
	for (int i = 0; i < PAIRS; i++) {
		REQUIRE(pthread_create(&p[i], NULL, producer, &rings[i]) == 0);
		REQUIRE(pthread_create(&c[i], NULL, consumer, &rings[i]) == 0);
	}
	for (int i = 0; i < PAIRS; i++) {
		void *rp, *rc;
		pthread_join(p[i], &rp);
		pthread_join(c[i], &rc);
		CHECK(rp == NULL);
		CHECK_EQ((long)rc, 0);
	}
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), 0);
	CHECK(slub_stat_total(s, FREE_SLOWPATH) > 0);      /* the remote frees */
	CHECK(slub_stat_total(s, CPU_PARTIAL_FREE) > 0);   /* full slabs frozen by a free */
	struct slabinfo si;
	kmem_cache_shrink(s);
	s->ops->get_info(s, &si);
	CHECK_EQ(si.active_objs, 0);
	CHECK_EQ(si.num_slabs, 0);
	CHECK_EQ(slub_slabs(s), 0);
	s->ops->print_stats(s, stderr);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
