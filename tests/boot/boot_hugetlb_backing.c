/* boot_hugetlb_backing: with enough free 2 MiB pages, auto and hugepages=on boot node memory on
 * a hugetlbfs memfd, the pages are taken from the pool at boot (reserved: an error now, never a
 * SIGBUS later), live on the bound node, and go back to the pool at shutdown; hugepages=N
 * reserves the pool itself. On a machine with more nodes every memory node gets the same
 * memory (mem= is the total) from its own pool, and its pages are on its own node. */
#include <sys/vfs.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "hugepool.h"
#include "meminfo.h"

#define HUGETLBFS_MAGIC 0x958458f6

/* Free pages of all the pools. */
static unsigned long pool_free(void)
{
	unsigned long free = 0;
	for (int i = 0; i < pool_nodes(); i++) {
		struct nmm_hugepage_info hi;
		REQUIRE(nmm_numa_hugepages_query(pool_phys[i], HUGE_2M, &hi) == 0);
		free += hi.free;
	}
	return free;
}

/* Boot @fmt (with %d for the total MiB: @mib per memory node); every node with memory is on
 * hugetlb, @pages 2 MiB pages, all of them on its real node once touched. */
static void check_hugetlb(const char *fmt, int mib, unsigned long pages)
{
	char line[128];
	int nodes = 0;
	snprintf(line, sizeof(line), fmt, mib * pool_nodes());
	REQUIRE(nmm_boot(line) == 0);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		if (!ni.nr_ranges)
			continue;
		nodes++;
		CHECK_EQ(ni.backing, NMM_BACKING_HUGETLB);
		struct statfs sf;
		CHECK(fstatfs(ni.memfd, &sf) == 0 && sf.f_type == HUGETLBFS_MAGIC);
		/* Reserved at mmap: HugePages_Rsvd covers what is not faulted yet. Touch it all. */
		for (int r = 0; r < ni.nr_ranges; r++) {
			char *va = __va(ni.range[r].start);
			size_t len = (size_t)(ni.range[r].end - ni.range[r].start);
			/* Write each byte back as it is: boot already keeps things in node memory (the
			 * kmalloc caches), which a test must not scribble over. */
			for (size_t i = 0; i < len; i += HUGE_2M)
				((volatile char *)va)[i] = ((volatile char *)va)[i];
			unsigned long on = 0, elsewhere = 0, absent = 0;
			CHECK_EQ(nmm_numa_verify(va, len, ni.phys_node, &on, &elsewhere, &absent), 0);
			CHECK_EQ(on, len / PAGE_SIZE);
		}
		CHECK_EQ(ni.mem_bytes, pages * HUGE_2M);
	}
	CHECK_EQ(nodes, pool_nodes());
	nmm_shutdown();
}

int main(void)
{
	const unsigned long pages = 64;   /* mem=128M per node */
	long got = set_pool(pages + 8);
	if (got < (long)pages + 8)
		SKIP("the kernel granted only %ld of %lu hugepages (memory fragmented?)", got, pages + 8);
	unsigned long before = pool_free();
	check_hugetlb("mem=%dM", 128, pages);
	check_hugetlb("mem=%dM hugepages=on", 128, pages);
	check_hugetlb("mem=%dM backing=hugetlb", 128, pages);
	CHECK_EQ(pool_free(), before);   /* everything went back */

	/* Boot reserves all of the node's pages at once: the pages boot touched (memory map, node
	 * data) left the free count, the rest are reserved (HugePages_Rsvd) for later faults. */
	char line[64];
	snprintf(line, sizeof(line), "mem=%dM", 128 * pool_nodes());
	unsigned long rsvd0 = meminfo("HugePages_Rsvd:");
	REQUIRE(nmm_boot(line) == 0);
	unsigned long touched = before - pool_free(), rsvd = meminfo("HugePages_Rsvd:") - rsvd0;
	CHECK(touched >= (unsigned long)pool_nodes());   /* at least one page on each node */
	CHECK_EQ(touched + rsvd, pages * pool_nodes());
	nmm_shutdown();

	/* hugepages=N sizes every node's pool itself. */
	REQUIRE(set_pool(0) == 0);
	check_hugetlb("mem=%dM hugepages=40", 64, 32);
	for (int i = 0; i < pool_nodes(); i++) {
		struct nmm_hugepage_info hi;
		REQUIRE(nmm_numa_hugepages_query(pool_phys[i], HUGE_2M, &hi) == 0);
		CHECK_EQ(hi.total, 40);
	}
	return test_done();
}
