/* bench/bench_numa_mem.c - node-placed memory for the NUMA benchmarks (see bench_numa_mem.h). */
#include "bench_numa_mem.h"

#include <errno.h>
#include <numa.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>
#include <numamm/topology.h>
#include <numamm/numamm.h>

const char *const numa_mem_name[NUMA_MEM_NR] = { "numamm_hugetlb", "numamm_4k",
						 "numa_alloc_onnode" };

int numa_bench_nodes(void)
{
	if (numa_available() < 0)
		return 1;
	return numa_max_node() + 1;
}

int numa_bench_node_cpus(int node, int *cpus, int max)
{
	struct bitmask *bm;
	int n = 0;

	if (numa_available() < 0) {
		for (int c = 0; c < max && c < (int)sysconf(_SC_NPROCESSORS_ONLN); c++)
			cpus[n++] = c;
		return n;
	}
	bm = numa_allocate_cpumask();
	if (!bm || numa_node_to_cpus(node, bm)) {
		if (bm)
			numa_free_cpumask(bm);
		return 0;
	}
	for (unsigned int c = 0; c < bm->size && n < max; c++)
		if (numa_bitmask_isbitset(bm, c))
			cpus[n++] = (int)c;
	numa_free_cpumask(bm);
	return n;
}

int numa_bench_pin(int node, int i)
{
	int cpus[1024], n = numa_bench_node_cpus(node, cpus, 1024);
	cpu_set_t set;

	if (n <= 0)
		return -ENODEV;
	CPU_ZERO(&set);
	CPU_SET(cpus[i % n], &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		return -EINVAL;
	return cpus[i % n];
}

int numa_bench_boot(enum numa_mem_kind kind, size_t mib, char *err, size_t errlen)
{
	char line[256];
	int rc;

	if (kind == NUMA_MEM_ONNODE)
		return 0;
	snprintf(line, sizeof(line), "mem=%zuM backing=%s", mib * (size_t)numa_bench_nodes(),
		 kind == NUMA_MEM_HUGETLB ? "hugetlb" : "shmem");
	if (nmm_booted() && !strcmp(nmm_boot_cmdline(), line))
		return 0;
	if (nmm_booted())
		nmm_shutdown();
	rc = nmm_boot(line);
	if (rc)
		snprintf(err, errlen, "nmm_boot(\"%s\"): %s: %s", line, strerror(-rc),
			 nmm_boot_strerror());
	return rc;
}

static void touch_and_verify(struct numa_mem *m)
{
	size_t step = m->kind == NUMA_MEM_HUGETLB ? 2u << 20 : 4096;
	unsigned long elsewhere = 0, e;

	for (int c = 0; c < m->nr_chunks; c++) {
		memset(m->ptr[c], 0, m->chunk);
		e = 0;
		if (numa_available() >= 0 &&
		    nmm_numa_verify_stride(m->ptr[c], m->chunk, m->chunk >= step ? step : 4096,
					   m->kind == NUMA_MEM_ONNODE ? m->node :
					   nmm_numa_phys_node(nmm_topology(), m->node),
					   NULL, &e, NULL) >= 0)
			elsewhere += e;
	}
	m->wrong_node = elsewhere;
}

int numa_mem_alloc(struct numa_mem *m, enum numa_mem_kind kind, int node, size_t bytes)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->node = node;
	m->order = 0;
	while (m->order < MAX_ORDER && (4096ul << m->order) < bytes)
		m->order++;
	m->chunk = 4096ul << m->order;
	m->nr_chunks = (int)((bytes + m->chunk - 1) / m->chunk);
	if (m->nr_chunks > NUMA_MEM_MAX_CHUNKS)
		return -ENOMEM;
	m->bytes = (size_t)m->nr_chunks * m->chunk;
	if (kind == NUMA_MEM_ONNODE) {
		m->onnode = numa_available() >= 0 ? numa_alloc_onnode(m->bytes, node) : NULL;
		if (!m->onnode)
			return -ENOMEM;
		for (int c = 0; c < m->nr_chunks; c++)
			m->ptr[c] = (char *)m->onnode + (size_t)c * m->chunk;
	} else {
		for (int c = 0; c < m->nr_chunks; c++) {
			m->pages[c] = alloc_pages_node(node, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN,
						       m->order);
			if (!m->pages[c]) {
				numa_mem_free(m);
				return -ENOMEM;
			}
			m->ptr[c] = page_address(m->pages[c]);
		}
	}
	touch_and_verify(m);
	return 0;
}

void numa_mem_free(struct numa_mem *m)
{
	if (m->onnode)
		numa_free(m->onnode, m->bytes);
	for (int c = 0; c < m->nr_chunks; c++)
		if (m->pages[c])
			__free_pages(m->pages[c], m->order);
	memset(m, 0, sizeof(*m));
}
