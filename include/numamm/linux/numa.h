/* linux/numa.h - node ids and iteration, kernel names over numamm's booted topology. */
#ifndef NUMAMM_LINUX_NUMA_H
#define NUMAMM_LINUX_NUMA_H

#include "../cpu.h"
#include "../topology.h"

#define NUMA_NO_NODE (-1)
#define MAX_NUMNODES NMM_MAX_NODES
#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20

extern int nr_node_ids;          /* logical nodes booted */
extern int nmm_cpu_to_node_map[NMM_MAX_CPUS];

static inline int cpu_to_node(int cpu)
{
	return (unsigned)cpu < NMM_MAX_CPUS ? nmm_cpu_to_node_map[cpu] : 0;
}

/* numa_node_id - the node of the CPU this thread runs on; like the kernel's in preemptible
 * context, a hint that may be stale by the time it is used. */
static inline int numa_node_id(void)
{
	return cpu_to_node(nmm_cpu_current_hint());
}

int node_distance(int a, int b);
bool node_online(int nid);
bool node_state_memory(int nid);  /* N_MEMORY: the node has memory */

#define for_each_node(nid) for ((nid) = 0; (nid) < nr_node_ids; (nid)++)
#define for_each_online_node(nid) for_each_node(nid) if (!node_online(nid)) {} else

#endif
