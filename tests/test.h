/* tests/test.h - the few helpers every numamm test program uses.
 *
 * Tests are small programs that prove one behaviour: exit 0 on pass, 1 on fail, 77 on skip
 * (always saying why). CHECK() reports the failing expression and line, and keeps going so one
 * run shows every broken check; test_done() turns the count into the exit code.
 */
#ifndef NUMAMM_TESTS_TEST_H
#define NUMAMM_TESTS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_SKIP_CODE 77

static int test_failures;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failures++;                                                   \
		}                                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                                     \
	do {                                                                               \
		long long _a = (long long)(a), _b = (long long)(b);                        \
		if (_a != _b) {                                                            \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n",  \
				__FILE__, __LINE__, #a, _a, #b, _b);                       \
			test_failures++;                                                   \
		}                                                                          \
	} while (0)

/* Fatal: stop here, nothing after makes sense. */
#define REQUIRE(cond)                                                                      \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

#define SKIP(...)                                                                          \
	do {                                                                               \
		fprintf(stderr, "SKIP: " __VA_ARGS__);                                     \
		fputc('\n', stderr);                                                       \
		exit(TEST_SKIP_CODE);                                                      \
	} while (0)

static inline int test_done(void)
{
	if (test_failures)
		fprintf(stderr, "%d check(s) failed\n", test_failures);
	return test_failures ? 1 : 0;
}

#endif
