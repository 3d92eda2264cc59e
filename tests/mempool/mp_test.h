/* tests/mempool/mp_test.h - a counting allocator for mempool tests: elements from kmalloc, a
 * switch that makes it fail (an exhausted allocator on demand), and counts that prove nothing is
 * lost or freed twice. */
#ifndef NUMAMM_TESTS_MP_TEST_H
#define NUMAMM_TESTS_MP_TEST_H

#include <errno.h>

#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "test.h"

struct counting_alloc {
	size_t size;
	int fail;                 /* 1: every allocation fails */
	int fail_after;           /* > 0: the allocation after this many succeeds fails */
	long allocs, frees;       /* successful allocations, frees: live = allocs - frees */
	long calls;
};

static inline void *counting_alloc_fn(gfp_t gfp, void *data)
{
	struct counting_alloc *c = data;
	__atomic_fetch_add(&c->calls, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&c->fail, __ATOMIC_RELAXED))
		return NULL;
	if (c->fail_after > 0 && __atomic_load_n(&c->allocs, __ATOMIC_RELAXED) >= c->fail_after)
		return NULL;
	void *p = kmalloc(c->size, gfp);
	if (p)
		__atomic_fetch_add(&c->allocs, 1, __ATOMIC_RELAXED);
	return p;
}

static inline void counting_free_fn(void *element, void *data)
{
	struct counting_alloc *c = data;
	__atomic_fetch_add(&c->frees, 1, __ATOMIC_RELAXED);
	kfree(element);
}

static inline long counting_live(struct counting_alloc *c)
{
	return __atomic_load_n(&c->allocs, __ATOMIC_RELAXED) - __atomic_load_n(&c->frees, __ATOMIC_RELAXED);
}

static inline void mp_test_boot(void)
{
	int e = nmm_boot("mem=128M hugepages=off");
	REQUIRE(e == 0);
}

#endif
