/* pcp_survives_cpu_migration: threads that keep moving between CPUs (sched_setaffinity every
 * few hundred operations) while allocating and freeing orders 0..3 through the pcp lists never
 * corrupt them: every block is unique and intact, and afterwards the free lists are valid and
 * every page is back. Also run with rseq disabled (the sched_getcpu fallback). */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "pa_test.h"

#define THREADS 4
#define OPS 200000
#define KEEP 256

static void *worker(void *arg)
{
	long id = (long)arg;
	uint64_t r = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
	struct { struct page *p; unsigned o; uint64_t tag; } keep[KEEP] = { { 0 } };
	int ncpu = nmm_topology()->nr_cpus;
	for (long i = 0; i < OPS; i++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		if (i % 300 == 0 && ncpu > 1) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((int)(r % (uint64_t)ncpu), &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		int k = (int)(r % KEEP);
		if (keep[k].p) {
			if (*(uint64_t *)page_address(keep[k].p) != keep[k].tag)
				__atomic_fetch_add(&test_failures, 1, __ATOMIC_RELAXED);
			__free_pages(keep[k].p, keep[k].o);
			keep[k].p = NULL;
		} else {
			unsigned o = (unsigned)(r >> 20) % 4;
			struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, o);
			if (p) {
				keep[k].p = p;
				keep[k].o = o;
				keep[k].tag = r;
				*(uint64_t *)page_address(p) = r;
			}
		}
	}
	for (int k = 0; k < KEEP; k++)
		if (keep[k].p)
			__free_pages(keep[k].p, keep[k].o);
	return NULL;
}

int main(void)
{
	REQUIRE(nmm_boot("mem=128M") == 0);
	unsigned long initial = drained_free_pages();
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(all_zones_valid());
	CHECK_EQ(drained_free_pages(), initial);
	CHECK_EQ(nmm_bad_page_count, 0);
	nmm_shutdown();
	return test_done();
}
