/* tests/memblock/memblock_test.h - helpers shared by the memblock tests, in the shape of the
 * kernel's memblock simulator (tools/testing/memblock): a private linear map so virtual
 * allocations work without booting, a reset before each case, an invariant walker run after
 * each case, both allocation directions, and stderr capture for warnings and debug lines.
 */
#ifndef NUMAMM_TESTS_MEMBLOCK_TEST_H
#define NUMAMM_TESTS_MEMBLOCK_TEST_H

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/sizes.h>

#include "test.h"

/* <numamm/linux/sizes.h> lacks these (the kernel's sizes.h has them). */
#ifndef SZ_8M
#define SZ_8M 0x00800000UL
#endif
#ifndef SZ_32M
#define SZ_32M 0x02000000UL
#endif
#ifndef SZ_128
#define SZ_128 0x00000080UL
#endif
#ifndef SZ_256
#define SZ_256 0x00000100UL
#endif
#ifndef SZ_512
#define SZ_512 0x00000200UL
#endif
#ifndef SZ_2K
#define SZ_2K 0x00000800UL
#endif
#ifndef SZ_32K
#define SZ_32K 0x00008000UL
#endif
#ifndef SZ_128K
#define SZ_128K 0x00020000UL
#endif
#ifndef SZ_256K
#define SZ_256K 0x00040000UL
#endif
#ifndef SZ_512K
#define SZ_512K 0x00080000UL
#endif

/* The simulated physical memory is [0, MEM_SIZE), mapped at nmm_linear_base. */
#define MEM_SIZE SZ_64M

static void *test_linear_map;

/* Map MEM_SIZE bytes and make them the linear map for physical [0, MEM_SIZE). */
static inline void setup_linear_map(void)
{
	if (test_linear_map)
		return;
	test_linear_map = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	REQUIRE(test_linear_map != MAP_FAILED);
	nmm_linear_base = (uintptr_t)test_linear_map;
}

static inline void reset_memblock(void)
{
	nmm_memblock_reset();
	setup_linear_map();
}

/* Physical address of a pointer returned by memblock_alloc*(). */
static inline phys_addr_t test_pa(const void *p)
{
	return (phys_addr_t)((uintptr_t)p - (uintptr_t)test_linear_map);
}

/*
 * memblock_type_is_valid - the invariants of <linux/memblock.h>: sorted, not overlapping,
 * touching neighbours differ in node or flags, total_size is the sum, cnt <= max.
 */
static inline bool memblock_type_is_valid(const struct memblock_type *t)
{
	phys_addr_t sum = 0;
	unsigned long i;

	if (t->cnt > t->max)
		return false;
	for (i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];

		if (r->size == 0 || r->base + r->size < r->base)
			return false;
		sum += r->size;
		if (i + 1 < t->cnt) {
			const struct memblock_region *n = r + 1;

			if (r->base + r->size > n->base)
				return false;
			if (r->base + r->size == n->base && r->nid == n->nid &&
			    r->flags == n->flags)
				return false;
		}
	}
	return sum == t->total_size;
}

#define CHECK_MEMBLOCK_VALID()                                          \
	do {                                                            \
		CHECK(memblock_type_is_valid(&memblock.memory));        \
		CHECK(memblock_type_is_valid(&memblock.reserved));      \
		CHECK(nmm_memblock_is_valid());                         \
	} while (0)

/* CHECK_REGION - region @idx of @type is [@base, @base + @size). */
#define CHECK_REGION(type, idx, b, s)                                   \
	do {                                                            \
		CHECK((idx) < (type).cnt);                              \
		CHECK_EQ((type).regions[idx].base, (b));                \
		CHECK_EQ((type).regions[idx].size, (s));                \
	} while (0)

/* Run @fn once top-down and once bottom-up, each from a fresh memblock. */
static inline void run_top_down(void (*fn)(void))
{
	reset_memblock();
	memblock_set_bottom_up(false);
	fn();
	CHECK_MEMBLOCK_VALID();
}

static inline void run_bottom_up(void (*fn)(void))
{
	reset_memblock();
	memblock_set_bottom_up(true);
	fn();
	CHECK_MEMBLOCK_VALID();
}

static inline void run_both(void (*fn)(void))
{
	run_top_down(fn);
	run_bottom_up(fn);
}

/* Run @fn once, from a fresh memblock, direction irrelevant. */
static inline void run_case(void (*fn)(void))
{
	reset_memblock();
	fn();
	CHECK_MEMBLOCK_VALID();
}

/* stderr capture: everything printed between begin and end lands in the returned string
 * (free() it). glibc's stderr is an assignable FILE *. */
static FILE *saved_stderr;
static char *captured_buf;
static size_t captured_len;

static inline void capture_stderr_begin(void)
{
	FILE *mem = open_memstream(&captured_buf, &captured_len);

	REQUIRE(mem != NULL);
	fflush(stderr);
	saved_stderr = stderr;
	stderr = mem;
}

static inline char *capture_stderr_end(void)
{
	fclose(stderr);
	stderr = saved_stderr;
	return captured_buf;
}

/* Count of lines of @s that start with @prefix. */
static inline int count_lines_starting(const char *s, const char *prefix)
{
	int n = 0;
	size_t plen = strlen(prefix);

	while (s && *s) {
		if (!strncmp(s, prefix, plen))
			n++;
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return n;
}

#endif
