/* exhaust_memoryless_node_allocations: node 1 of numa=fake=3 node_mem=64M,0,64M has no memory.
 * Every layer asked for it falls back along its zonelist (node 0, its nearest) and says where
 * the memory really is; __GFP_THISNODE fails cleanly (NULL, no report with __GFP_NOWARN);
 * node_state says the node is online without memory. */
#include <numamm/linux/gfp.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#include "test.h"

int main(void)
{
	static struct nmm_numa_topology topo;
	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	if (topo.nr_nodes != 1)
		SKIP("the layout assumes one real node (this machine has %d)", topo.nr_nodes);
	REQUIRE(nmm_boot("numa=fake=3 node_mem=64M,0,64M hugepages=off") == 0);
	CHECK(node_online(1));
	CHECK(!node_state_memory(1));
	CHECK(node_state_memory(0) && node_state_memory(2));

	struct page *pg = alloc_pages_node(1, GFP_KERNEL, 2);
	REQUIRE(pg != NULL);
	CHECK_EQ(page_to_nid(pg), 0);                       /* first in node 1's zonelist */
	__free_pages(pg, 2);
	CHECK(alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0) == NULL);

	void *k = kmalloc_node(128, GFP_KERNEL, 1);
	REQUIRE(k != NULL);
	CHECK(page_to_nid(virt_to_page(k)) != 1);
	kfree(k);
	struct kmem_cache *s = kmem_cache_create("memless", 256, 0, 0, NULL);
	REQUIRE(s != NULL);
	CHECK(kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 1) == NULL);
	void *o = kmem_cache_alloc_node(s, GFP_KERNEL, 1);
	REQUIRE(o != NULL);
	CHECK(page_to_nid(virt_to_page(o)) != 1);
	kmem_cache_free(s, o);
	kmem_cache_destroy(s);

	void *v = vmalloc_node(64 << 10, 1);
	REQUIRE(v != NULL);
	for (int i = 0; i < 16; i++)
		CHECK(page_to_nid(vmalloc_to_page((char *)v + i * 4096)) != 1);
	vfree(v);
	nmm_shutdown();
	return test_done();
}
