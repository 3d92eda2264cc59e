/* tests/boot/hugepool.h - save and restore the machine's 2 MiB hugepage pools around a test.
 *
 * set_pool() sizes the pool of every real node with memory (only node 0 on a one-node host), so
 * a layout with memory on every node finds the same pool on each; all pools touched are
 * restored at exit. */
#ifndef NUMAMM_TESTS_HUGEPOOL_H
#define NUMAMM_TESTS_HUGEPOOL_H

#include <stdlib.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "test.h"

#define HUGE_2M (2ULL << 20)

static struct nmm_numa_topology pool_topo;
static int pool_nr_phys = -1;              /* real nodes with memory */
static int pool_phys[NMM_MAX_NODES];       /* their OS ids */
static long saved_pool[NMM_MAX_NODES];     /* by index into pool_phys, -1 = untouched */

static void restore_pool(void)
{
	for (int i = 0; i < pool_nr_phys; i++)
		if (saved_pool[i] >= 0)
			nmm_numa_hugepages_reserve(pool_phys[i], HUGE_2M, (unsigned long)saved_pool[i]);
}

/* The real nodes with memory: how many, ids in pool_phys[]. */
static int pool_nodes(void)
{
	if (pool_nr_phys < 0) {
		REQUIRE(nmm_numa_topology_load(&pool_topo, 0) == 0);
		pool_nr_phys = 0;
		for (int i = 0; i < pool_topo.nr_nodes; i++)
			if (pool_topo.node[i].mem_total) {
				saved_pool[pool_nr_phys] = -1;
				pool_phys[pool_nr_phys++] = pool_topo.node[i].phys_node;
			}
		REQUIRE(pool_nr_phys > 0);
	}
	return pool_nr_phys;
}

/* Set every memory node's pool to @nr pages (restored at exit); skip when not root.
 * Return: the fewest any node was granted. */
static long set_pool(unsigned long nr)
{
	long least = -1;
	if (geteuid() != 0)
		SKIP("changing the hugepage pool needs root");
	pool_nodes();
	for (int i = 0; i < pool_nr_phys; i++) {
		if (saved_pool[i] < 0) {
			struct nmm_hugepage_info hi;
			REQUIRE(nmm_numa_hugepages_query(pool_phys[i], HUGE_2M, &hi) == 0);
			saved_pool[i] = (long)hi.total;
			static int registered;
			if (!registered++)
				atexit(restore_pool);
		}
		long got = nmm_numa_hugepages_reserve(pool_phys[i], HUGE_2M, nr);
		if (least < 0 || got < least)
			least = got;
	}
	return least;
}

#endif
