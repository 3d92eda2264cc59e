/* slob_random_ops_match_model: random allocations and frees of mixed sizes from several caches
 * (in-page and own-page, with and without alignment) against a model of the live objects:
 * every object keeps its fill while live (no overlap, no reuse of a live block), each cache's
 * slabinfo count equals the model's, the walkers agree (is_valid) along the way, and when all
 * is freed every page is back in the buddy allocator. [OPS] [SEED] may be given. */
#include <stdlib.h>

#include "slob_test.h"

#define NCACHES 8
#define MAXLIVE 4000

struct live {
	unsigned char *p;
	int cache;
	unsigned char fill;
};

static struct live live[MAXLIVE];

static bool check_fill(const struct live *l, unsigned int size)
{
	for (unsigned int i = 0; i < size; i += 7)
		if (l->p[i] != l->fill)
			return false;
	return l->p[size - 1] == l->fill;
}

int main(int argc, char **argv)
{
	long ops = argc > 1 ? atol(argv[1]) : 200000;
	unsigned int seed = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
	slob_test_boot("slab_nomerge");
	static const unsigned int size[NCACHES] = { 8, 24, 100, 250, 700, 1500, 3000, 6000 };
	static const unsigned int align[NCACHES] = { 0, 0, 64, 0, 0, 256, 0, 0 };
	struct kmem_cache *c[NCACHES];
	unsigned long model[NCACHES] = { 0 };
	for (int i = 0; i < NCACHES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "model_%u", size[i]);
		REQUIRE((c[i] = kmem_cache_create(name, size[i], align[i], 0, NULL)) != NULL);
	}
	unsigned long free0 = slob_test_free_pages();
	srand(seed);
	int n = 0;
	for (long op = 0; op < ops; op++) {
		/* Grow towards MAXLIVE / 2, with long runs either way to fill and empty pages. */
		bool grow = n == 0 || (n < MAXLIVE && (rand() % 100) < ((op / 5000) % 2 ? 35 : 65));
		if (grow) {
			int ci = rand() % NCACHES;
			if (ci == NCACHES - 1 && rand() % 4)
				ci = rand() % (NCACHES - 1);     /* fewer 6000-byte objects */
			unsigned char *p = kmem_cache_alloc(c[ci], GFP_KERNEL);
			REQUIRE(p);
			if (align[ci])
				CHECK((uintptr_t)p % align[ci] == 0);
			live[n] = (struct live){ p, ci, (unsigned char)(rand() | 1) };
			memset(p, live[n].fill, size[ci]);
			model[ci]++;
			n++;
		} else {
			int i = rand() % n;
			if (!check_fill(&live[i], size[live[i].cache])) {
				fprintf(stderr, "op %ld: object %p of %s lost its fill\n", op, (void *)live[i].p,
					c[live[i].cache]->name);
				CHECK(0);
			}
			kmem_cache_free(c[live[i].cache], live[i].p);
			model[live[i].cache]--;
			live[i] = live[--n];
		}
		if (op % 20000 == 0) {
			CHECK(slab_all_caches_valid());
			for (int ci = 0; ci < NCACHES; ci++) {
				struct slabinfo si;
				c[ci]->ops->get_info(c[ci], &si);
				CHECK_EQ(si.active_objs, model[ci]);
				CHECK(si.num_slabs <= model[ci]);
				CHECK(model[ci] == 0 || si.num_slabs > 0);
			}
		}
	}
	for (int i = 0; i < n; i++) {
		CHECK(check_fill(&live[i], size[live[i].cache]));
		kmem_cache_free(c[live[i].cache], live[i].p);
	}
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slob_test_free_pages(), free0);
	for (int i = 0; i < NCACHES; i++)
		kmem_cache_destroy(c[i]);
	nmm_shutdown();
	return test_done();
}
