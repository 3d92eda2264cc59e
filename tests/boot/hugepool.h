/* tests/boot/hugepool.h - save and restore the machine's 2 MiB hugepage pool around a test. */
#ifndef NUMAMM_TESTS_HUGEPOOL_H
#define NUMAMM_TESTS_HUGEPOOL_H

#include <stdlib.h>
#include <unistd.h>

#include <numamm/numa.h>

#include "test.h"

#define HUGE_2M (2ULL << 20)

static long saved_pool = -1;

static void restore_pool(void)
{
	if (saved_pool >= 0)
		nmm_numa_hugepages_reserve(0, HUGE_2M, (unsigned long)saved_pool);
}

/* Set node 0's pool to @nr pages (restored at exit); skip when not root. Return: granted. */
static long set_pool(unsigned long nr)
{
	if (geteuid() != 0)
		SKIP("changing the hugepage pool needs root");
	if (saved_pool < 0) {
		struct nmm_hugepage_info hi;
		REQUIRE(nmm_numa_hugepages_query(0, HUGE_2M, &hi) == 0);
		saved_pool = (long)hi.total;
		atexit(restore_pool);
	}
	return nmm_numa_hugepages_reserve(0, HUGE_2M, nr);
}

#endif
