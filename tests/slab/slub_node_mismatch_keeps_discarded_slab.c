/* slub_node_mismatch_keeps_discarded_slab - found by numamm-soak. An allocation for node B
 * while the CPU's active slab is an empty slab of node A deactivates that slab; with node A
 * holding min_partial partial slabs it is to be freed once the slow path is done. When node B
 * then has no partial slab, the slow path drops its hold to get a new slab from the page
 * allocator - and relocking used to forget the slab waiting to be freed: it stayed counted in
 * nr_slabs, on no list, and its pages never came back (the soak saw "node 1: nr_slabs 7
 * total_objects 28, but 6 slabs with 24 objects found" and free pages short at the end).
 *
 * Expect: after rounds of "fill node A, free it all, allocate one object on node B", every
 * slab is on a list or a CPU, and destroying the cache gives back every page. */
#include <numamm/linux/gfp.h>

#include "page_alloc/internal.h"
#include "slub_test.h"

#define SIZE 2048
#define PER_ROUND 160           /* 10 slabs of 16 objects on node A */
#define ROUNDS 20

int main(void)
{
	slub_boot("numa=fake=2");
	REQUIRE(nr_node_ids == 2);
	slub_pin(0);                    /* one CPU structure for the whole test */
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	struct kmem_cache *s = kmem_cache_create("node-mismatch", SIZE, 0, 0, NULL);
	REQUIRE(s != NULL);
	void *a[PER_ROUND];
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < PER_ROUND; i++)
			REQUIRE((a[i] = kmem_cache_alloc_node(s, GFP_KERNEL, 0)) != NULL);
		for (int i = 0; i < PER_ROUND; i++)
			kmem_cache_free(s, a[i]);
		/* The active slab is node 0's and empty; node 1 has nothing. */
		void *b = kmem_cache_alloc_node(s, GFP_KERNEL, 1);
		REQUIRE(b != NULL);
		CHECK_EQ(page_to_nid(virt_to_page(b)), 1);
		kmem_cache_free(s, b);
		kmem_cache_shrink(s);     /* node 1's slab goes: the next round starts the same */
	}
	CHECK(s->ops->is_valid(s, stderr));
	kmem_cache_destroy(s);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages(), free0);
	nmm_shutdown();
	return test_done();
}
