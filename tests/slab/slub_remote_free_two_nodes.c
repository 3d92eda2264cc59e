/* slub_remote_free_two_nodes - with numa=fake=2: kmem_cache_alloc_node() gives objects on the
 * node asked (with and without __GFP_THISNODE), kmem_cache_alloc() gives the CPU's node when
 * it has memory, and objects of either node freed by a thread running elsewhere go back to
 * their own node's slabs: the nodes' slab counts and lists stay exact, and a shrink leaves no
 * slab on either node.
 */
#include "slub_test.h"

#define N 3000

static struct kmem_cache *s;
static void *objs[2][N];

static void *free_all(void *arg)
{
	int node = (int)(long)arg;
	/* Free the other node's objects from here, in a different order than allocated. */
	for (int i = N - 1; i >= 0; i--)
		kmem_cache_free(s, objs[node][i]);
	return NULL;
}

int main(void)
{
	slub_boot("numa=fake=2");
	if (nr_node_ids < 2)
		SKIP("numa=fake=2 gave %d node(s)", nr_node_ids);
	s = kmem_cache_create("slub-2node", 192, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	for (int i = 0; i < N; i++) {
		for (int node = 0; node < 2; node++) {
			gfp_t gfp = GFP_KERNEL | (i & 1 ? __GFP_THISNODE : 0);
			void *o = kmem_cache_alloc_node(s, gfp, node);
			REQUIRE(o);
			CHECK_EQ(page_to_nid(virt_to_page(o)), node);
			CHECK_EQ(slab_nid(virt_to_slab(o)), node);
			slub_stamp(o, 192, (uint64_t)node << 32 | (uint64_t)i);
			objs[node][i] = o;
		}
	}
	CHECK(slub_node_slabs(s, 0) >= N / (long)s->objects);
	CHECK(slub_node_slabs(s, 1) >= N / (long)s->objects);
	CHECK(slub_stat_total(s, ALLOC_NODE_MISMATCH) > 0);   /* alternating nodes */
	CHECK(s->ops->is_valid(s, stderr));
	for (int node = 0; node < 2; node++)
		for (int i = 0; i < N; i++)
			CHECK(slub_stamped(objs[node][i], 192, (uint64_t)node << 32 | (uint64_t)i));
	/* NUMA_NO_NODE means the CPU's node: after a shrink emptied every CPU, a thread pinned to
	 * a CPU gets a new slab of that CPU's node. (Per-CPU structures only: without rseq the
	 * page allocator serves a thread from the zone it first used.) */
	int cpus[8], ncpu = slub_allowed_cpus(cpus, 8);
	for (int i = 0; i < ncpu && slub_thread_on_rseq(); i++) {
		REQUIRE(slub_pin(cpus[i]));
		kmem_cache_shrink(s);
		void *local = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(local);
		int cpu = nmm_cpu_current();
		if (cpu == cpus[i])
			CHECK_EQ(page_to_nid(virt_to_page(local)), cpu_to_node(cpu));
		kmem_cache_free(s, local);
	}
	pthread_t t[2];
	for (long node = 0; node < 2; node++)
		REQUIRE(pthread_create(&t[node], NULL, free_all, (void *)node) == 0);
	for (int node = 0; node < 2; node++)
		pthread_join(t[node], NULL);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_node_slabs(s, 0), 0);
	CHECK_EQ(slub_node_slabs(s, 1), 0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
