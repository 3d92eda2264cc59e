/* slub_random_ops_match_model - random allocations and frees (single, bulk, node-specific) on
 * SLUB caches of several sizes, checked against a model of the live objects after each step:
 * every live object is distinct, an object start in a slab of its cache, and keeps what was
 * written into it; every batch of steps ends with the cache's structures valid and the number
 * of objects the back end calls allocated equal to the model's. At the end everything is
 * freed and the caches give every slab back.
 *
 * Usage: slub_random_ops_match_model [STEPS] [SEED]
 */
#include <stdlib.h>

#include "slub_test.h"

#define MAXLIVE 3000
#define NCACHES 5

static const unsigned int sizes[NCACHES] = { 8, 64, 200, 1024, 5000 };

struct live {
	void *p;
	uint64_t tag;
};

static struct live live[NCACHES][MAXLIVE];
static unsigned int nlive[NCACHES];
static uint64_t seed = 12345;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 200000;
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 0);
	slub_boot("numa=fake=2");
	struct kmem_cache *c[NCACHES];
	char name[32];
	for (int i = 0; i < NCACHES; i++) {
		snprintf(name, sizeof(name), "slub-model-%u", sizes[i]);
		c[i] = kmem_cache_create(name, sizes[i], 0, SLAB_NO_USER_FLAGS, NULL);
		REQUIRE(c[i]);
	}
	uint64_t next_tag = 1;
	for (long step = 0; step < steps; step++) {
		int ci = (int)(rnd() % NCACHES);
		struct kmem_cache *s = c[ci];
		unsigned int sz = sizes[ci];
		unsigned int n = nlive[ci];
		unsigned int r = (unsigned int)(rnd() % 100);
		/* Grow while below a random target, shrink above: sizes sweep up and down. */
		bool grow = n < MAXLIVE / 2 ? r < 60 : r < 40;
		if (n >= MAXLIVE - 16)
			grow = false;
		if (!n)
			grow = true;
		if (grow) {
			unsigned int k = r % 10 == 0 ? 1 + (unsigned int)(rnd() % 16) : 1;
			void *p[16];
			if (k > 1) {
				CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, k, p), k);
			} else if (r % 7 == 0) {
				int node = (int)(rnd() % 2);
				p[0] = kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_THISNODE, node);
				REQUIRE(p[0]);
				CHECK_EQ(page_to_nid(virt_to_page(p[0])), node);
			} else {
				p[0] = kmem_cache_alloc(s, GFP_KERNEL);
			}
			for (unsigned int j = 0; j < k; j++) {
				REQUIRE(p[j]);
				CHECK(slub_obj_of(s, p[j]));
				live[ci][nlive[ci]].p = p[j];
				live[ci][nlive[ci]].tag = next_tag;
				slub_stamp(p[j], sz, next_tag++);
				nlive[ci]++;
			}
		} else {
			unsigned int k = r % 10 == 0 ? 1 + (unsigned int)(rnd() % 16) : 1;
			if (k > n)
				k = n;
			void *p[16];
			for (unsigned int j = 0; j < k; j++) {
				unsigned int idx = (unsigned int)(rnd() % nlive[ci]);
				if (!slub_stamped(live[ci][idx].p, sz, live[ci][idx].tag)) {
					fprintf(stderr, "step %ld: object %p of %s changed while live\n", step,
						live[ci][idx].p, s->name);
					test_failures++;
				}
				p[j] = live[ci][idx].p;
				live[ci][idx] = live[ci][--nlive[ci]];
			}
			if (k > 1)
				kmem_cache_free_bulk(s, k, p);
			else
				kmem_cache_free(s, p[0]);
		}
		if (step % 5000 == 4999) {
			/* Distinct objects: each carries its own tag, so an object handed out twice
			 * fails the stamp check of the older owner. */
			for (int i = 0; i < NCACHES; i++) {
				CHECK(c[i]->ops->is_valid(c[i], stderr));
				CHECK_EQ(slub_live_objects(c[i]), nlive[i]);
				for (unsigned int j = 0; j < nlive[i]; j++)
					CHECK(slub_stamped(live[i][j].p, sizes[i], live[i][j].tag));
			}
			if (step % 20000 == 19999)
				kmem_cache_shrink(c[ci]);
			if (test_failures)
				break;
		}
	}
	for (int i = 0; i < NCACHES; i++) {
		for (unsigned int j = 0; j < nlive[i]; j++) {
			CHECK(slub_stamped(live[i][j].p, sizes[i], live[i][j].tag));
			kmem_cache_free(c[i], live[i][j].p);
		}
		CHECK_EQ(slub_live_objects(c[i]), 0);
		kmem_cache_shrink(c[i]);
		CHECK_EQ(slub_slabs(c[i]), 0);
		CHECK(c[i]->ops->is_valid(c[i], stderr));
		kmem_cache_destroy(c[i]);
	}
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
