/* tests/slab/slob_test.h - helpers for the SLOB back end's own tests (slob_*.c): boot SLOB and
 * look into the page holding an object through slob_page_state() (lib/slab/slob.c). */
#ifndef NUMAMM_TESTS_SLAB_SLOB_TEST_H
#define NUMAMM_TESTS_SLAB_SLOB_TEST_H

#include "slab_test.h"

#define SLOB_TEST_UNIT 8                 /* SLOB_UNIT: free blocks and headers count these */
#define SLOB_TEST_PAGE_UNITS ((long)(PAGE_SIZE / SLOB_TEST_UNIT))
enum { SLOB_SMALL, SLOB_MEDIUM, SLOB_LARGE, SLOB_FULL };

/* lib/slab/slob.c: the list of the page holding @p (SLOB_SMALL..SLOB_FULL, -1: no SLOB page),
 * its free units and free blocks. */
int slob_page_state(const void *p, long *free_units, int *free_blocks);

static inline void slob_test_boot(const char *extra)
{
	slab_test_boot_with("slob", extra);
}

static inline int slob_free_blocks(const void *p)
{
	int n = -1;
	slob_page_state(p, NULL, &n);
	return n;
}

static inline long slob_free_units(const void *p)
{
	long n = -1;
	slob_page_state(p, &n, NULL);
	return n;
}

/* Free pages in the buddy allocator, per-CPU lists drained first. */
static inline unsigned long slob_test_free_pages(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

#endif
