/* numa_distance_matches_slit - distance[i][j] is the kernel's SLIT row for node i
 * (/sys/devices/system/node/nodeI/distance, one entry per online node; not assumed symmetric,
 * the QEMU 4node guest's is not), and
 * nmm_numa_nodes_by_distance() orders nodes by it: self first, then nearest, ties by id.
 */
#include <numamm/topology.h>

#include "sysfs_probe.h"
#include "test.h"

static struct nmm_numa_topology topo;

int main(void)
{
	int online[NMM_MAX_NODES + 1], nr_online, row[NMM_MAX_NODES + 1], order[NMM_MAX_NODES];
	char path[128];

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	nr_online = probe_list_file("/sys/devices/system/node/online", online, NMM_MAX_NODES + 1);
	REQUIRE(nr_online > 0);

	for (int i = 0; i < topo.nr_nodes; i++) {
		int n;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance",
			 topo.node[i].phys_node);
		{
			char buf[1024], *p = buf, *end;

			REQUIRE(probe_read(path, buf, sizeof(buf)));
			for (n = 0; n < nr_online; n++, p = end) {
				row[n] = (int)strtol(p, &end, 10);
				REQUIRE(end != p);
			}
		}
		for (int j = 0; j < topo.nr_nodes; j++) {
			int col = -1;

			for (int k = 0; k < nr_online; k++)
				if (online[k] == topo.node[j].phys_node)
					col = k;
			REQUIRE(col >= 0);
			/* row i, column j: a SLIT may be asymmetric, and so must we be */
			CHECK_EQ(topo.distance[i][j], row[col]);
		}
		CHECK_EQ(topo.distance[i][i], 10);

		n = nmm_numa_nodes_by_distance(&topo, i, order);
		CHECK_EQ(n, topo.nr_nodes);
		CHECK_EQ(order[0], i);
		for (int k = 2; k < n; k++) {
			int a = order[k - 1], b = order[k];

			CHECK(topo.distance[i][a] < topo.distance[i][b] ||
			      (topo.distance[i][a] == topo.distance[i][b] && a < b));
		}
	}
	CHECK_EQ(nmm_numa_nodes_by_distance(&topo, topo.nr_nodes, order), 0);
	CHECK_EQ(nmm_numa_nodes_by_distance(&topo, -1, order), 0);
	return test_done();
}
