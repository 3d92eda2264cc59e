/* numa_fake_bad_value - numa=fake= refuses what cannot be built: a negative N, or more logical
 * nodes than NMM_MAX_NODES, with -EINVAL; the largest N that fits works; 0 and 1 mean off.
 */
#include <errno.h>
#include <limits.h>

#include <numamm/topology.h>

#include "test.h"

static struct nmm_numa_topology topo;

int main(void)
{
	int nr_real, max_fake;

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	nr_real = topo.nr_phys_nodes;
	max_fake = NMM_MAX_NODES / nr_real;

	CHECK_EQ(nmm_numa_topology_load(&topo, -1), -EINVAL);
	CHECK_EQ(nmm_numa_topology_load(&topo, INT_MIN), -EINVAL);
	CHECK_EQ(nmm_numa_topology_load(&topo, INT_MAX), -EINVAL);
	CHECK_EQ(nmm_numa_topology_load(&topo, max_fake + 1), -EINVAL);
	CHECK_EQ(topo.nr_nodes, 0);  /* a refused load leaves nothing half-built */
	CHECK_EQ(nmm_numa_topology_load(NULL, 0), -EINVAL);

	CHECK_EQ(nmm_numa_topology_load(&topo, max_fake), 0);
	CHECK_EQ(topo.nr_nodes, max_fake * nr_real);
	CHECK_EQ(topo.fake, max_fake > 1 ? max_fake : 0);

	CHECK_EQ(nmm_numa_topology_load(&topo, 1), 0);
	CHECK_EQ(topo.nr_nodes, nr_real);
	CHECK_EQ(topo.fake, 0);
	return test_done();
}
