/* boot_linear_map_is_node_memory: the linear map really is the node's memfd (shmem and hugetlb)
 * — a byte written through __va() is read back from the memfd at the range's file offset — and
 * every page touched through it sits on the node it was bound to (move_pages, not hope). */
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define TMPFS_MAGIC 0x01021994

static void check(const char *line, enum nmm_backing want)
{
	REQUIRE(nmm_boot(line) == 0);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		CHECK_EQ(ni.backing, want);
		CHECK(ni.backing_why[0] != '\0');
		uint64_t off = 0;
		for (int r = 0; r < ni.nr_ranges; r++) {
			size_t len = (size_t)(ni.range[r].end - ni.range[r].start);
			unsigned char *va = __va(ni.range[r].start);
			/* Boot already put things in node memory (kmalloc caches, the vmalloc pools):
			 * keep every byte we overwrite and put it back after the checks. */
			unsigned char *saved = malloc(len / PAGE_SIZE);
			REQUIRE(saved);
			for (size_t i = 0; i < len; i += PAGE_SIZE) {
				saved[i / PAGE_SIZE] = va[i];
				va[i] = (unsigned char)(i / PAGE_SIZE + nid + r);
			}
			if (ni.memfd >= 0) {
				struct statfs sf;
				CHECK(fstatfs(ni.memfd, &sf) == 0 && sf.f_type == TMPFS_MAGIC);
				unsigned char b;
				size_t probe = len / 2 & ~(PAGE_SIZE - 1);
				CHECK(pread(ni.memfd, &b, 1, (off_t)(off + probe)) == 1);
				CHECK_EQ(b, (unsigned char)(probe / PAGE_SIZE + nid + r));
			}
			unsigned long on = 0, elsewhere = 0, absent = 0;
			CHECK_EQ(nmm_numa_verify(va, len, ni.phys_node, &on, &elsewhere, &absent), 0);
			CHECK_EQ(elsewhere, 0);
			CHECK_EQ(absent, 0);
			CHECK_EQ(on, len / PAGE_SIZE);
			for (size_t i = 0; i < len; i += PAGE_SIZE)
				va[i] = saved[i / PAGE_SIZE];
			free(saved);
			off += len;
		}
	}
	nmm_shutdown();
}

int main(void)
{
	check("mem=64M backing=shmem", NMM_BACKING_SHMEM);
	check("mem=64M backing=thp", NMM_BACKING_THP);
	check("mem=64M numa=fake=2 backing=shmem", NMM_BACKING_SHMEM);
	check("mem=64M hugepages=off", NMM_BACKING_THP);
	return test_done();
}
