/* slabc_shared_array_feeds_other_cpus - a node's shared array (mm/slab.c n->shared) takes the
 * batches CPUs flush and hands them to the refills of any CPU of the node, before any slab is
 * touched.
 *
 * One node, two CPUs, a 64-byte cache (limit 120, batchcount 60, shared 480): a thread on CPU 0
 * allocates 300 objects and frees them; its array fills to 120 and each flush moves the newest
 * 60 to the shared array (simulated below from what the array held before the frees). A thread
 * on CPU 1 then allocates once (its cold refill of 16): all 16 come from the shared array, and
 * no slab gives any object.
 */
#include "slabc_test.h"

#define N 300

static struct kmem_cache *s;
static void *objs[N];
static unsigned int flushes;

static void *on_cpu0(void *arg)
{
	(void)arg;
	REQUIRE(slabc_pin(0));
	for (int i = 0; i < N; i++)
		REQUIRE(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	unsigned int avail = ac_avail(slabc_my_ac(s));
	for (int i = 0; i < N; i++) {
		if (avail == 120) {
			flushes++;
			avail -= 60;
		}
		avail++;
	}
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	CHECK(flushes >= 3);
	CHECK_EQ(ac_avail(slabc_my_ac(s)), avail);
	CHECK_EQ(slabc(s)->stats.freemiss, flushes);
	return NULL;
}

static void *on_cpu1(void *arg)
{
	(void)arg;
	REQUIRE(slabc_pin(1));
	unsigned long free_before = slabc_node_of(s, 0)->free_objects;
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(objs[0]);
	CHECK_EQ(ac_avail(slabc_my_ac(s)), 15);
	CHECK_EQ(slabc_shared_avail(s, 0), 60 * flushes - 16);
	CHECK_EQ(slabc_node_of(s, 0)->free_objects, free_before);   /* no slab touched */
	kmem_cache_free(s, objs[0]);
	return NULL;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, fn, NULL) == 0);
	REQUIRE(pthread_join(t, NULL) == 0);
}

int main(void)
{
	slabc_boot(NULL);
	if (slabc_online_cpus() < 2 || nr_node_ids != 1)
		SKIP("needs two CPUs on one node");
	s = kmem_cache_create("slabc-shared", 64, 0, 0, NULL);
	REQUIRE(s);
	CHECK_EQ(slabc(s)->shared, 8);
	CHECK_EQ(slabc_node_of(s, 0)->shared->limit, 480);
	run(on_cpu0);
	CHECK_EQ(slabc_shared_avail(s, 0), 60 * flushes);
	CHECK_EQ(slabc(s)->stats.shared_in, 60 * flushes);
	CHECK(s->ops->is_valid(s, stderr));
	run(on_cpu1);
	CHECK_EQ(slabc(s)->stats.shared_out, 16);
	struct slabinfo si;
	s->ops->get_info(s, &si);
	CHECK_EQ(si.shared_avail, 60 * flushes - 16);
	CHECK(s->ops->is_valid(s, stderr));
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
