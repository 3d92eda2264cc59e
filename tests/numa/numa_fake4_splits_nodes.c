/* numa_fake4_splits_nodes - numa=fake=4 turns each real node r into logical nodes 4r..4r+3:
 * memory cut in page-aligned shares that sum to the real node's, CPUs dealt round robin,
 * distances 10 / 10+2*|ki-kj| inside a real node (symmetric) and the real SLIT across, and
 * nodes_by_distance following them; PCI devices hang off the first fake node of their node.
 */
#include <numamm/topology.h>

#include "test.h"

#define N 4

static struct nmm_numa_topology real, fake;

int main(void)
{
	int order[NMM_MAX_NODES];

	REQUIRE(nmm_numa_topology_load(&real, 0) == 0);
	if (real.nr_phys_nodes * N > NMM_MAX_NODES)
		SKIP("%d real nodes * %d > NMM_MAX_NODES", real.nr_phys_nodes, N);
	REQUIRE(nmm_numa_topology_load(&fake, N) == 0);

	CHECK_EQ(fake.fake, N);
	CHECK_EQ(fake.nr_phys_nodes, real.nr_phys_nodes);
	CHECK_EQ(fake.nr_nodes, real.nr_phys_nodes * N);
	CHECK_EQ(fake.nr_cpus, real.nr_cpus);
	CHECK_EQ(fake.max_cpu, real.max_cpu);

	for (int r = 0; r < real.nr_nodes; r++) {
		const struct nmm_numa_node *rn = &real.node[r];
		unsigned long long mem = 0, mem_free = 0;
		int cpus = 0;

		for (int k = 0; k < N; k++) {
			const struct nmm_numa_node *nd = &fake.node[r * N + k];

			CHECK_EQ(nd->id, r * N + k);
			CHECK_EQ(nd->phys_node, rn->phys_node);
			CHECK_EQ(nmm_numa_phys_node(&fake, r * N + k), rn->phys_node);
			mem += nd->mem_total;
			mem_free += nd->mem_free;
			/* even shares: within a page of T/N, and page-aligned but for the last */
			CHECK(nd->mem_total + 4096 >= rn->mem_total / N &&
			      nd->mem_total <= rn->mem_total / N + 4096);
			if (k < N - 1)
				CHECK_EQ(nd->mem_total % 4096, 0);
			CHECK_EQ(nd->huge[0].page_size, rn->huge[0].page_size);
			CHECK_EQ(nd->huge[0].total, rn->huge[0].total);
			cpus += nd->nr_cpus;
			/* round robin: this fake node's c-th CPU is the real node's (c*N + k)-th */
			for (int c = 0; c < nd->nr_cpus; c++) {
				REQUIRE(c * N + k < rn->nr_cpus);
				CHECK_EQ(nd->cpus[c], rn->cpus[c * N + k]);
				CHECK_EQ(fake.cpu_to_node[nd->cpus[c]], r * N + k);
			}
			CHECK_EQ(nd->nr_cpus, (rn->nr_cpus - k + N - 1) / N);
		}
		CHECK_EQ(mem, rn->mem_total);
		/* MemFree moves between the two loads: only check its shares are even */
		for (int k = 1; k < N; k++) {
			unsigned long long a = fake.node[r * N].mem_free, b = fake.node[r * N + k].mem_free;

			CHECK((a > b ? a - b : b - a) <= 2 * 4096);
		}
		CHECK(rn->mem_total == 0 || mem_free > 0);  /* memoryless nodes have neither */
		CHECK_EQ(cpus, rn->nr_cpus);
	}

	for (int i = 0; i < fake.nr_nodes; i++)
		for (int j = 0; j < fake.nr_nodes; j++) {
			int ri = i / N, rj = j / N, gap = i % N > j % N ? i % N - j % N : j % N - i % N;
			int want = ri != rj ? real.distance[ri][rj] : 10 + 2 * gap;

			CHECK_EQ(fake.distance[i][j], want);
			if (ri == rj)  /* ours are symmetric; the SLIT across need not be */
				CHECK_EQ(fake.distance[i][j], fake.distance[j][i]);
		}

	for (int i = 0; i < fake.nr_nodes; i++) {
		int n = nmm_numa_nodes_by_distance(&fake, i, order);
		unsigned long long seen = 0;

		CHECK_EQ(n, fake.nr_nodes);
		CHECK_EQ(order[0], i);
		for (int k = 0; k < n; k++)
			seen |= 1ULL << order[k];
		CHECK_EQ(seen, n == 64 ? ~0ULL : (1ULL << n) - 1);
		for (int k = 2; k < n; k++)
			CHECK(fake.distance[i][order[k - 1]] < fake.distance[i][order[k]] ||
			      (fake.distance[i][order[k - 1]] == fake.distance[i][order[k]] &&
			       order[k - 1] < order[k]));
	}
	if (real.nr_nodes == 1) {
		/* node 2's zonelist: itself, then 1 and 3 (12, tie by id), then 0 (14) */
		CHECK_EQ(nmm_numa_nodes_by_distance(&fake, 2, order), 4);
		CHECK_EQ(order[0], 2);
		CHECK_EQ(order[1], 1);
		CHECK_EQ(order[2], 3);
		CHECK_EQ(order[3], 0);
	}

	CHECK_EQ(nmm_numa_phys_node(&fake, fake.nr_nodes), -1);
	CHECK_EQ(nmm_numa_phys_node(&fake, -1), -1);

	CHECK_EQ(fake.nr_pci, real.nr_pci);
	for (int p = 0; p < fake.nr_pci && p < real.nr_pci; p++)
		CHECK_EQ(fake.pci[p].node, real.pci[p].node < 0 ? -1 : real.pci[p].node * N);
	return test_done();
}
