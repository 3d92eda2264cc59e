/* fault_mempool_forward_progress: with the allocator under a mempool failing every call (failslab
 * for slab and kmalloc pools, fail_page_alloc for page pools), mempool_alloc still returns: from
 * the reserve, and once that is empty, a GFP_KERNEL caller waits for a mempool_free and gets that
 * element (forward progress) while GFP_NOWAIT gets NULL. Frees refill the reserve; with the
 * allocator back, allocations come from it again and the reserve stays full. mempool_create and
 * mempool_resize fail cleanly at any failing allocation. Nothing leaks. */
#include <pthread.h>
#include <time.h>

#include <numamm/linux/mempool.h>

#include "ft.h"

#define MIN_NR 4

struct late_free {
	mempool_t *pool;
	void *element;
};

static void *free_later(void *arg)
{
	struct late_free *lf = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	mempool_free(lf->element, lf->pool);
	return NULL;
}

static mempool_t *make(int kind, struct kmem_cache *kc)
{
	switch (kind) {
	case 0: return mempool_create_slab_pool(MIN_NR, kc);
	case 1: return mempool_create_kmalloc_pool(MIN_NR, 128);
	default: return mempool_create_page_pool(MIN_NR, 0);
	}
}

int main(void)
{
	ft_boot("mem=64M");
	struct kmem_cache *kc = kmem_cache_create("ft-pool", 256, 0, 0, NULL);
	REQUIRE(kc);
	const char *names[] = { "slab", "kmalloc", "page" };
	for (int kind = 0; kind < 3; kind++) {
		int point = kind == 2 ? NMM_FAULT_PAGE_ALLOC : NMM_FAULT_SLAB;
		kmem_cache_shrink(kc);
		unsigned long start = ft_free_pages();
		mempool_t *pool = make(kind, kc);
		REQUIRE(pool);
		CHECK_EQ(pool->curr_nr, MIN_NR);

		ft_set(point, ft_always(-1));
		void *e[MIN_NR + 1];
		for (int i = 0; i < MIN_NR; i++) {
			e[i] = mempool_alloc(pool, GFP_KERNEL);
			CHECK(e[i] != NULL);
		}
		CHECK_EQ(pool->curr_nr, 0);
		CHECK(nmm_fault_injected(point) >= MIN_NR);   /* the allocator was asked first */
		CHECK(mempool_alloc(pool, GFP_NOWAIT) == NULL);
		/* Reserve empty, allocator failing: a GFP_KERNEL caller waits for a free. */
		struct late_free lf = { pool, e[0] };
		pthread_t t;
		REQUIRE(pthread_create(&t, NULL, free_later, &lf) == 0);
		unsigned long waits = pool->waits;
		e[MIN_NR] = mempool_alloc(pool, GFP_KERNEL);
		pthread_join(t, NULL);
		CHECK(e[MIN_NR] == e[0]);
		CHECK(pool->waits > waits);
		/* Frees refill the reserve, with the allocator still failing. */
		for (int i = 1; i <= MIN_NR; i++)
			mempool_free(e[i], pool);
		CHECK_EQ(pool->curr_nr, MIN_NR);
		/* mempool_resize cannot get its array (slab) or its elements: the pool is as it was. */
		if (point == NMM_FAULT_SLAB) {
			CHECK_EQ(mempool_resize(pool, 2 * MIN_NR), -ENOMEM);
			CHECK_EQ(pool->min_nr, MIN_NR);
			CHECK_EQ(pool->curr_nr, MIN_NR);
		}

		/* Allocator back: elements come from it and the reserve stays full. */
		nmm_fault_set(point, NULL);
		for (int i = 0; i < MIN_NR; i++)
			e[i] = mempool_alloc(pool, GFP_KERNEL);
		CHECK_EQ(pool->curr_nr, MIN_NR);
		for (int i = 0; i < MIN_NR; i++)
			mempool_free(e[i], pool);
		mempool_destroy(pool);
		kmem_cache_shrink(kc);
		unsigned long now = ft_free_pages();
		if (now != start) {
			fprintf(stderr, "%s pool: free pages %lu, were %lu\n", names[kind], now, start);
			test_failures++;
		}

		/* mempool_create with its N-th allocation (array or prefill) failing: NULL, nothing
		 * kept, until N is past them all. */
		bool made = false;
		for (unsigned long nth = 1; nth <= MIN_NR + 4 && !made; nth++) {
			ft_set(point, ft_nth(nth));
			pool = make(kind, kc);
			bool hit = nmm_fault_injected(point);
			nmm_fault_set(point, NULL);
			CHECK(!pool == hit);
			if (pool) {
				CHECK_EQ(pool->curr_nr, MIN_NR);
				mempool_destroy(pool);
				made = true;
			}
			kmem_cache_shrink(kc);
			now = ft_free_pages();
			if (now != start) {
				fprintf(stderr, "%s pool: create with allocation %lu failing: free pages %lu, were %lu\n",
					names[kind], nth, now, start);
				test_failures++;
			}
		}
		CHECK(made);
	}
	kmem_cache_destroy(kc);
	nmm_shutdown();
	return test_done();
}
