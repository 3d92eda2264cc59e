/* tests/slab/slub_test.h - helpers for the SLUB (slab=slub) back end's own tests: boot it, pin
 * threads, stamp objects, and look at its per-CPU, per-thread and node structures
 * (lib/slab/slub.h). */
#ifndef NUMAMM_TESTS_SLUB_TEST_H
#define NUMAMM_TESTS_SLUB_TEST_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include <numamm/linux/gfp.h>

#include "slab/slub.h"
#include "slab_test.h"

static inline void slub_boot(const char *extra)
{
	slab_test_boot_own("slub", extra);
	REQUIRE(slab_ops == &slub_allocator);
}

#define slub_pin slab_test_pin

/* The CPUs this process may run on, in @cpus; return how many. */
static inline int slub_allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Does the calling thread work on the per-CPU structures (rseq) or on its own table? */
static inline bool slub_thread_on_rseq(void)
{
	return !slub_thread_cpu && slub_rseq_usable && nmm_cpu_rseq_id() >= 0;
}

/* Fill an object with a pattern derived from @tag, check it later. */
static inline void slub_stamp(void *p, unsigned int size, uint64_t tag)
{
	uint64_t *w = p;
	for (unsigned int i = 0; i < size / 8; i++)
		w[i] = tag * 0x9e3779b97f4a7c15ULL + i;
}

static inline bool slub_stamped(const void *p, unsigned int size, uint64_t tag)
{
	const uint64_t *w = p;
	for (unsigned int i = 0; i < size / 8; i++)
		if (w[i] != tag * 0x9e3779b97f4a7c15ULL + i)
			return false;
	return true;
}

/* Is @p an object start of a slab page of @s? */
static inline bool slub_obj_of(struct kmem_cache *s, const void *p)
{
	if (!virt_addr_valid(p))
		return false;
	struct slab *slab = virt_to_slab(p);
	return slab && slab->slab_cache == s && s->ops->is_obj_start(s, slab, p);
}

static inline long slub_node_slabs(struct kmem_cache *s, int nid)
{
	return __atomic_load_n(&slub_node(s, nid)->nr_slabs, __ATOMIC_RELAXED);
}

static inline long slub_slabs(struct kmem_cache *s)
{
	long n = 0;
	for (unsigned int nid = 0; nid < slub_priv(s)->nr_nodes; nid++)
		n += slub_node_slabs(s, (int)nid);
	return n;
}

struct slub_count {
	unsigned long allocated, free;
};

static inline void slub_count_fn(struct kmem_cache *s, void *obj, bool allocated, void *arg)
{
	(void)s;
	(void)obj;
	struct slub_count *c = arg;
	if (allocated)
		c->allocated++;
	else
		c->free++;
}

/* Objects of @s the back end considers allocated (for_each_object). */
static inline unsigned long slub_live_objects(struct kmem_cache *s)
{
	struct slub_count c = { 0, 0 };
	s->ops->for_each_object(s, slub_count_fn, &c);
	return c.allocated;
}

/* A SLUB statistic of @s folded over CPUs, threads and exited threads. */
static inline unsigned long slub_stat_total(struct kmem_cache *s, enum slub_stat_item item)
{
	unsigned long v = __atomic_load_n(&slub_priv(s)->stat_other[item], __ATOMIC_RELAXED);
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
		v += __atomic_load_n(&slub_cpu(s, cpu)->stat[item], __ATOMIC_RELAXED);
	if (slub_thread_cpu)
		v += slub_thread_cpu[s->id].stat[item];
	return v;
}

/* Free pages after the pcp lists went back to the buddy allocator. */
static inline unsigned long slub_free_pages(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

#endif
