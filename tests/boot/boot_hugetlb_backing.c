/* boot_hugetlb_backing: with enough free 2 MiB pages, auto and hugepages=on boot node memory on
 * a hugetlbfs memfd, the pages are taken from the pool at boot (reserved: an error now, never a
 * SIGBUS later), live on the bound node, and go back to the pool at shutdown; hugepages=N
 * reserves the pool itself. */
#include <sys/vfs.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "hugepool.h"

#define HUGETLBFS_MAGIC 0x958458f6

static unsigned long pool_free(void)
{
	struct nmm_hugepage_info hi;
	REQUIRE(nmm_numa_hugepages_query(0, HUGE_2M, &hi) == 0);
	return hi.free;
}

static unsigned long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long v = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoul(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void check_hugetlb(const char *line, unsigned long pages)
{
	REQUIRE(nmm_boot(line) == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_HUGETLB);
	struct statfs sf;
	CHECK(fstatfs(ni.memfd, &sf) == 0 && sf.f_type == HUGETLBFS_MAGIC);
	/* Reserved at mmap: HugePages_Rsvd covers what is not faulted yet. Touch it all. */
	for (int r = 0; r < ni.nr_ranges; r++) {
		char *va = __va(ni.range[r].start);
		size_t len = (size_t)(ni.range[r].end - ni.range[r].start);
		for (size_t i = 0; i < len; i += HUGE_2M)
			va[i] = 1;
		unsigned long on = 0, elsewhere = 0, absent = 0;
		CHECK_EQ(nmm_numa_verify(va, len, ni.phys_node, &on, &elsewhere, &absent), 0);
		CHECK_EQ(on, len / PAGE_SIZE);
	}
	CHECK_EQ(ni.mem_bytes, pages * HUGE_2M);
	nmm_shutdown();
}

int main(void)
{
	const unsigned long pages = 64;   /* mem=128M */
	long got = set_pool(pages + 8);
	if (got < (long)pages + 8)
		SKIP("the kernel granted only %ld of %lu hugepages (memory fragmented?)", got, pages + 8);
	unsigned long before = pool_free();
	check_hugetlb("mem=128M", pages);
	check_hugetlb("mem=128M hugepages=on", pages);
	check_hugetlb("mem=128M backing=hugetlb", pages);
	CHECK_EQ(pool_free(), before);   /* everything went back */

	/* Boot reserves all of the node's pages at once: the pages boot touched (memory map, node
	 * data) left the free count, the rest are reserved (HugePages_Rsvd) for later faults. */
	unsigned long rsvd0 = meminfo("HugePages_Rsvd:");
	REQUIRE(nmm_boot("mem=128M") == 0);
	unsigned long touched = before - pool_free(), rsvd = meminfo("HugePages_Rsvd:") - rsvd0;
	CHECK(touched > 0);
	CHECK_EQ(touched + rsvd, pages);
	nmm_shutdown();

	/* hugepages=N sizes the pool itself. */
	REQUIRE(set_pool(0) == 0);
	check_hugetlb("mem=64M hugepages=40", 32);
	struct nmm_hugepage_info hi;
	REQUIRE(nmm_numa_hugepages_query(0, HUGE_2M, &hi) == 0);
	CHECK_EQ(hi.total, 40);
	return test_done();
}
