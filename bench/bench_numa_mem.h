/* bench/bench_numa_mem.h - node-placed memory for the NUMA benchmarks (bench/numa_*.c).
 *
 * One region of memory on one node, from one of three sources, seen as a list of chunks so that
 * the same measured loop runs over every source:
 *   NUMA_MEM_HUGETLB   numamm node memory, node booted with backing=hugetlb (2 MiB pages):
 *                      alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE, order <= MAX_ORDER)
 *                      blocks in the node's linear map
 *   NUMA_MEM_4K        the same with backing=shmem (a 4 KiB-page memfd)
 *   NUMA_MEM_ONNODE    libnuma's numa_alloc_onnode(size, nid): anonymous mmap + mbind, 4 KiB
 *                      pages (THP is in madvise mode here and libnuma does not madvise)
 * Chunks are at most 4 MiB (a MAX_ORDER block); numa_alloc_onnode memory is one mapping cut
 * into chunks of the same size. Every page is touched once after allocation (first touch
 * under the node's policy) and the node of the pages is checked with move_pages.
 */
#ifndef NUMAMM_BENCH_NUMA_MEM_H
#define NUMAMM_BENCH_NUMA_MEM_H

#include "gbench.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum numa_mem_kind { NUMA_MEM_HUGETLB, NUMA_MEM_4K, NUMA_MEM_ONNODE, NUMA_MEM_NR };

extern const char *const numa_mem_name[NUMA_MEM_NR];   /* numamm_hugetlb, numamm_4k, numa_alloc_onnode */

#define NUMA_MEM_MAX_CHUNKS 1024

struct numa_mem {
	enum numa_mem_kind kind;
	int node;
	size_t bytes;                 /* total, a multiple of chunk */
	size_t chunk;                 /* bytes per chunk */
	int nr_chunks;
	void *ptr[NUMA_MEM_MAX_CHUNKS];
	void *onnode;                 /* the numa_alloc_onnode mapping */
	struct page *pages[NUMA_MEM_MAX_CHUNKS];
	unsigned int order;
	unsigned long wrong_node;     /* pages move_pages found on another node */
};

/* numa_nodes - real NUMA nodes with memory (libnuma), at least 1. */
int numa_bench_nodes(void);

/* numa_bench_node_cpus - CPUs of real node @node into @cpus (at most @max). Return: how many. */
int numa_bench_node_cpus(int node, int *cpus, int max);

/* numa_bench_pin - bind the calling thread to CPU @i (mod count) of node @node.
 * Return: the CPU, or a negative errno. */
int numa_bench_pin(int node, int i);

/* numa_bench_boot - make sure numamm is booted with backing for @kind (hugetlb or shmem) and
 * at least @mib MiB per node; does nothing for NUMA_MEM_ONNODE. Thread 0, before the loop.
 * Return: 0, or a negative errno with @err filled (then the caller skips). */
int numa_bench_boot(enum numa_mem_kind kind, size_t mib, char *err, size_t errlen);

/* numa_mem_alloc - @bytes on @node from @kind into @m (chunks touched, placement verified).
 * Return: 0 or -ENOMEM (nothing left allocated). */
int numa_mem_alloc(struct numa_mem *m, enum numa_mem_kind kind, int node, size_t bytes);
void numa_mem_free(struct numa_mem *m);

/* The address of byte @off of the region. */
static inline char *numa_mem_at(const struct numa_mem *m, size_t off)
{
	return (char *)m->ptr[off / m->chunk] + off % m->chunk;
}

#ifdef __cplusplus
}
#endif
#endif
