/* slob_typesafe_rcu_block_waits: a SLAB_TYPESAFE_BY_RCU object freed under SLOB keeps its block
 * (and its contents) until a grace period has passed — the rcu_head lives after the slot, as
 * mm/slob.c's slob_rcu did — so a reader inside rcu_read_lock() still sees an object of its
 * type; a second free in the meantime is reported; after the grace period the block is free
 * space again and the empty page goes back. Own-page objects wait the same way. */
#include <numamm/linux/rcupdate.h>

#include "slob_test.h"

struct obj {
	long key;
	char pad[56];
};

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("rcu_obj", sizeof(struct obj), 0, SLAB_TYPESAFE_BY_RCU, NULL);
	struct kmem_cache *big = kmem_cache_create("rcu_big", 5000, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	REQUIRE(s && big);
	unsigned long free0 = slob_test_free_pages();
	struct obj *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a && b);
	a->key = 42;
	long units = slob_free_units(a);

	rcu_read_lock();
	kmem_cache_free(s, a);
	/* Inside the read section: the block is neither free space nor handed out again. */
	CHECK_EQ(a->key, 42);
	CHECK_EQ(slob_free_units(a), units);
	struct obj *c = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(c);
	CHECK(c != a);
	char msg[4096];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_free(s, a);                      /* double free while waiting */
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "not freed") != NULL);
	struct slabinfo si;
	s->ops->get_info(s, &si);
	CHECK_EQ(si.active_objs, 2);                /* b and c; a is on its way out */
	CHECK(slab_all_caches_valid());
	rcu_read_unlock();

	rcu_barrier();
	CHECK(slob_free_units(b) > units - 10);      /* a's block is free space now */
	struct obj *d = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(d == a);                               /* first fit finds it again */
	void *g = kmem_cache_alloc(big, GFP_KERNEL);
	REQUIRE(g);
	rcu_read_lock();                            /* keeps the grace period (and the pages) open */
	kmem_cache_free(big, g);
	stderr_capture_begin(&cap);
	kmem_cache_free(big, g);                    /* own pages waiting for RCU: no double free */
	stderr_capture_end(&cap, msg, sizeof(msg));
	rcu_read_unlock();
	CHECK(strstr(msg, "not freed") != NULL);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmem_cache_free(s, d);
	rcu_barrier();
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slob_test_free_pages(), free0);
	kmem_cache_destroy(s);
	kmem_cache_destroy(big);
	nmm_shutdown();
	return test_done();
}
