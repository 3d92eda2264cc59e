/* A pool whose pre-fill cannot complete is not created, and every element the pre-fill got is
 * given back; bad arguments are refused; an embedded pool (mempool_init/exit) works the same. */
#include "mp_test.h"

int main(void)
{
	mp_test_boot();
	struct counting_alloc c = { .size = 64, .fail_after = 5 };
	CHECK(mempool_create(10, counting_alloc_fn, counting_free_fn, &c) == NULL);
	CHECK_EQ(c.allocs, 5);
	CHECK_EQ(counting_live(&c), 0);

	CHECK(mempool_create(-1, counting_alloc_fn, counting_free_fn, &c) == NULL);
	CHECK(mempool_create(4, NULL, counting_free_fn, &c) == NULL);

	struct counting_alloc d = { .size = 64 };
	mempool_t embedded;
	REQUIRE(mempool_init(&embedded, 6, counting_alloc_fn, counting_free_fn, &d) == 0);
	CHECK_EQ(counting_live(&d), 6);
	void *x = mempool_alloc(&embedded, GFP_KERNEL);
	REQUIRE(x);
	mempool_free(x, &embedded);
	mempool_exit(&embedded);
	CHECK(!mempool_initialized(&embedded));
	CHECK_EQ(counting_live(&d), 0);
	nmm_shutdown();
	return test_done();
}
