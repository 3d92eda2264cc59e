/* numa_bind_verify_hugetlb - a hugetlb memfd mapping (what boot/ uses for a node's linear map)
 * bound to node 0 before first touch is faulted in there, and verify counts each of its 4 KiB
 * granules: one touched 2 MiB page reports 512 on the node. Needs root to grow the pool by
 * one page (restored after); serialised by the "hugepages" lock.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "test.h"

#define SZ_2M (2UL << 20)

static struct nmm_numa_topology topo;

int main(void)
{
	struct nmm_hugepage_info before;
	unsigned long on, off, absent;
	int node, fd;
	long got;
	char *p;

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	node = topo.node[0].phys_node;
	REQUIRE(nmm_numa_hugepages_query(node, SZ_2M, &before) == 0);
	if (before.free < 2) {
		if (geteuid() != 0)
			SKIP("no free 2 MiB hugepages on node %d and not root to reserve them", node);
		got = nmm_numa_hugepages_reserve(node, SZ_2M, before.total + 2);
		if (got < (long)before.total + 2) {
			nmm_numa_hugepages_reserve(node, SZ_2M, before.total);
			SKIP("kernel would not grant 2 hugepages on node %d", node);
		}
	}

	fd = memfd_create("numa_bind_verify_hugetlb", MFD_HUGETLB | MFD_CLOEXEC);
	REQUIRE(fd >= 0);
	REQUIRE(ftruncate(fd, 2 * SZ_2M) == 0);
	p = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	REQUIRE(p != MAP_FAILED);
	CHECK_EQ(nmm_numa_bind(p, 2 * SZ_2M, node), 0);
	p[100] = 1;  /* fault the first 2 MiB page only */

	CHECK_EQ(nmm_numa_verify(p, 2 * SZ_2M, node, &on, &off, &absent), 0);
	CHECK_EQ(on, 512);
	CHECK_EQ(off, 0);
	CHECK_EQ(absent, 512);
	CHECK_EQ(nmm_numa_verify(p, SZ_2M, node + 1, &on, &off, &absent), 1);
	CHECK_EQ(off, 512);
	/* one query per hugepage says the same, in hugepage units */
	CHECK_EQ(nmm_numa_verify_stride(p, 2 * SZ_2M, SZ_2M, node, &on, &off, &absent), 0);
	CHECK_EQ(on, 1);
	CHECK_EQ(off, 0);
	CHECK_EQ(absent, 1);
	CHECK_EQ(nmm_numa_verify_stride(p, 2 * SZ_2M, SZ_2M, node + 1, &on, &off, &absent), 1);
	CHECK_EQ(off, 1);
	CHECK_EQ(nmm_numa_verify_stride(p, SZ_2M, SZ_2M + 4096, node, &on, &off, &absent), -EINVAL);
	CHECK_EQ(nmm_numa_verify_stride(p, SZ_2M, 2048, node, &on, &off, &absent), -EINVAL);

	munmap(p, 2 * SZ_2M);
	close(fd);
	if (before.free < 2)
		CHECK_EQ(nmm_numa_hugepages_reserve(node, SZ_2M, before.total), before.total);
	return test_done();
}
