/* numa/fake.c - numa=fake=N: split every real node into N logical nodes.
 *
 * Follows the idea of the kernel's NUMA emulation (arch/x86/mm/numa_emulation.c,
 * split_nodes_interleave() and numa=fake=<N> in Documentation/admin-guide/kernel-parameters.txt)
 * so node-aware code paths (zonelists, per-node slab lists, remote frees) run on a one-node
 * machine. Our rules, which tests check:
 *
 *   ids       real node r (dense index) becomes logical nodes r*N .. r*N+N-1; phys_node stays
 *             the OS id of r, which is what placement (mbind) uses.
 *   memory    r's MemTotal and MemFree are cut at 4 KiB-aligned boundaries ALIGN_DOWN(T*k/N):
 *             every share but the last is page-aligned and the shares sum exactly to T.
 *   CPUs      the k-th CPU of r's ascending list goes to fake node k mod N (round robin), so
 *             with fewer CPUs than N some fake nodes have none, like CPU-less nodes.
 *   distance  i == j: 10. Same real node: 10 + 2*|ki - kj| (12, 14, 16, ...), strictly growing
 *             with the gap so zonelist order inside a real node is well defined (the kernel
 *             itself gives all emulated siblings the physical node's local distance).
 *             Different real nodes: the real SLIT distance, whatever the fake indexes.
 *   hugepages each fake node reports its real node's pool (it is shared, not divided).
 *   PCI       a device on real node r hangs off fake node r*N (the first of r's).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/topology.h>

#include "numa_internal.h"

#define NMM_PAGE_SIZE 4096ULL

int nmm_numa_fake_distance(int ki, int kj)
{
	int gap = ki > kj ? ki - kj : kj - ki;

	return gap == 0 ? 10 : 10 + 2 * gap;
}

/* The k-th cut of @total into @n shares: 0 at k == 0, @total at k == @n, page-aligned between. */
static uint64_t fake_cut(uint64_t total, int k, int n)
{
	if (k >= n)
		return total;
	/* total * k can exceed 64 bits only beyond 2^58 bytes of memory: split the product. */
	return ((total / n) * k + (total % n) * k / n) & ~(NMM_PAGE_SIZE - 1);
}

int nmm_numa_fake_split(struct nmm_numa_topology *topo, int fake)
{
	int nr_real = topo->nr_phys_nodes;
	struct nmm_numa_node *real;
	int (*real_dist)[NMM_MAX_NODES];
	int nr = nr_real * fake;

	if (fake < 2 || nr_real <= 0 || nr_real > NMM_MAX_NODES || nr > NMM_MAX_NODES)
		return -EINVAL;
	real = malloc(sizeof(*real) * (size_t)nr_real);
	real_dist = malloc(sizeof(*real_dist) * (size_t)nr_real);
	if (!real || !real_dist) {
		free(real);
		free(real_dist);
		return -ENOMEM;
	}
	memcpy(real, topo->node, sizeof(*real) * (size_t)nr_real);
	for (int i = 0; i < nr_real; i++)
		memcpy(real_dist[i], topo->distance[i], sizeof(real_dist[i]));

	memset(topo->node, 0, sizeof(topo->node));
	memset(topo->distance, 0, sizeof(topo->distance));
	for (int i = 0; i < NMM_MAX_CPUS; i++)
		topo->cpu_to_node[i] = -1;

	for (int r = 0; r < nr_real; r++) {
		const struct nmm_numa_node *rn = &real[r];

		for (int k = 0; k < fake; k++) {
			struct nmm_numa_node *nd = &topo->node[r * fake + k];

			nd->id = r * fake + k;
			nd->phys_node = rn->phys_node;
			nd->mem_total = fake_cut(rn->mem_total, k + 1, fake) -
					fake_cut(rn->mem_total, k, fake);
			nd->mem_free = fake_cut(rn->mem_free, k + 1, fake) -
				       fake_cut(rn->mem_free, k, fake);
			memcpy(nd->huge, rn->huge, sizeof(nd->huge));
		}
		for (int c = 0; c < rn->nr_cpus; c++) {
			struct nmm_numa_node *nd = &topo->node[r * fake + c % fake];

			nd->cpus[nd->nr_cpus++] = rn->cpus[c];
			topo->cpu_to_node[rn->cpus[c]] = nd->id;
		}
	}
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nr; j++) {
			int ri = i / fake, rj = j / fake;

			topo->distance[i][j] = ri == rj ?
				nmm_numa_fake_distance(i % fake, j % fake) : real_dist[ri][rj];
		}
	for (int p = 0; p < topo->nr_pci; p++)
		if (topo->pci[p].node >= 0)
			topo->pci[p].node *= fake;

	topo->nr_nodes = nr;
	topo->fake = fake;
	free(real);
	free(real_dist);
	return 0;
}
