/* tests/slab/debug_test.h - helpers for the debug layer's tests (tests/slab/debug_*.c): run a
 * body with stderr captured, count occurrences in a report, and prove a cache still works
 * after a fault (lots of allocations, no object handed out twice, no new report). */
#ifndef NUMAMM_TESTS_SLAB_DEBUG_TEST_H
#define NUMAMM_TESTS_SLAB_DEBUG_TEST_H

#include <stdint.h>
#include <stdlib.h>

#include "slab_test.h"

/* Big enough for a few full reports (each dumps at most ~300 bytes of an object). */
#define DEBUG_MSG_MAX 65536

/* Run @body with stderr captured into @buf (char[DEBUG_MSG_MAX]). */
#define CAPTURE_STDERR(buf, body)                                  \
	do {                                                       \
		struct stderr_capture _cap;                        \
		stderr_capture_begin(&_cap);                       \
		body;                                              \
		stderr_capture_end(&_cap, (buf), DEBUG_MSG_MAX);   \
	} while (0)

static inline int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Allocate @n objects of @s (writing each fully), check no two are the same object and none is
 * in @avoid (objects the caller still owns or that debug keeps out of circulation), free them
 * all, twice over. A back end whose freelist a bad free reached would hand an object out twice.
 */
static inline void churn_cache(struct kmem_cache *s, int n, void *const *avoid, int navoid)
{
	void **p = calloc((size_t)n + (size_t)navoid, sizeof(void *));
	REQUIRE(p);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < n; i++) {
			p[i] = kmem_cache_alloc(s, GFP_KERNEL);
			REQUIRE(p[i]);
			memset(p[i], 0x30 + (i & 15), kmem_cache_size(s));
		}
		for (int i = 0; i < navoid; i++)
			p[n + i] = avoid[i];
		qsort(p, (size_t)n + (size_t)navoid, sizeof(void *), cmp_ptr);
		for (int i = 1; i < n + navoid; i++)
			CHECK(p[i] != p[i - 1]);
		/* free only ours: find them again by excluding @avoid */
		for (int i = 0; i < n + navoid; i++) {
			bool theirs = false;
			for (int k = 0; k < navoid; k++)
				theirs |= p[i] == avoid[k];
			if (!theirs)
				kmem_cache_free(s, p[i]);
		}
	}
	free(p);
}

#endif
