/* slabc_refill_and_flush_move_batchcount - SLAB's array cache moves objects in batches, as
 * mm/slab.c's cache_alloc_refill and cache_flusharray do. For a 64-byte cache (limit 120,
 * batchcount 60, shared 8 x 60 on a machine with two CPUs), on a thread pinned to one CPU:
 *
 *   alloc #1     cold array: refill of BATCHREFILL_LIMIT (16) from a new slab of 63,
 *                one handed out                                                 -> avail 15
 *   alloc #16    the array is empty                                             -> avail 0
 *   alloc #17    touched array: refill of up to batchcount (60), but only the 47 left in
 *                the slab (a refill grows a slab only when it found nothing)    -> avail 46
 *   alloc #64    empty again: a new slab, 60 of its 63                          -> avail 59
 *   frees        push until avail == limit (120); the next free flushes the newest
 *                batchcount (60) to the shared array, then pushes              -> avail 61
 *
 * Expect those counts, the shared array holding the 60, and the tunables in slabinfo.
 */
#include "slabc_test.h"

#define N 400

int main(void)
{
	slabc_boot(NULL);
	REQUIRE(slabc_pin(0));
	struct kmem_cache *s = kmem_cache_create("slabc-batch", 64, 0, 0, NULL);
	REQUIRE(s);
	struct slabinfo si;
	s->ops->get_info(s, &si);
	CHECK_EQ(si.limit, 120);
	CHECK_EQ(si.batchcount, 60);
	CHECK_EQ(si.shared, slabc_nr_cpus > 1 ? 8 : 0);

	static void *obj[N];
	struct array_cache *ac;
	obj[0] = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(obj[0]);
	ac = slabc_my_ac(s);
	REQUIRE(ac);
	CHECK_EQ(ac_avail(ac), 15);
	for (int i = 1; i < 16; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ac_avail(ac), 0);
	CHECK_EQ(slabc(s)->num, 63);
	obj[16] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ac_avail(ac), 46);
	CHECK_EQ(slabc_total_slabs(s), 1);
	for (int i = 17; i < 63; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ac_avail(ac), 0);
	obj[63] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ac_avail(ac), 59);
	CHECK_EQ(slabc_total_slabs(s), 2);
	CHECK_EQ(slabc(s)->stats.allocmiss, 3);
	for (int i = 64; i < N; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* 16 + 60 + 60 * 5 + ... : whatever is left in the array is below the limit. */
	unsigned int before = ac_avail(ac);
	CHECK(before < 60);
	for (int i = 0; i < N; i++)
		REQUIRE(obj[i]);

	/* Free until the array is full, then one more. */
	int i = N - 1;
	while (ac_avail(ac) < 120 && i >= 0)
		kmem_cache_free(s, obj[i--]);
	CHECK_EQ(ac_avail(ac), 120);
	unsigned int shared_before = slabc_shared_avail(s, slabc_my_ac(s)->node);
	kmem_cache_free(s, obj[i--]);
	CHECK_EQ(ac_avail(ac), 61);
	if (slabc_nr_cpus > 1)
		CHECK_EQ(slabc_shared_avail(s, ac->node), shared_before + 60);
	CHECK_EQ(slabc(s)->stats.freemiss, 1);
	CHECK(s->ops->is_valid(s, stderr));

	while (i >= 0)
		kmem_cache_free(s, obj[i--]);
	kmem_cache_shrink(s);
	CHECK_EQ(ac_avail(ac), 0);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
