/* numa_verify_detects_wrong_node - pages that are on node A are reported "elsewhere" when
 * verified against node B (on a one-node machine B is a node that does not exist), so
 * verify really looks at where pages are rather than echoing the node it was given.
 */
#include <sys/mman.h>

#include <numamm/topology.h>

#include "test.h"

#define NPAGES 32
#define PG 4096UL

static struct nmm_numa_topology topo;

int main(void)
{
	unsigned long on, off, absent;
	size_t len = NPAGES * PG;
	int node, other;
	char *p;

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	node = topo.node[0].phys_node;
	other = topo.nr_phys_nodes > 1 ? topo.node[1].phys_node : node + 1;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	REQUIRE(nmm_numa_bind(p, len, node) == 0);
	for (size_t i = 0; i < len; i += PG)
		p[i] = 1;

	CHECK_EQ(nmm_numa_verify(p, len, other, &on, &off, &absent), 1);
	CHECK_EQ(on, 0);
	CHECK_EQ(off, NPAGES);
	CHECK_EQ(absent, 0);
	/* and the control: against the right node it is clean */
	CHECK_EQ(nmm_numa_verify(p, len, node, &on, &off, &absent), 0);
	CHECK_EQ(on, NPAGES);
	CHECK_EQ(off, 0);
	munmap(p, len);
	return test_done();
}
