/* fault_threads_random_failures: two threads allocate and free (pages, kmalloc, a cache's
 * objects, vmalloc) while a third arms and disarms fail_page_alloc, failslab and fail_vmalloc
 * at 10% probability, over and over: the fast paths are diverted and restored under running
 * allocations. Every allocation either fails (NULL) or gives usable memory, the counts of forced
 * failures add up, and once everything is freed the free page count is what it was. */
#include <pthread.h>

#include "ft.h"

#define ITERS 6000
#define SLOTS 64

static struct kmem_cache *cache;
static int stop;
static unsigned long failures[2];

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	void *slot[SLOTS] = { 0 };
	int kind[SLOTS] = { 0 };
	unsigned int seed = 12345u + (unsigned int)id;
	for (int i = 0; i < ITERS || !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
		int s = (int)(rand_r(&seed) % SLOTS);
		if (slot[s]) {
			switch (kind[s]) {
			case 0: __free_pages(slot[s], 1); break;
			case 1: kfree(slot[s]); break;
			case 2: kmem_cache_free(cache, slot[s]); break;
			default: vfree(slot[s]); break;
			}
			slot[s] = NULL;
			continue;
		}
		int k = (int)(rand_r(&seed) % 4);
		void *p;
		size_t len;
		switch (k) {
		case 0:
			p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
			len = 0;
			if (p)
				memset(page_address(p), id, 2 * PAGE_SIZE);
			break;
		case 1:
			len = 1 + rand_r(&seed) % 3000;
			p = kmalloc(len, GFP_KERNEL | __GFP_NOWARN);
			break;
		case 2:
			len = 96;
			p = kmem_cache_alloc(cache, GFP_KERNEL | __GFP_NOWARN);
			break;
		default:
			len = (1 + rand_r(&seed) % 6) * PAGE_SIZE;
			p = __vmalloc(len, GFP_KERNEL | __GFP_NOWARN);
			break;
		}
		if (!p) {
			failures[id]++;
			continue;
		}
		if (len)
			memset(p, id, len);
		slot[s] = p;
		kind[s] = k;
	}
	for (int s = 0; s < SLOTS; s++) {
		if (!slot[s])
			continue;
		switch (kind[s]) {
		case 0: __free_pages(slot[s], 1); break;
		case 1: kfree(slot[s]); break;
		case 2: kmem_cache_free(cache, slot[s]); break;
		default: vfree(slot[s]); break;
		}
	}
	return NULL;
}

int main(void)
{
	ft_boot("mem=128M backing=shmem");
	cache = kmem_cache_create("ft-threads", 96, 0, 0, NULL);
	REQUIRE(cache);
	unsigned long start = ft_free_pages();
	pthread_t t[2];
	for (long i = 0; i < 2; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	struct nmm_fault_attr a = ft_always(-1);
	a.probability = 10;
	unsigned long injected = 0;
	const int pts[] = { NMM_FAULT_PAGE_ALLOC, NMM_FAULT_SLAB, NMM_FAULT_VMALLOC };
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 3; i++)
			ft_set(pts[i], a);
		struct timespec ts = { 0, 200 * 1000 };
		nanosleep(&ts, NULL);
		for (int i = 0; i < 3; i++) {
			nmm_fault_set(pts[i], NULL);   /* off: the counts stay until the next arming */
			injected += nmm_fault_injected(pts[i]);
		}
		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "%lu failures forced, %lu allocations failed\n", injected, failures[0] + failures[1]);
	/* A page or slab failure under vmalloc or a slab is one failed allocation at most. */
	CHECK(failures[0] + failures[1] <= injected);
	CHECK(injected > 0);
	kmem_cache_shrink(cache);
	CHECK_EQ(ft_free_pages(), start);
	kmem_cache_destroy(cache);
	nmm_shutdown();
	return test_done();
}
