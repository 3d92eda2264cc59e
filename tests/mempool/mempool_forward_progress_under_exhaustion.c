/* Forward progress: with the underlying allocator exhausted, THREADS threads that each need an
 * element to finish their work (and then free it) all finish, through a reserve of 2: sleepers
 * wait for frees instead of failing. Twice: an allocator that fails on demand, and a real one —
 * a page pool on a machine whose memory the test has taken. Nothing is lost. */
#include <pthread.h>
#include <unistd.h>

#include <numamm/linux/mm.h>

#include "mp_test.h"

enum { THREADS = 8, ROUNDS = 50 };

static mempool_t *pool;
static int done[THREADS];

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int r = 0; r < ROUNDS; r++) {
		void *e = mempool_alloc(pool, GFP_KERNEL);
		if (!e)
			return (void *)1L;          /* a sleeping mask must never get NULL */
		usleep(200);                        /* hold it while others run: more holders than reserve */
		mempool_free(e, pool);
	}
	done[id] = 1;
	return NULL;
}

static void run_workers(void)
{
	pthread_t th[THREADS];
	memset(done, 0, sizeof(done));
	for (long i = 0; i < THREADS; i++)
		REQUIRE(pthread_create(&th[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		CHECK(ret == NULL);
		CHECK(done[i]);
	}
}

int main(void)
{
	REQUIRE(nmm_boot("mem=64M hugepages=off hotplug=0") == 0);

	struct counting_alloc c = { .size = 128 };
	pool = mempool_create(2, counting_alloc_fn, counting_free_fn, &c);
	REQUIRE(pool);
	c.fail = 1;
	run_workers();
	fprintf(stderr, "failing allocator: %d threads x %d rounds done, %lu waits\n", THREADS, ROUNDS,
		pool->waits);
	CHECK(pool->waits > 0);
	CHECK_EQ(pool->curr_nr, 2);
	CHECK_EQ(counting_live(&c), 2);
	mempool_destroy(pool);
	CHECK_EQ(counting_live(&c), 0);

	/* A real exhausted allocator: a page pool, after taking every page the machine has. */
	pool = mempool_create_page_pool(2, 0);
	REQUIRE(pool);
	static struct page *taken[1 << 16];
	size_t n = 0;
	while (n < sizeof(taken) / sizeof(taken[0]) &&
	       (taken[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN)) != NULL)
		n++;
	CHECK(alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN) == NULL);
	run_workers();
	fprintf(stderr, "page pool on an empty machine (%zu pages taken): done, %lu waits\n", n, pool->waits);
	CHECK(pool->waits > 0);
	for (size_t i = 0; i < n; i++)
		__free_page(taken[i]);
	mempool_destroy(pool);
	nmm_shutdown();
	return test_done();
}
