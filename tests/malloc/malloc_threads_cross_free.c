/* malloc_threads_cross_free - producers malloc blocks of random sizes (16 B … 300 KiB: kmalloc,
 * pages and direct mappings), stamp them and pass them through rings to consumers on other
 * threads, which check the stamp and free them: every free is a cross-thread free. At the end
 * every block came back intact and the heap still serves. [THREADS] [ITER] */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/malloc_ext.h>

#include "test.h"

#define RING 1024
struct ring { void *slot[RING]; unsigned long head, tail; };

static struct ring *rings;
static long iters = 200000;
static int pairs = 2;
static unsigned long bad;

static size_t pick(unsigned long *x)
{
	*x = *x * 6364136223846793005UL + 1442695040888963407UL;
	unsigned long r = *x >> 33;
	if (r % 1000 == 0)
		return 140000 + r % 200000;             /* direct mapping */
	if (r % 50 == 0)
		return 9000 + r % 60000;                 /* pages */
	return 16 + r % 1000;
}

static void *producer(void *arg)
{
	struct ring *rg = &rings[(intptr_t)arg];
	unsigned long x = (unsigned long)(intptr_t)arg + 1;
	for (long i = 0; i < iters; i++) {
		size_t n = pick(&x);
		unsigned char *p = malloc(n);
		if (!p) {
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		memcpy(p, &n, sizeof(n));
		p[n - 1] = (unsigned char)n;
		while (__atomic_load_n(&rg->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&rg->tail, __ATOMIC_ACQUIRE) == RING)
			;
		rg->slot[rg->head % RING] = p;
		__atomic_store_n(&rg->head, rg->head + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct ring *rg = &rings[(intptr_t)arg];
	for (long i = 0; i < iters; i++) {
		while (__atomic_load_n(&rg->tail, __ATOMIC_ACQUIRE) == __atomic_load_n(&rg->head, __ATOMIC_ACQUIRE))
			;
		unsigned char *p = rg->slot[rg->tail % RING];
		__atomic_store_n(&rg->tail, rg->tail + 1, __ATOMIC_RELEASE);
		size_t n;
		memcpy(&n, p, sizeof(n));
		if (n < 16 || n > 400000 || p[n - 1] != (unsigned char)n || !nmm_malloc_owns(p))
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		free(p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		pairs = atoi(argv[1]);
	if (argc > 2)
		iters = atol(argv[2]);
	rings = calloc((size_t)pairs, sizeof(*rings));
	REQUIRE(rings);
	pthread_t t[2 * 64];
	for (int i = 0; i < pairs; i++) {
		REQUIRE(!pthread_create(&t[2 * i], NULL, producer, (void *)(intptr_t)i));
		REQUIRE(!pthread_create(&t[2 * i + 1], NULL, consumer, (void *)(intptr_t)i));
	}
	for (int i = 0; i < 2 * pairs; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(bad, 0);
	void *p = malloc(1000);
	CHECK(p != NULL);
	free(p);
	free(rings);
	return test_done();
}
