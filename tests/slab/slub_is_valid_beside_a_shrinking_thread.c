/* slub_is_valid_beside_a_shrinking_thread - the threads behind fuzz_slab_ops's "nr_slabs 7
 * total_objects 40, but 6 slabs with 36 objects found" (slub_discarded_slab_leaves_node_counts_
 * at_once stops at the one step that went wrong): kswapd shrinking a cache while the thread that
 * uses it checks it. A shrink flushes every CPU and frees the empty slabs on the node lists; the
 * walker used to find slabs counted on their node but already on the shrinker's discard chain,
 * or (reading the counters after the lists) slabs found and already uncounted.
 *
 * Expect: with another thread calling kmem_cache_shrink() without pause, rounds of "allocate
 * 25 slabs' worth, free them all, is_valid" never find a cache whose node counts disagree with
 * what the walker reaches. (Before the fix about 1 round in 500 did, with rseq.)
 */
#include "slub_test.h"

#define SIZE 1024
#define OBJS 400
#define ROUNDS 3000

static struct kmem_cache *s;
static int stop;

static void *shrinker(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		kmem_cache_shrink(s);
	return NULL;
}

int main(void)
{
	slub_boot(NULL);
	REQUIRE((s = kmem_cache_create("slub-shrink-beside", SIZE, 0, SLAB_NO_USER_FLAGS, NULL)) != NULL);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, shrinker, NULL) == 0);
	static void *o[OBJS];
	int bad = 0;
	for (int round = 0; round < ROUNDS && bad < 3; round++) {
		for (int i = 0; i < OBJS; i++)
			REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		for (int i = 0; i < OBJS; i++)
			kmem_cache_free(s, o[i]);
		if (!s->ops->is_valid(s, stderr))
			bad++;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	REQUIRE(pthread_join(t, NULL) == 0);
	CHECK_EQ(bad, 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
