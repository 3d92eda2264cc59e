/* kmem_cache_free_bulk from another thread of objects one thread allocated in a row (the
 * drop-in malloc's magazine flush does this for a consumer thread: lib/malloc/mcache.c): SLUB
 * frees each run of one slab's objects in one exchange. Every object comes back exactly once —
 * after the bulk frees the cache's structures are valid, a new round of allocations gets every
 * object distinct, and the cache then destroys with nothing left. Full, partial and the
 * allocating CPU's own active slab all meet such runs; so do runs in reverse order. SLUB: an
 * object twice in one run is reported as a double free and freed once (a chain through it twice
 * would loop). */
#include <pthread.h>
#include <stdlib.h>

#include "slab_test.h"

enum { N = 3000, ROUNDS = 6 };
static struct kmem_cache *cache;
static void *objs[N];

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/* How many of objs[0..N) are a copy of another. */
static int duplicates(void)
{
	static void *sorted[N];
	memcpy(sorted, objs, sizeof(objs));
	qsort(sorted, N, sizeof(sorted[0]), cmp_ptr);
	int dups = 0;
	for (int i = 1; i < N; i++)
		dups += sorted[i] == sorted[i - 1];
	return dups;
}

static void *bulk_free_all(void *arg)
{
	int round = (int)(intptr_t)arg;
	if (round & 1)                         /* reverse order: runs walk a slab downwards */
		for (int i = 0; i < N / 2; i++) {
			void *t = objs[i];
			objs[i] = objs[N - 1 - i];
			objs[N - 1 - i] = t;
		}
	/* in chunks, as a magazine flush hands them over */
	for (int i = 0; i < N; i += 100)
		kmem_cache_free_bulk(cache, N - i < 100 ? (size_t)(N - i) : 100, &objs[i]);
	return NULL;
}

/* objs[0] points at 41 objects with one of them twice: free them in one call, off the CPU that
 * allocated them (so no run is the CPU's own active slab's). */
static void *bulk_free_array(void *arg)
{
	(void)arg;
	kmem_cache_free_bulk(cache, 41, (void **)objs[0]);
	return NULL;
}

int main(void)
{
	slab_test_boot_own(slab_test_backend(), NULL);
	cache = kmem_cache_create("bulkruns", 256, 0, 0, NULL);
	REQUIRE(cache);
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < N; i++)
			REQUIRE((objs[i] = kmem_cache_alloc(cache, GFP_KERNEL)) != NULL);
		CHECK_EQ(duplicates(), 0);
		pthread_t t;
		REQUIRE(pthread_create(&t, NULL, bulk_free_all, (void *)(intptr_t)round) == 0);
		pthread_join(t, NULL);
		CHECK(slab_all_caches_valid());
	}
	char buf[4096];
	struct stderr_capture cap;
	if (!strcmp(slab_test_backend(), "slub")) {
		enum { M = 40 };
		void *twice[M + 1];
		/* the copy right after the original: the same slab, one run (objects 0..M/2 before it,
		 * the last ones in the allocating CPU's active slab) */
		for (int i = 0, k = 0; i < M; i++) {
			REQUIRE((twice[k++] = kmem_cache_alloc(cache, GFP_KERNEL)) != NULL);
			if (i == M / 2) {
				twice[k] = twice[k - 1];
				k++;
			}
		}
		stderr_capture_begin(&cap);
		pthread_t t;
		objs[0] = twice;
		REQUIRE(pthread_create(&t, NULL, bulk_free_array, NULL) == 0);
		pthread_join(t, NULL);
		stderr_capture_end(&cap, buf, sizeof(buf));
		CHECK(strstr(buf, "twice in one bulk free") != NULL);
		CHECK(slab_all_caches_valid());
		for (int i = 0; i < N; i++)      /* every slot once: the duplicate did not loop */
			REQUIRE((objs[i] = kmem_cache_alloc(cache, GFP_KERNEL)) != NULL);
		CHECK_EQ(duplicates(), 0);
		kmem_cache_free_bulk(cache, N, objs);
	}
	stderr_capture_begin(&cap);
	kmem_cache_destroy(cache);
	stderr_capture_end(&cap, buf, sizeof(buf));
	CHECK(strstr(buf, "remain") == NULL && strstr(buf, "BUG") == NULL);
	nmm_shutdown();
	return test_done();
}
