/* slabc_alien_frees_go_home - an object freed on a node other than its slab's goes to the
 * freeing node's alien array for that home node, never into the freeing CPU's array, and goes
 * home in batches (mm/slab.c cache_free_alien / __drain_alien_cache).
 *
 * numa=fake=2 on two CPUs: CPU 0 on node A, CPU 1 on node B. A thread on CPU 0 takes 40 objects
 * of node B (kmem_cache_alloc_node) and frees them:
 *   frees 1..12   fill alien[A][B] (limit 12)
 *   free 13       alien full: its 12 go to node B's shared array, then the 13th goes in
 *   ... free 40   three flushes: alien holds 4, node B's shared array 36
 * Then a thread on CPU 1 frees 20 node-A objects: alien[B][A] holds 8, node A's shared 12.
 * Shrink sends everything home: no slab left on either node.
 */
#include "slabc_test.h"

static struct kmem_cache *s;
static int node_a, node_b;
static void *objs[40];

static void *phase1(void *arg)
{
	(void)arg;
	REQUIRE(slabc_pin(0));
	for (int i = 0; i < 40; i++) {
		objs[i] = kmem_cache_alloc_node(s, GFP_KERNEL, node_b);
		REQUIRE(objs[i]);
		CHECK_EQ(page_to_nid(virt_to_page(objs[i])), node_b);
	}
	CHECK_EQ(slabc(s)->stats.node_allocs, 40);
	for (int i = 0; i < 40; i++)
		kmem_cache_free(s, objs[i]);
	CHECK_EQ(ac_avail(slabc_my_ac(s)), 0);      /* none in CPU 0's own array */
	return NULL;
}

static void *phase2_alloc(void *arg)
{
	(void)arg;
	REQUIRE(slabc_pin(0));
	for (int i = 0; i < 20; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(objs[i]);
		CHECK_EQ(page_to_nid(virt_to_page(objs[i])), node_a);
	}
	return NULL;
}

static void *phase2_free(void *arg)
{
	(void)arg;
	REQUIRE(slabc_pin(1));
	for (int i = 0; i < 20; i++)
		kmem_cache_free(s, objs[i]);
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
	slabc_boot("numa=fake=2");
	if (nr_node_ids < 2 || slabc_online_cpus() < 2 || cpu_to_node(0) == cpu_to_node(1))
		SKIP("needs two CPUs on two (fake) nodes: %d nodes, %d CPUs", nr_node_ids, slabc_online_cpus());
	node_a = cpu_to_node(0);
	node_b = cpu_to_node(1);
	s = kmem_cache_create("slabc-alien", 64, 0, 0, NULL);
	REQUIRE(s);
	struct slabc_cache *c = slabc(s);
	REQUIRE(c->use_alien);

	run(phase1);
	struct array_cache *alien_ab = c->node[node_a]->alien[node_b];
	CHECK_EQ(alien_ab->limit, 12);
	CHECK_EQ(ac_avail(alien_ab), 4);
	CHECK_EQ(slabc_shared_avail(s, node_b), 36);
	CHECK_EQ(c->stats.node_frees, 40);
	CHECK_EQ(c->stats.node_overflow, 3);
	CHECK_EQ(c->stats.alien_flushed, 36);
	CHECK_EQ(slabc_node_slabs(s, node_a), 0);
	CHECK(s->ops->is_valid(s, stderr));

	run(phase2_alloc);
	run(phase2_free);
	CHECK_EQ(ac_avail(c->node[node_b]->alien[node_a]), 8);
	CHECK_EQ(slabc_shared_avail(s, node_a), 12);
	CHECK(s->ops->is_valid(s, stderr));

	/* Everything goes home and back to the page allocator. */
	kmem_cache_shrink(s);
	CHECK_EQ(ac_avail(alien_ab), 0);
	CHECK_EQ(ac_avail(c->node[node_b]->alien[node_a]), 0);
	CHECK_EQ(slabc_node_slabs(s, node_a), 0);
	CHECK_EQ(slabc_node_slabs(s, node_b), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
