/* malloc_small_objects_stay_home - free()'s per-CPU object cache takes 16 and 32 byte objects
 * (which share cache lines) only from slabs that were the freeing CPU's own: freed on that CPU
 * out of an old slab after one of the active slab, it is the next malloc of its size there (the
 * cache is LIFO; SLUB would hand out the active slab's object); 64 B objects the same (control); freed by a thread on another CPU, it
 * goes back to its slab and that CPU's next malloc does not get it (no line written by two
 * CPUs: the cache-scratch pattern). */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

enum { N = 2000 };

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	REQUIRE(sched_setaffinity(0, sizeof(set), &set) == 0);
	sched_yield();
}

/* objs[FIRST..N): from slabs the filling CPU activated (the first objects may come from a
 * slab another CPU started before the test pinned itself) */
enum { FIRST = 500 };
static void *objs[N];
static size_t size;

static void fill(void)
{
	for (int i = 0; i < N; i++)
		REQUIRE((objs[i] = malloc(size)) != NULL);
}

static void free_all_but(int keep)
{
	for (int i = 0; i < N; i++)
		if (i != keep)
			free(objs[i]);
}

static void *remote(void *arg)
{
	(void)arg;
	pin(1);
	free(objs[FIRST]);
	void *q = malloc(size);
	CHECK(q != objs[FIRST]);
	/* nor anything of that line */
	CHECK((uintptr_t)q / 64 != (uintptr_t)objs[FIRST] / 64);
	free(q);
	return NULL;
}

int main(void)
{
	free(malloc(16));                         /* boot */
	for (size = 16; size <= 64; size *= 2) {
		/* On CPU 0: one object of the active slab, then one of an old slab, both freed; the
		 * cache (empty after fill()) gives the last one back; SLUB would give the first. */
		pin(0);
		fill();
		free(objs[N - 1]);
		free(objs[FIRST]);
		void *q = malloc(size);
		fprintf(stderr, "%zu B: freed %p last, malloc gives %p\n", size, objs[FIRST], q);
		CHECK(q == objs[FIRST]);
		objs[FIRST] = q;
		free_all_but(N - 1);

		if (size == 64 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
			continue;                 /* whole lines may go to any CPU's cache */
		fill();                           /* on CPU 0: its slabs */
		pthread_t t;
		REQUIRE(pthread_create(&t, NULL, remote, NULL) == 0);
		REQUIRE(pthread_join(t, NULL) == 0);
		free_all_but(FIRST);
	}
	return test_done();
}
