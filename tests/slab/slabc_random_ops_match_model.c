/* slabc_random_ops_match_model - random allocations and frees on SLAB caches of several
 * geometries (tiny objects with a 2-byte index, on-slab, off-slab index arrays, order-1 slabs,
 * a constructor) against a model of what is live: no object is handed out twice, none changes
 * while live, every structure is consistent after each batch, and shrink returns every slab
 * once all is freed.
 */
#include <stdint.h>

#include "slabc_test.h"

#define LIVE_MAX 3000
#define BATCHES 40
#define OPS 2000

static void *live[LIVE_MAX];
static unsigned long tag[LIVE_MAX];
static unsigned int nlive;

static void ctor(void *p)
{
	*(uint64_t *)p = 0xc0c0c0c0c0c0c0c0ULL;
}

static void fill(void *p, unsigned int size, unsigned long t)
{
	unsigned char *b = p;
	for (unsigned int i = 0; i < size; i++)
		b[i] = (unsigned char)(t + i);
}

static bool intact(const void *p, unsigned int size, unsigned long t)
{
	const unsigned char *b = p;
	for (unsigned int i = 0; i < size; i++)
		if (b[i] != (unsigned char)(t + i))
			return false;
	return true;
}

static void run(struct kmem_cache *s, unsigned long seed)
{
	unsigned int size = kmem_cache_size(s);
	unsigned long rnd = seed, next_tag = 1;
	nlive = 0;
	for (int b = 0; b < BATCHES; b++) {
		for (int op = 0; op < OPS; op++) {
			bool do_alloc = nlive == 0 || (nlive < LIVE_MAX && slabc_rand(&rnd) % 100 < (b % 8 < 4 ? 65 : 35));
			if (do_alloc) {
				void *p = (slabc_rand(&rnd) & 7) ? kmem_cache_alloc(s, GFP_KERNEL)
								   : kmem_cache_alloc_node(s, GFP_KERNEL, 0);
				REQUIRE(p);
				if (s->ctor)
					CHECK(*(uint64_t *)p == 0xc0c0c0c0c0c0c0c0ULL);
				live[nlive] = p;
				tag[nlive] = next_tag++;
				fill(p, size, tag[nlive]);
				nlive++;
			} else {
				unsigned int i = (unsigned int)(slabc_rand(&rnd) % nlive);
				if (!intact(live[i], size, tag[i])) {
					fprintf(stderr, "%s: object %p changed while live (seed %lu)\n", s->name,
						live[i], seed);
					test_failures++;
				}
				if (s->ctor)
					ctor(live[i]);   /* give it back constructed */
				kmem_cache_free(s, live[i]);
				live[i] = live[--nlive];
				tag[i] = tag[nlive];
			}
		}
		for (unsigned int i = 0; i < nlive; i++)
			if (!intact(live[i], size, tag[i])) {
				fprintf(stderr, "%s: object %p changed while live (seed %lu)\n", s->name, live[i], seed);
				test_failures++;
				break;
			}
		CHECK(s->ops->is_valid(s, stderr));
		struct slabinfo si;
		s->ops->get_info(s, &si);
		CHECK(si.active_objs >= nlive);
		CHECK(si.num_objs >= si.active_objs);
	}
	while (nlive) {
		nlive--;
		if (s->ctor)
			ctor(live[nlive]);
		kmem_cache_free(s, live[nlive]);
	}
	kmem_cache_shrink(s);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slabc_total_slabs(s), 0);
}

int main(void)
{
	slabc_boot(NULL);
	unsigned long seed = 0x9e3779b97f4a7c15UL ^ (unsigned long)getpid();
	fprintf(stderr, "seed %lu\n", seed);
	static const struct { const char *name; unsigned int size; bool ctor; } kinds[] = {
		{ "slabc-8", 8, false },         /* 2-byte indices: more than 256 per slab */
		{ "slabc-72", 72, false },
		{ "slabc-200c", 200, true },
		{ "slabc-512", 512, false },     /* off-slab index array (no room left on the slab) */
		{ "slabc-1500", 1500, false },   /* order-1 slabs */
		{ "slabc-9000", 9000, true },    /* higher order, limit 8 */
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct kmem_cache *s = kmem_cache_create(kinds[k].name, kinds[k].size, 0, 0,
							 kinds[k].ctor ? ctor : NULL);
		REQUIRE(s);
		run(s, seed + k);
		kmem_cache_destroy(s);
	}
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
