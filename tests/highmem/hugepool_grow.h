/* tests/highmem/hugepool_grow.h - make sure node 0 has @need free 2 MiB pages, growing the pool
 * (never shrinking it: other test runs may be using it) and giving the growth back at exit. */
#ifndef NUMAMM_TESTS_HUGEPOOL_GROW_H
#define NUMAMM_TESTS_HUGEPOOL_GROW_H

#include <numamm/topology.h>

#include "test.h"

#define HUGE_2M (2ULL << 20)

static long hp_grown;

static void hp_give_back(void)
{
	struct nmm_hugepage_info hi;
	if (hp_grown > 0 && !nmm_numa_hugepages_query(0, HUGE_2M, &hi))
		nmm_numa_hugepages_reserve(0, HUGE_2M, hi.total - (unsigned long)hp_grown);
}

static inline void hp_need(unsigned long need)
{
	struct nmm_hugepage_info hi;
	if (nmm_numa_hugepages_query(0, HUGE_2M, &hi))
		SKIP("no 2 MiB hugepage support on node 0");
	if (hi.free >= need)
		return;
	if (geteuid() != 0)
		SKIP("node 0 has %lu free 2 MiB pages, %lu needed, and growing the pool needs root",
		     (unsigned long)hi.free, need);
	unsigned long want = hi.total + (need - hi.free);
	long got = nmm_numa_hugepages_reserve(0, HUGE_2M, want);
	if (got > (long)hi.total) {
		hp_grown = got - (long)hi.total;
		atexit(hp_give_back);
	}
	if (got < (long)want)
		SKIP("could not grow node 0's 2 MiB pool to %lu pages (got %ld)", want, got);
}

#endif
