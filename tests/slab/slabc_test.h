/* tests/slab/slabc_test.h - helpers for the SLAB (slab=slab) back end's own tests: boot it, pin
 * threads, and look at its arrays and node lists (lib/slab/slab_classic.h). */
#ifndef NUMAMM_TESTS_SLABC_TEST_H
#define NUMAMM_TESTS_SLABC_TEST_H

#include <pthread.h>
#include <sched.h>

#include "slab/slab_classic.h"
#include "slab_test.h"

static inline void slabc_boot(const char *extra)
{
	slab_test_boot_own("slab", extra);
	REQUIRE(slab_ops == &slab_classic_allocator);
}

#define slabc_pin slab_test_pin

static inline int slabc_online_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* Does this thread use the per-CPU arrays (rseq), or a per-thread one? */
static inline bool slabc_thread_uses_cpu_arrays(void)
{
	return slabc_rseq_cpu() >= 0;
}

/* The array the calling (pinned) thread allocates from and frees to. */
static inline struct array_cache *slabc_my_ac(struct kmem_cache *s)
{
	int cpu = slabc_rseq_cpu();
	return cpu >= 0 ? slabc_cpu_ac(s, (unsigned int)cpu) : slabc_thread_ac(s);
}

static inline struct slabc_node *slabc_node_of(struct kmem_cache *s, int nid)
{
	return slabc(s)->node[nid];
}

static inline unsigned long slabc_node_slabs(struct kmem_cache *s, int nid)
{
	struct slabc_node *n = slabc_node_of(s, nid);
	spin_lock(&n->list_lock);
	unsigned long v = n->total_slabs;
	spin_unlock(&n->list_lock);
	return v;
}

static inline unsigned long slabc_total_slabs(struct kmem_cache *s)
{
	unsigned long v = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		v += slabc_node_slabs(s, nid);
	return v;
}

static inline unsigned int slabc_shared_avail(struct kmem_cache *s, int nid)
{
	struct slabc_node *n = slabc_node_of(s, nid);
	return n->shared ? ac_avail(n->shared) : 0;
}

/* Cheap xorshift for randomized sequences with a printed seed. */
static inline unsigned long slabc_rand(unsigned long *state)
{
	unsigned long x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif
