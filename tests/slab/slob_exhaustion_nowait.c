/* slob_exhaustion_nowait: on a small machine (mem=16M) SLOB allocations with GFP_NOWAIT run the
 * memory out and then return NULL — with one page allocation failure report unless
 * __GFP_NOWARN — leaving the lists consistent; after everything is freed every page is back
 * and allocation works again. In-page and own-page objects alike. */
#include "slob_test.h"

#define MAXOBJ 200000

static void *held[MAXOBJ];

static int fill(struct kmem_cache *s, gfp_t gfp)
{
	int n = 0;
	while (n < MAXOBJ && (held[n] = kmem_cache_alloc(s, gfp)) != NULL)
		n++;
	return n;
}

int main(void)
{
	slob_test_boot("mem=16M slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("exhaust_small", 200, 0, 0, NULL);
	struct kmem_cache *big = kmem_cache_create("exhaust_big", 6000, 0, 0, NULL);
	REQUIRE(s && big);
	unsigned long free0 = slob_test_free_pages();

	int n = fill(s, GFP_NOWAIT | __GFP_NOWARN);
	CHECK(n > 1000 && n < MAXOBJ);
	CHECK(slab_all_caches_valid());
	char msg[8192];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	void *again = kmem_cache_alloc(s, GFP_NOWAIT);
	stderr_capture_end(&cap, msg, sizeof(msg));
	if (again)
		held[n++] = again;             /* a page came free meanwhile (pcp drain): fine */
	else
		CHECK(strstr(msg, "page allocation failure") != NULL);
	struct slabinfo si;
	s->ops->get_info(s, &si);
	CHECK_EQ(si.active_objs, n);
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, held[i]);
	CHECK_EQ(slob_test_free_pages(), free0);

	n = fill(big, GFP_NOWAIT | __GFP_NOWARN);
	CHECK(n > 100 && n < MAXOBJ);
	CHECK(slab_all_caches_valid());
	for (int i = 0; i < n; i++)
		kmem_cache_free(big, held[i]);
	CHECK_EQ(slob_test_free_pages(), free0);

	void *p = kmem_cache_alloc(s, GFP_NOWAIT);
	CHECK(p != NULL);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	kmem_cache_destroy(big);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
