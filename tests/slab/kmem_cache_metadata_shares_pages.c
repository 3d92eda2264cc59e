/* A cache's metadata (struct kmem_cache, the back end's private part) takes a few hundred bytes
 * carved from shared pages, not whole pages of its own (slab_meta.c): creating 32 caches costs
 * SLUB and SLOB well under a page each (SLUB paid 3 each before), SLAB under 2 (its per-node
 * block holds the shared array cache: a page by itself; it paid 4 before); destroying them
 * gives every page back, and a metadata chunk freed in between is reused. */
#include <pthread.h>

#include "slab_test.h"

enum { N = 32 };

static long pages_used(unsigned long free0)
{
	drain_all_pages(NULL);
	return (long)free0 - (long)nr_free_pages();
}

static void *use_caches(void *arg)
{
	struct kmem_cache **s = arg;
	for (int i = 0; i < N; i++) {
		void *o = kmem_cache_alloc(s[i], GFP_KERNEL);
		REQUIRE(o);
		memset(o, 0xa5, 40 + 8 * i);
		kmem_cache_free(s[i], o);
	}
	return NULL;
}

int main(void)
{
	slab_test_boot("slab_nomerge");
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	struct kmem_cache *s[N];
	char name[32];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "meta_%d", i);
		s[i] = kmem_cache_create(name, 40 + 8 * i, 0, 0, NULL);
		REQUIRE(s[i]);
	}
	long used = pages_used(free0);
	fprintf(stderr, "%d caches: %ld pages of metadata\n", N, used);
	CHECK(used >= 0);
	CHECK(used <= (strcmp(slab_test_backend(), "slab") ? N / 2 : 2 * N));

	/* Every cache works, and the walkers find its structures sound. (In a thread of its own:
	 * without rseq SLAB keeps per-thread array caches until the thread exits.) */
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, use_caches, s) == 0);
	REQUIRE(pthread_join(t, NULL) == 0);
	CHECK(slab_all_caches_valid());

	/* Freed metadata is reused: destroy one, create one, no page more. */
	for (int i = 0; i < N; i++)
		kmem_cache_shrink(s[i]);
	long before = pages_used(free0);
	kmem_cache_destroy(s[7]);
	s[7] = kmem_cache_create("meta_again", 96, 0, 0, NULL);
	REQUIRE(s[7]);
	CHECK(pages_used(free0) <= before);

	for (int i = 0; i < N; i++)
		kmem_cache_destroy(s[i]);
	CHECK_EQ(pages_used(free0), 0);
	nmm_shutdown();
	return test_done();
}
