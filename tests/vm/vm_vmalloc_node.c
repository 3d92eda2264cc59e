/* tests/vm/vm_vmalloc_node.c - vmalloc_node() puts every page on the node asked for, really:
 * in the 2node guest (real NUMA nodes from QEMU), for each node with memory and for each
 * backing the guest can give (default auto backing - THP, pages from the node's vmalloc pool -
 * and backing=shmem - pages from the page allocator, mapped from the node's memfd):
 *   1. vmalloc_node(8 MiB, n): page_to_nid() of every vmalloc_to_page() is n;
 *   2. after a write through the vmalloc address, move_pages (nmm_numa_verify) on the vmalloc
 *      mapping finds every page present on real node n, and on the linear map of the backing
 *      pages too (same physical pages: the bytes written are read there first);
 *   3. vmallocinfo shows "pages=2048 vmalloc Nn=2048";
 *   4. vfree + purge gives everything back (nr_free_pages after shrinking the pools).
 */
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/topology.h>
#include <numamm/numamm.h>

#include "vm_guest.h"

#define SIZE (8UL << 20)
#define PAGES (SIZE >> 12)

static unsigned long free_now(void)
{
	vm_unmap_aliases();
	nmm_vmalloc_pool_shrink();
	drain_all_pages(NULL);
	return nr_free_pages();
}

static void one_node(int nid)
{
	unsigned long start = free_now();
	char *v = vmalloc_node(SIZE, nid);
	REQUIRE(v);
	memset(v, 0x3c, SIZE);
	unsigned long wrong = 0, lin_on = 0;
	for (unsigned long i = 0; i < PAGES; i++) {
		struct page *pg = vmalloc_to_page(v + i * 4096);
		REQUIRE(pg);
		wrong += page_to_nid(pg) != nid;
		unsigned long on, elsewhere, absent;
		/* move_pages sees a page through a mapping that has it: read it there first. */
		CHECK_EQ(*(volatile char *)page_address(pg), 0x3c);
		if (!nmm_numa_verify(page_address(pg), 4096, nid, &on, &elsewhere, &absent))
			lin_on += on;
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(lin_on, PAGES);
	unsigned long on = 0, elsewhere = 0, absent = 0;
	CHECK_EQ(nmm_numa_verify(v, SIZE, nid, &on, &elsewhere, &absent), 0);
	CHECK_EQ(on, PAGES);
	CHECK_EQ(elsewhere, 0);
	CHECK_EQ(absent, 0);

	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	REQUIRE(f && nmm_report("vmallocinfo", f) == 0);
	fclose(f);
	char want[64];
	snprintf(want, sizeof(want), "pages=%lu vmalloc N%d=%lu\n", PAGES, nid, PAGES);
	CHECK(strstr(buf, want) != NULL);
	free(buf);
	vfree(v);
	CHECK_EQ(free_now(), start);
	printf("node %d: %lu pages on node %d through vmalloc and the linear map\n", nid, on, nid);
}

int main(void)
{
	struct vm_expect e;
	vm_expect_load(&e);
	const char *boots[] = { NULL, "backing=shmem" };
	for (int b = 0; b < 2; b++) {
		int r = nmm_boot(boots[b]);
		if (r) {
			fprintf(stderr, "nmm_boot(%s) = %d: %s\n", boots[b] ? boots[b] : "default", r,
				nmm_boot_strerror());
			return 1;
		}
		REQUIRE(nr_node_ids == e.nr_nodes);
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(0, &ni) == 0);
		printf("boot '%s': node 0 backing %s\n", boots[b] ? boots[b] : "", nmm_backing_name(ni.backing));
		for (int nid = 0; nid < e.nr_nodes; nid++)
			if (e.has_memory[nid])
				one_node(nid);
		nmm_shutdown();
	}
	return test_done();
}
