/* slob_node_placement: with numa=fake=2, kmem_cache_alloc_node and kmalloc_node under SLOB take
 * blocks only from pages of the node asked for, though the pages of both nodes share one set of
 * lists (the walk skips the other node's pages, as mm/slob.c did); with __GFP_THISNODE a node
 * that is full makes the allocation fail instead of taking memory elsewhere, while the other
 * node still serves. Every page comes back at the end. */
#include "slob_test.h"

#define MAXOBJ 20000

static void *held[MAXOBJ];
static int held_node[MAXOBJ];

int main(void)
{
	slob_test_boot("mem=64M numa=fake=2 slab_nomerge");
	if (nr_node_ids < 2)
		SKIP("numa=fake=2 gave %d node(s)", nr_node_ids);
	struct kmem_cache *s = kmem_cache_create("node_small", 64, 0, 0, NULL);
	struct kmem_cache *h = kmem_cache_create("node_half", 2040, 0, 0, NULL);   /* 2 per page */
	REQUIRE(s && h);
	unsigned long free0 = slob_test_free_pages();
	int n = 0;
	/* Interleaved nodes from one cache: each object on its node. */
	for (int i = 0; i < 2000; i++, n++) {
		int nid = (i / 3) % 2;
		held[n] = kmem_cache_alloc_node(s, GFP_KERNEL, nid);
		REQUIRE(held[n]);
		held_node[n] = nid;
		CHECK_EQ(page_to_nid(virt_to_page(held[n])), nid);
	}
	for (int nid = 0; nid < 2; nid++, n++) {
		held[n] = kmalloc_node(300, GFP_KERNEL | __GFP_THISNODE, nid);
		REQUIRE(held[n]);
		held_node[n] = -1;
		CHECK_EQ(page_to_nid(virt_to_page(held[n])), nid);
	}
	CHECK(slab_all_caches_valid());

	/* Fill node 1 with __GFP_THISNODE: every object there, then NULL. */
	int on1 = 0;
	void *p;
	while (n < MAXOBJ && (p = kmem_cache_alloc_node(h, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 1))) {
		CHECK_EQ(page_to_nid(virt_to_page(p)), 1);
		held[n] = p;
		held_node[n++] = -2;
		on1++;
	}
	REQUIRE(n < MAXOBJ);
	CHECK(on1 > 1000);
	/* A small block may still fit the free space of a node-1 page, never another node's. */
	void *p1 = kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 1);
	if (p1) {
		CHECK_EQ(page_to_nid(virt_to_page(p1)), 1);
		kmem_cache_free(s, p1);
	}
	void *p0 = kmem_cache_alloc_node(h, GFP_KERNEL | __GFP_THISNODE, 0);
	REQUIRE(p0);
	CHECK_EQ(page_to_nid(virt_to_page(p0)), 0);
	kmem_cache_free(h, p0);
	CHECK(slab_all_caches_valid());

	for (int i = 0; i < n; i++) {
		if (held_node[i] == -2)
			kmem_cache_free(h, held[i]);
		else if (held_node[i] == -1)
			kfree(held[i]);
		else
			kmem_cache_free(s, held[i]);
	}
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slob_test_free_pages(), free0);
	kmem_cache_destroy(s);
	kmem_cache_destroy(h);
	nmm_shutdown();
	return test_done();
}
