/* slub_discarded_slab_leaves_node_counts_at_once - found by fuzz_slab_ops ("dma32-kmalloc-1k:
 * node 0: nr_slabs 7 total_objects 40, but 6 slabs with 36 objects found", after 70-170 ops, not
 * by replaying the input). A slab to be freed left its list (or its CPU) under the lock that
 * guards it, went on a discard chain, and came off the node's nr_slabs/total_objects only when
 * its pages went back, after every lock was dropped. kswapd's shrink (flush every CPU, take the
 * empty slabs off the partial lists, then free the chain) ran beside the fuzzer's is_valid,
 * which found a slab counted on its node and in no place it could see.
 *
 * The test stops where kswapd was seen: the same calls kmem_cache_shrink makes, with the walker
 * run between "off the lists" and "pages freed", once for each way a slab gets onto a chain:
 *   CPU flush   the CPU's empty active slab and empty CPU partial slabs, with the node already
 *               keeping min_partial partial slabs (deactivate_slab, unfreeze_partials);
 *   node shrink the empty slabs on the node's partial list (shrink_nodes).
 * Expect: is_valid holds at each stop (a slab on a discard chain is counted nowhere), and the
 * counts are 0 once everything went back.
 */
#include "slub_test.h"

#define SIZE 256

static int chain_length(const struct slab *chain)
{
	int n = 0;
	for (; chain; chain = chain->next)
		n++;
	return n;
}

int main(void)
{
	slub_boot(NULL);
	int cpus[8];
	if (slub_allowed_cpus(cpus, 8) > 0)
		slub_pin(cpus[0]);      /* one CPU structure holds what the frees leave */
	struct kmem_cache *s = kmem_cache_create("slub-discard-counts", SIZE, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s != NULL);
	int n = (int)(s->objects * (s->min_partial + 8 + slub_priv(s)->cpu_partial_slabs));
	void **o = calloc((size_t)n, sizeof(*o));
	REQUIRE(o != NULL);
	for (int i = 0; i < n; i++)
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, o[i]);
	CHECK(s->ops->is_valid(s, stderr));
	/* Kept: about min_partial empty slabs on the node (a slab emptied with the node at
	 * min_partial went), the rest on this thread's CPU (or table): its active slab and one or
	 * two CPU partial slabs. */
	CHECK(slub_node(s, 0)->nr_partial + 1 >= s->min_partial);

	/* CPU flush: the active slab and the CPU partial slabs are empty; the first may make the
	 * node's min_partial, the others go on the chain. */
	struct slub_ctx x;
	REQUIRE(slub_ctx_lock(&x, s));
	CHECK(x.c->slab != NULL);
	slub_flush_cpu(&x);
	struct slab *chain = x.discard;
	x.discard = NULL;
	slub_ctx_unlock(&x);
	CHECK(chain_length(chain) >= 1);
	CHECK(s->ops->is_valid(s, stderr));
	unsigned long kept = slub_node(s, 0)->nr_partial;
	CHECK_EQ(kept, s->min_partial);
	CHECK_EQ(slub_slabs(s), (long)kept);
	slub_free_discards(s, chain);
	CHECK(s->ops->is_valid(s, stderr));

	/* Node shrink: the partial list's empty slabs. */
	struct slub_ctx d = { .s = s, .discard = NULL };
	slub_shrink_nodes(s, true, &d);
	CHECK_EQ(chain_length(d.discard), (int)kept);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_slabs(s), 0);
	CHECK_EQ(__atomic_load_n(&slub_node(s, 0)->total_objects, __ATOMIC_RELAXED), 0);
	slub_free_discards(s, d.discard);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_slabs(s), 0);

	kmem_cache_destroy(s);
	free(o);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
