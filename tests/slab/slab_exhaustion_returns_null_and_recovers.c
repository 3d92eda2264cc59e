/* On a small machine, allocating until the page allocator is empty: GFP_NOWAIT and GFP_ATOMIC
 * get NULL without sleeping, GFP_KERNEL | __GFP_NORETRY gets NULL after reclaim fails; after
 * freeing everything and shrinking, the free page count is back where it started. */
#include "slab_test.h"

static void *objs[200000];

static size_t fill(struct kmem_cache *s, gfp_t gfp)
{
	size_t n = 0;
	while (n < sizeof(objs) / sizeof(objs[0])) {
		void *p = kmem_cache_alloc(s, gfp | __GFP_NOWARN);
		if (!p)
			break;
		objs[n++] = p;
	}
	return n;
}

static void empty(struct kmem_cache *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
}

int main(void)
{
	CHECK(nmm_boot("mem=32M hugepages=off slab=x") == -EINVAL);   /* a bad back end: clean failure */
	CHECK(!nmm_booted());
	char line[128];
	snprintf(line, sizeof(line), "mem=32M hugepages=off hotplug=0 slab=%s", slab_test_backend());
	int e;
	e = nmm_boot(line);
	if (e && strstr(nmm_boot_strerror(), "not built"))
		SKIP("%s", nmm_boot_strerror());
	REQUIRE(e == 0);
	struct kmem_cache *s = kmem_cache_create("exhaust", 2000, 0, 0, NULL);
	REQUIRE(s);
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();

	const gfp_t masks[] = { GFP_NOWAIT, GFP_ATOMIC, GFP_KERNEL | __GFP_NORETRY };
	for (size_t m = 0; m < ARRAY_SIZE(masks); m++) {
		size_t n = fill(s, masks[m]);
		fprintf(stderr, "gfp %#x: %zu objects before NULL\n", masks[m], n);
		CHECK(n > 32u * 1024 * 1024 / 2048 / 2);     /* at least half of the memory */
		CHECK(n < sizeof(objs) / sizeof(objs[0]));
		/* Still NULL on a second try, and kmalloc fails the same way. */
		CHECK(kmem_cache_alloc(s, masks[m] | __GFP_NOWARN) == NULL);
		empty(s, n);
	}
	drain_all_pages(NULL);
	unsigned long free1 = nr_free_pages();
	fprintf(stderr, "free pages %lu before, %lu after\n", free0, free1);
	CHECK(free1 + 16 >= free0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
