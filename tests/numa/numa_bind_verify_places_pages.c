/* numa_bind_verify_places_pages - memory bound to node 0 before first touch is faulted in
 * there, and nmm_numa_verify() says so page by page; untouched pages report not present, and
 * asking does not fault them in (nor does a read-only zero page count); a hole in the range is -EFAULT.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "test.h"

#define NPAGES 64
#define PG 4096UL

static struct nmm_numa_topology topo;

static char *map(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	REQUIRE(p != MAP_FAILED);
	/* 4 KiB pages: a THP would make "every other page" meaningless */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static int resident(const char *p, size_t len)
{
	unsigned char vec[NPAGES];
	int n = 0;

	REQUIRE(mincore((void *)p, len, vec) == 0);
	for (size_t i = 0; i < len / PG; i++)
		n += vec[i] & 1;
	return n;
}

int main(void)
{
	unsigned long on, off, absent;
	size_t len = NPAGES * PG;
	int node;
	char *p;

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	node = topo.node[0].phys_node;

	/* touched after bind: all on the node */
	p = map(len);
	CHECK_EQ(nmm_numa_bind(p, len, node), 0);
	for (size_t i = 0; i < len; i += PG)
		p[i] = 1;
	CHECK_EQ(nmm_numa_verify(p, len, node, &on, &off, &absent), 0);
	CHECK_EQ(on, NPAGES);
	CHECK_EQ(off, 0);
	CHECK_EQ(absent, 0);
	/* an unaligned sub-range covers the granules it touches: bytes 100..PG+100 -> 2 pages */
	CHECK_EQ(nmm_numa_verify(p + 100, PG, node, &on, NULL, NULL), 0);
	CHECK_EQ(on, 2);
	munmap(p, len);

	/* untouched: nothing present, and verify does not fault anything in */
	p = map(len);
	CHECK_EQ(nmm_numa_bind(p, len, node), 0);
	CHECK_EQ(nmm_numa_verify(p, len, node, &on, &off, &absent), 0);
	CHECK_EQ(on, 0);
	CHECK_EQ(off, 0);
	CHECK_EQ(absent, NPAGES);
	CHECK_EQ(resident(p, len), 0);

	/* half touched: every other page */
	for (size_t i = 0; i < len; i += 2 * PG)
		p[i] = 1;
	CHECK_EQ(nmm_numa_verify(p, len, node, &on, &off, &absent), 0);
	CHECK_EQ(on, NPAGES / 2);
	CHECK_EQ(absent, NPAGES / 2);
	CHECK_EQ(resident(p, len), NPAGES / 2);

	/* a page only read maps the shared zero page: older kernels' move_pages says -EFAULT (not
	 * present), newer ones (seen on 6.18) count it on the node; never on another node */
	CHECK_EQ(*(volatile char *)(p + PG), 0);
	CHECK_EQ(nmm_numa_verify(p + PG, PG, node, &on, &off, &absent), 0);
	CHECK_EQ(on + absent, 1);
	CHECK_EQ(off, 0);

	/* a hole in the middle of the range */
	CHECK_EQ(munmap(p + 8 * PG, 8 * PG), 0);
	CHECK_EQ(nmm_numa_verify(p, len, node, &on, &off, &absent), -EFAULT);
	munmap(p, len);

	CHECK_EQ(nmm_numa_verify(p, 0, node, NULL, NULL, NULL), -EINVAL);
	return test_done();
}
