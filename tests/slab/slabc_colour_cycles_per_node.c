/* slabc_colour_cycles_per_node - slab colouring (mm/slab.c cache_grow_begin): each new slab of a
 * node starts its objects colour_off (a cache line) further in than the one before, cycling
 * through `colour` offsets, so objects at the same index of different slabs fall on different
 * cache lines.
 *
 * 1500-byte objects: order-1 slabs of 5 objects, 8192 - 5 * 1500 - 8 = 684 bytes left over,
 * 684 / 64 = 10 colours. Expect the i-th new slab's objects to start at
 * index array + (i mod 10) * 64 bytes, and the slab's first slot to hold object index 0.
 */
#include "slabc_test.h"

#define SLABS 25

int main(void)
{
	slabc_boot(NULL);
	REQUIRE(slabc_pin(0));
	struct kmem_cache *s = kmem_cache_create("slabc-colour", 1500, 0, 0, NULL);
	REQUIRE(s);
	struct slabc_cache *c = slabc(s);
	CHECK_EQ(s->order, 1);
	CHECK_EQ(c->num, 5);
	CHECK_EQ(c->colour_off, 64);
	CHECK_EQ(c->colour, 10);
	CHECK(!c->off_slab);
	CHECK_EQ(c->mgmt_size, 8);

	static void *objs[SLABS * 5];
	struct slab *seen[SLABS];
	int nseen = 0, n = 0;
	while (nseen < SLABS) {
		void *p = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(p);
		objs[n++] = p;
		struct slab *slab = virt_to_slab(p);
		bool known = false;
		for (int k = 0; k < nseen; k++)
			known |= seen[k] == slab;
		if (!known)
			seen[nseen++] = slab;
	}
	for (int k = 0; k < nseen; k++) {
		unsigned int first = seen[k]->colour_off;
		CHECK_EQ(first, c->mgmt_size + (unsigned int)(k % 10) * 64);
		CHECK_EQ((char *)slabc_first_slot(seen[k]) - (char *)slab_address(seen[k]), first);
	}
	/* Successive slabs' first objects differ by colour_off, wrapping after colour slabs. */
	for (int k = 1; k < nseen; k++) {
		long d = (long)seen[k]->colour_off - (long)seen[k - 1]->colour_off;
		CHECK(k % 10 ? d == 64 : d == -9 * 64);
	}
	CHECK(s->ops->is_valid(s, stderr));
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
