/* Every page of a slab names its cache from its own struct page (nmm_linear_slab_cache: the tail
 * pages of a multi-page slab carry a copy of the head's slab_cache, which free() and kfree() read
 * to avoid a second cache line), and only while the slab lives: once its pages are back in the
 * page allocator and handed out again as a large kmalloc, their tails name no cache. Checked
 * against the head page's word (nmm_linear_slab) on every page. */
#include "slab_test.h"

enum { N = 2000, LARGE = 400, LARGE_SIZE = 32 << 10 };

static void *objs[N], *large[LARGE];

/* Both lookups agree on every page of [start, start + len). Return: pages that name a cache. */
static int check_pages(const void *start, size_t len)
{
	int named = 0;
	for (const char *a = start; a < (const char *)start + len; a += PAGE_SIZE) {
		struct page *page = NULL;
		struct kmem_cache *got = nmm_linear_slab_cache(a, &page);
		struct slab *slab = nmm_linear_slab(a);
		struct kmem_cache *want = slab ? slab->slab_cache : NULL;
		CHECK(got == want);
		if (got != want)
			fprintf(stderr, "page of %p: its own word names %p, the head %p\n", (void *)a,
				(void *)got, (void *)want);
		named += got != NULL;
	}
	return named;
}

int main(void)
{
	slab_test_boot_own(slab_test_backend(), NULL);
	struct kmem_cache *s = kmem_cache_create("tailpages", 2048, 0, 0, NULL);
	REQUIRE(s);
	int named = 0, tails = 0;
	for (int i = 0; i < N; i++) {
		REQUIRE((objs[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		named += check_pages(objs[i], 2048);
		tails += PageTail(virt_to_page(objs[i]));
	}
	fprintf(stderr, "%s: %d of %d objects' pages name a cache, %d on tail pages\n", slab_test_backend(),
		named, N, tails);
	if (strcmp(slab_test_backend(), "slob")) {   /* SLOB's shared pages name no cache */
		CHECK(named == N);
	}
	if (!strcmp(slab_test_backend(), "slub"))
		CHECK(tails > 0);                     /* SLUB: 2 KiB objects in slabs of several pages */
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
	drain_all_pages(NULL);
	/* The freed slab pages go out again, as large kmalloc blocks (compound pages, tails). */
	int reused = 0;
	for (int i = 0; i < LARGE; i++) {
		REQUIRE((large[i] = kmalloc(LARGE_SIZE, GFP_KERNEL)) != NULL);
		reused += check_pages(large[i], LARGE_SIZE);
	}
	CHECK(reused == 0);
	for (int i = 0; i < LARGE; i++)
		kfree(large[i]);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
