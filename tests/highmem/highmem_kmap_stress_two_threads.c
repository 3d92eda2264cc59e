/* highmem_kmap_stress_two_threads: [THREADS=2] [ITER=100000] [PAGES=2048]. Threads kmap and
 * kunmap random highmem pages (more pages than pkmap slots, so slots are remapped all the time)
 * with kmap(), kmap_local_page() and nested kmap_local/kmap pairs, and check every mapping
 * shows its page: word 0 of each page holds a stamp of its pfn that nobody changes, word 1 a
 * counter only its owner thread (page index % THREADS) increments. At the end the counters
 * read through the memfd view equal what the owners counted, no page has a page_address and
 * no kmap_local slot is held. Run it under TSan and ASan too. */
#include <pthread.h>

#include "hm_test.h"

#define STAMP 0x6b6d61707374616dULL     /* "kmapstam" */

static int nr_threads = 2, nr_pages = 2048;
static long iters = 100000;
static struct page **pages;
static uint64_t *expect;                 /* per page: owner's count */
static unsigned long bad_maps;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Check page @i through @va; if this thread owns it, bump its counter. */
static void visit(int self, int i, uint64_t *va)
{
	if (!va) {
		__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
		return;
	}
	if (va[0] != (page_to_pfn(pages[i]) ^ STAMP))
		__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
	if (i % nr_threads == self) {
		if (va[1] != expect[i])
			__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
		va[1] = ++expect[i];
	}
}

static void *worker(void *arg)
{
	int self = (int)(intptr_t)arg;
	uint64_t s = 0x12345 + (uint64_t)self * 0x9e3779b9;
	for (long n = 0; n < iters; n++) {
		uint64_t r = rnd(&s);
		int i = (int)(r % (uint64_t)nr_pages), j = (int)((r >> 24) % (uint64_t)nr_pages);
		switch ((r >> 48) & 3) {
		case 0:
		case 1: {
			uint64_t *va = kmap(pages[i]);
			visit(self, i, va);
			if (va && page_address(pages[i]) != va)
				__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
			if (va)
				kunmap(pages[i]);
			break;
		}
		case 2: {
			uint64_t *va = kmap_local_page(pages[i]);
			visit(self, i, va);
			if (va)
				kunmap_local(va);
			break;
		}
		default: {
			uint64_t *a = kmap_local_page(pages[i]);
			uint64_t *b = kmap(pages[j]);
			uint64_t *c = kmap_atomic(pages[j]);
			visit(self, i, a);
			if (b && b[0] != (page_to_pfn(pages[j]) ^ STAMP))
				__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
			if (c && c[0] != (page_to_pfn(pages[j]) ^ STAMP))
				__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
			if (c)
				kunmap_atomic(c);
			if (b)
				kunmap(pages[j]);
			if (a)
				kunmap_local(a);
		}
		}
	}
	if (nmm_kmap_local_depth())
		__atomic_fetch_add(&bad_maps, 1, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nr_threads = atoi(argv[1]);
	if (argc > 2)
		iters = atol(argv[2]);
	if (argc > 3)
		nr_pages = atoi(argv[3]);
	REQUIRE(nr_threads >= 1 && nr_threads <= 64 && iters >= 1 && nr_pages >= 1);
	hm_boot(HM_BOOT_SHMEM);
	pages = calloc((size_t)nr_pages, sizeof(*pages));
	expect = calloc((size_t)nr_pages, sizeof(*expect));
	REQUIRE(pages && expect);
	for (int i = 0; i < nr_pages; i++) {
		pages[i] = hm_alloc_high();
		uint64_t *w = nmm_highmem_view_addr(page_to_pfn(pages[i]));
		w[0] = page_to_pfn(pages[i]) ^ STAMP;
		w[1] = 0;
	}
	pthread_t t[64];
	for (int i = 0; i < nr_threads; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < nr_threads; i++)
		pthread_join(t[i], NULL);

	CHECK_EQ(bad_maps, 0);
	int counts_ok = 1, addr_clear = 1;
	for (int i = 0; i < nr_pages; i++) {
		uint64_t *w = nmm_highmem_view_addr(page_to_pfn(pages[i]));
		counts_ok &= w[1] == expect[i];
		addr_clear &= page_address(pages[i]) == NULL && !PageHighMemMapped(pages[i]);
	}
	CHECK(counts_ok);
	CHECK(addr_clear);
	if ((unsigned int)nr_pages > nmm_pkmap_slots())
		CHECK(nmm_pkmap_remaps > nmm_pkmap_slots());
	fprintf(stderr, "%d threads x %ld: pkmap remaps %lu reuses %lu waits %lu, kmap_local maps %lu\n",
		nr_threads, iters, nmm_pkmap_remaps, nmm_pkmap_reuses, nmm_pkmap_waits,
		nmm_kmap_local_maps);
	for (int i = 0; i < nr_pages; i++)
		__free_page(pages[i]);
	free(pages);
	free(expect);
	nmm_shutdown();
	return test_done();
}
