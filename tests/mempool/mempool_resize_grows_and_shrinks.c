/* mempool_resize: growing fills the larger reserve from the allocator, shrinking frees the
 * surplus; elements handed out meanwhile come back into the resized reserve. */
#include "mp_test.h"

int main(void)
{
	mp_test_boot();
	struct counting_alloc c = { .size = 300 };
	mempool_t *pool = mempool_create(4, counting_alloc_fn, counting_free_fn, &c);
	REQUIRE(pool);
	CHECK_EQ(mempool_resize(pool, 0), -EINVAL);
	CHECK_EQ(mempool_resize(pool, 20), 0);
	CHECK_EQ(pool->min_nr, 20);
	CHECK_EQ(pool->curr_nr, 20);
	CHECK_EQ(counting_live(&c), 20);

	c.fail = 1;
	void *held[20];
	for (int i = 0; i < 20; i++)
		REQUIRE((held[i] = mempool_alloc(pool, GFP_KERNEL)) != NULL);
	CHECK_EQ(pool->curr_nr, 0);
	CHECK_EQ(mempool_resize(pool, 3), 0);
	CHECK_EQ(pool->min_nr, 3);
	for (int i = 0; i < 20; i++)
		mempool_free(held[i], pool);
	CHECK_EQ(pool->curr_nr, 3);
	CHECK_EQ(counting_live(&c), 3);
	c.fail = 0;
	CHECK_EQ(mempool_resize(pool, 2), 0);
	CHECK_EQ(pool->curr_nr, 2);
	CHECK_EQ(counting_live(&c), 2);
	mempool_destroy(pool);
	CHECK_EQ(counting_live(&c), 0);
	nmm_shutdown();
	return test_done();
}
