/* numamm/topology.h - the machine's NUMA topology and placement, as numamm sees it (numa/ layer).
 *
 * Topology comes from hwloc (nodes, CPUs, memory, hugepages, PCI devices), distances from the
 * SLIT (libnuma's numa_distance). `numa=fake=N` splits every real node into N logical nodes, as
 * the kernel's option does, so node logic runs on a one-node machine: logical node ids are what
 * every other layer uses; nmm_numa_phys_node() maps one back to the real node for placement.
 */
#ifndef NUMAMM_TOPOLOGY_H
#define NUMAMM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NMM_MAX_NODES 64           /* logical nodes, fake ones included */
#define NMM_MAX_CPUS 1024          /* highest possible CPU id + 1 we support */
#define NMM_MAX_PCI_DEVS 256

struct nmm_hugepage_info {
	uint64_t page_size;            /* bytes: 2 MiB or 1 GiB */
	unsigned long total;           /* nr_hugepages on the (real) node */
	unsigned long free;            /* free_hugepages on the (real) node */
};

struct nmm_numa_node {
	int id;                        /* logical node id (== real id without numa=fake) */
	int phys_node;                 /* the real OS node backing it */
	uint64_t mem_total;            /* bytes, of the real node divided among its fake nodes */
	uint64_t mem_free;
	int nr_cpus;
	int cpus[NMM_MAX_CPUS];        /* CPU ids, ascending */
	struct nmm_hugepage_info huge[2]; /* [0] = 2 MiB, [1] = 1 GiB (of the real node) */
};

struct nmm_pci_dev {
	char bdf[16];                  /* "0000:00:02.0" */
	uint16_t vendor, device;
	uint32_t class_id;             /* 24-bit PCI class code */
	int node;                      /* logical node it hangs off, -1 when unknown */
	char driver[32];               /* bound driver name, "" when none */
	int nr_bars;                   /* BARs present (size != 0) */
	struct { uint64_t start, size; } bar[6];  /* by BAR number; size 0 = absent */
};

struct nmm_numa_topology {
	int nr_nodes;                  /* logical nodes, ids 0..nr_nodes-1 */
	int nr_phys_nodes;             /* real OS nodes */
	int fake;                      /* N of numa=fake=N, 0 when off */
	int nr_cpus;                   /* online CPUs */
	int max_cpu;                   /* highest possible CPU id + 1 (size per-CPU arrays by this) */
	int cpu_to_node[NMM_MAX_CPUS]; /* logical node of each CPU, -1 when not present */
	int distance[NMM_MAX_NODES][NMM_MAX_NODES]; /* SLIT-style, 10 = local */
	struct nmm_numa_node node[NMM_MAX_NODES];
	int nr_pci;
	struct nmm_pci_dev pci[NMM_MAX_PCI_DEVS];
	char cpu_model[128];
};

/**
 * nmm_numa_topology_load - discover the machine's topology.
 * @topo: filled in
 * @fake: split each real node into @fake logical nodes (0 or 1 = off)
 *
 * Context: process context; calls hwloc and libnuma, which may allocate with malloc.
 * Return: 0, or -EINVAL for a bad @fake, -ENODEV when hwloc cannot read the machine.
 */
int nmm_numa_topology_load(struct nmm_numa_topology *topo, int fake);

/* nmm_numa_nodes_by_distance - fill @order with node ids sorted by distance from @node (itself
 * first; ties by id). Return: the number of ids written. */
int nmm_numa_nodes_by_distance(const struct nmm_numa_topology *topo, int node,
			       int order[NMM_MAX_NODES]);

/**
 * nmm_numa_phys_node - the real OS node backing logical node @node.
 * @topo: a loaded topology
 * @node: logical node id (a numa=fake id, or the dense id of a real node)
 *
 * Real node ids may have holes (nodes 0 and 2); logical ids never do. Loops over real nodes
 * should use nmm_numa_phys_node(topo, r * (topo->fake ? topo->fake : 1)) for r in
 * 0..nr_phys_nodes-1, not r itself.
 *
 * Context: any; pure lookup.
 * Return: the OS node id, or -1 for a bad @node.
 */
int nmm_numa_phys_node(const struct nmm_numa_topology *topo, int node);

/**
 * nmm_numa_bind - bind [addr, addr+len) to a real node before first touch (mbind MPOL_BIND).
 * Return: 0 or a negative errno.
 */
int nmm_numa_bind(void *addr, size_t len, int phys_node);

/**
 * nmm_numa_verify - where are the pages of [addr, addr+len) really? (move_pages with NULL nodes)
 * @node: the real node they should be on
 * @on_node, @elsewhere, @not_present: counts of pages (4 KiB granules queried), may be NULL
 *
 * Pages not yet faulted in count as not present; the call does not fault them.
 * Return: 0 when every present page is on @node, 1 when some are elsewhere, or a negative errno.
 */
int nmm_numa_verify(const void *addr, size_t len, int node, unsigned long *on_node,
		    unsigned long *elsewhere, unsigned long *not_present);

/**
 * nmm_numa_verify_stride - nmm_numa_verify() with one query per @stride bytes (a power of two
 * >= 4 KiB; use the hugepage size for hugetlb mappings: 512 times fewer queries at 2 MiB).
 * Counts are in @stride granules. Return: as nmm_numa_verify(), or -EINVAL for a bad @stride.
 */
int nmm_numa_verify_stride(const void *addr, size_t len, size_t stride, int node,
			   unsigned long *on_node, unsigned long *elsewhere,
			   unsigned long *not_present);

/**
 * nmm_numa_hugepages_reserve - ask the kernel for @nr persistent hugepages on a real node.
 * @page_size: 2 MiB or 1 GiB
 *
 * Writes /sys/devices/system/node/nodeN/hugepages/hugepages-<size>kB/nr_hugepages (root only)
 * and reads back what the kernel actually granted; asking for less releases pages.
 * Return: the number of hugepages the node now has, or a negative errno (-EACCES, -ENOENT).
 */
long nmm_numa_hugepages_reserve(int phys_node, uint64_t page_size, unsigned long nr);

/* nmm_numa_hugepages_query - current total/free hugepages of a real node. Return 0 or -errno. */
int nmm_numa_hugepages_query(int phys_node, uint64_t page_size, struct nmm_hugepage_info *out);

/* nmm_numa_current_cpu - the CPU this thread runs on (rseq cpu_id when glibc registered it,
 * sched_getcpu otherwise). */
int nmm_numa_current_cpu(void);

#ifdef __cplusplus
}
#endif
#endif
