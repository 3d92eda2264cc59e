/* mempool_create pre-fills min_nr elements; mempool_alloc takes from the allocator while it
 * can, from the reserve when it cannot, and GFP_ATOMIC/GFP_NOWAIT get NULL when both are empty;
 * mempool_free refills the reserve before freeing to the allocator; mempool_destroy gives every
 * reserved element back. Nothing is lost or freed twice. */
#include "mp_test.h"

int main(void)
{
	mp_test_boot();
	struct counting_alloc c = { .size = 100 };
	mempool_t *pool = mempool_create(8, counting_alloc_fn, counting_free_fn, &c);
	REQUIRE(pool);
	CHECK(mempool_initialized(pool));
	CHECK_EQ(pool->curr_nr, 8);
	CHECK_EQ(counting_live(&c), 8);

	/* Allocator works: the reserve is not touched. */
	void *a = mempool_alloc(pool, GFP_KERNEL);
	CHECK(a != NULL);
	CHECK_EQ(pool->curr_nr, 8);
	mempool_free(a, pool);                 /* reserve full: back to the allocator */
	CHECK_EQ(pool->curr_nr, 8);
	CHECK_EQ(c.frees, 1);
	CHECK_EQ(counting_live(&c), 8);

	/* Allocator exhausted: the reserve serves, then atomic/nowait get NULL. */
	c.fail = 1;
	void *r[8];
	for (int i = 0; i < 8; i++) {
		r[i] = mempool_alloc(pool, GFP_NOIO);
		REQUIRE(r[i]);
	}
	CHECK_EQ(pool->curr_nr, 0);
	CHECK(mempool_alloc(pool, GFP_ATOMIC) == NULL);
	CHECK(mempool_alloc(pool, GFP_NOWAIT) == NULL);
	long calls = c.calls;
	CHECK(mempool_alloc(pool, GFP_ATOMIC) == NULL);
	CHECK(c.calls == calls + 1);            /* atomic: one try, no retry with a fuller mask */
	/* Frees refill the reserve first, even with the allocator working again. */
	c.fail = 0;
	for (int i = 0; i < 4; i++)
		mempool_free(r[i], pool);
	CHECK_EQ(pool->curr_nr, 4);
	CHECK_EQ(c.frees, 1);                  /* none of them went to the allocator */
	for (int i = 4; i < 8; i++)
		mempool_free(r[i], pool);
	CHECK_EQ(pool->curr_nr, 8);
	void *extra = mempool_alloc(pool, GFP_KERNEL);
	REQUIRE(extra);
	mempool_free(extra, pool);
	CHECK_EQ(c.frees, 2);                  /* reserve was full: freed to the allocator */
	mempool_free(NULL, pool);

	mempool_destroy(pool);
	CHECK_EQ(counting_live(&c), 0);
	mempool_destroy(NULL);
	nmm_shutdown();
	return test_done();
}
