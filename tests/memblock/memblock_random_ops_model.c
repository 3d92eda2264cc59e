/* memblock_random_ops_model - random sequences of add, add_node, remove, reserve, free,
 * set_node, mark/clear NOMAP and allocations (both directions, random alignment, node or any)
 * checked after every step against a page-granular model: the region arrays must equal the
 * model's maximal runs exactly, the free-range walk must equal memory minus reserved, and each
 * allocation must land where the model says top-down or bottom-up puts it.
 * Usage: memblock_random_ops_model [SEED] [OPS]. Silent on success.
 */
#include <stdlib.h>

#include "memblock_test.h"

#define NPAGES 1024                     /* model space: [0, 4 MiB) */
#define PG SZ_4K
#define NO_NODE MAX_NUMNODES

struct page_state {
	bool present, reserved;
	int nid;
	enum memblock_flags flags;
};

static struct page_state model[NPAGES];
static unsigned long long rng_state;

static unsigned long rnd(unsigned long n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned long)(rng_state >> 33) % n;
}

/* Memory run boundary: pages a and b (b = a + 1) belong to one memory region. */
static bool same_region(int a, int b)
{
	return model[a].present && model[b].present && model[a].nid == model[b].nid &&
	       model[a].flags == model[b].flags;
}

/* Compare memblock.memory and memblock.reserved with the model's maximal runs. */
static bool regions_match_model(void)
{
	unsigned long mi = 0, ri = 0;
	int p = 0;

	while (p < NPAGES) {
		int q = p;

		if (!model[p].present) {
			p++;
			continue;
		}
		while (q + 1 < NPAGES && same_region(q, q + 1))
			q++;
		if (mi >= memblock.memory.cnt)
			return false;
		{
			const struct memblock_region *r = &memblock.memory.regions[mi++];

			if (r->base != (phys_addr_t)p * PG || r->size != (phys_addr_t)(q - p + 1) * PG ||
			    r->nid != model[p].nid || r->flags != model[p].flags)
				return false;
		}
		p = q + 1;
	}
	if (mi != memblock.memory.cnt)
		return false;

	for (p = 0; p < NPAGES;) {
		int q = p;

		if (!model[p].reserved) {
			p++;
			continue;
		}
		while (q + 1 < NPAGES && model[q + 1].reserved)
			q++;
		if (ri >= memblock.reserved.cnt)
			return false;
		{
			const struct memblock_region *r = &memblock.reserved.regions[ri++];

			if (r->base != (phys_addr_t)p * PG || r->size != (phys_addr_t)(q - p + 1) * PG)
				return false;
		}
		p = q + 1;
	}
	return ri == memblock.reserved.cnt;
}

/* Is page p free for allocation on @nid (NUMA_NO_NODE: any)? */
static bool page_free(int p, int nid)
{
	return model[p].present && !model[p].reserved && !(model[p].flags & MEMBLOCK_NOMAP) &&
	       (nid == NUMA_NO_NODE || model[p].nid == nid);
}

/* Compare the free-range walk with the model's free runs (split at region boundaries). */
static bool free_ranges_match_model(void)
{
	phys_addr_t s, e;
	int p = 0, nid;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid) {
		int q;

		while (p < NPAGES && !page_free(p, NUMA_NO_NODE))
			p++;
		if (p >= NPAGES)
			return false;
		q = p;
		while (q + 1 < NPAGES && page_free(q + 1, NUMA_NO_NODE) && same_region(q, q + 1))
			q++;
		if (s != (phys_addr_t)p * PG || e != (phys_addr_t)(q + 1) * PG || nid != model[p].nid)
			return false;
		p = q + 1;
	}
	while (p < NPAGES && !page_free(p, NUMA_NO_NODE))
		p++;
	return p == NPAGES;
}

/* Where the model puts @n pages aligned to @al pages on @nid; -1 when nowhere. */
static int model_alloc_pos(int n, int al, int nid, bool bottom_up)
{
	int c;

	for (int k = 0; k < NPAGES; k++) {
		bool ok = true;

		c = bottom_up ? k : NPAGES - 1 - k;
		if (c < 1 || c % al || c + n > NPAGES)  /* page 0 is never allocated */
			continue;
		for (int j = c; j < c + n && ok; j++)
			ok = page_free(j, nid) && (j == c || same_region(j - 1, j));
		if (ok)
			return c;
	}
	return -1;
}

static void model_set(int p, int n, void (*fn)(struct page_state *, long), long arg)
{
	for (int j = p; j < p + n; j++)
		fn(&model[j], arg);
}

static void op_add(struct page_state *s, long nid_flags)
{
	if (!s->present) {
		s->present = true;
		s->nid = (int)(nid_flags >> 8);
		s->flags = (enum memblock_flags)(nid_flags & 0xff);
	}
}
static void op_remove(struct page_state *s, long unused)
{
	(void)unused;
	s->present = false;
}
static void op_reserve(struct page_state *s, long v) { s->reserved = v; }
static void op_set_node(struct page_state *s, long nid)
{
	if (s->present)
		s->nid = (int)nid;
}
static void op_nomap(struct page_state *s, long set)
{
	if (!s->present)
		return;
	if (set)
		s->flags |= MEMBLOCK_NOMAP;
	else
		s->flags &= ~MEMBLOCK_NOMAP;
}

int main(int argc, char **argv)
{
	unsigned long seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 20240601;
	unsigned long ops = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
	unsigned long step, allocs = 0, alloc_fails = 0, max_cnt = 0;
	FILE *devnull = fopen("/dev/null", "w");

	REQUIRE(devnull);
	rng_state = seed;
	reset_memblock();
	for (step = 0; step < ops; step++) {
		int p = (int)rnd(NPAGES), n = 1 + (int)rnd(48), nid = (int)rnd(3);
		unsigned long op = rnd(100);

		if (p + n > NPAGES)
			n = NPAGES - p;
		if (op < 25) {
			enum memblock_flags fl = rnd(4) == 0 ? MEMBLOCK_HOTPLUG : MEMBLOCK_NONE;

			if (rnd(3) == 0) {
				CHECK_EQ(memblock_add((phys_addr_t)p * PG, (phys_addr_t)n * PG), 0);
				nid = NO_NODE;
				fl = MEMBLOCK_NONE;
			} else {
				CHECK_EQ(memblock_add_node((phys_addr_t)p * PG, (phys_addr_t)n * PG,
							   nid, fl), 0);
			}
			model_set(p, n, op_add, (long)nid << 8 | fl);
		} else if (op < 35) {
			CHECK_EQ(memblock_remove((phys_addr_t)p * PG, (phys_addr_t)n * PG), 0);
			model_set(p, n, op_remove, 0);
		} else if (op < 50) {
			CHECK_EQ(memblock_reserve((phys_addr_t)p * PG, (phys_addr_t)n * PG), 0);
			model_set(p, n, op_reserve, 1);
		} else if (op < 62) {
			CHECK_EQ(memblock_phys_free((phys_addr_t)p * PG, (phys_addr_t)n * PG), 0);
			model_set(p, n, op_reserve, 0);
		} else if (op < 67) {
			CHECK_EQ(memblock_set_node((phys_addr_t)p * PG, (phys_addr_t)n * PG,
						   &memblock.memory, nid), 0);
			model_set(p, n, op_set_node, nid);
		} else if (op < 72) {
			bool set = rnd(2);

			CHECK_EQ(set ? memblock_mark_nomap((phys_addr_t)p * PG, (phys_addr_t)n * PG)
				     : memblock_clear_nomap((phys_addr_t)p * PG, (phys_addr_t)n * PG), 0);
			model_set(p, n, op_nomap, set);
		} else {
			int al = 1 << rnd(5), want, any = rnd(2);
			int req_nid = any ? NUMA_NO_NODE : nid;
			bool bottom_up = rnd(2);
			phys_addr_t got;
			FILE *saved = stderr;

			n = 1 + (int)rnd(16);
			memblock_set_bottom_up(bottom_up);
			want = model_alloc_pos(n, al, req_nid, bottom_up);
			if (want < 0 && req_nid != NUMA_NO_NODE)
				want = model_alloc_pos(n, al, NUMA_NO_NODE, bottom_up);
			stderr = devnull;
			got = memblock_phys_alloc_try_nid((phys_addr_t)n * PG, (phys_addr_t)al * PG,
							  req_nid);
			stderr = saved;
			allocs++;
			if (want < 0) {
				alloc_fails++;
				CHECK_EQ(got, 0);
			} else {
				CHECK_EQ(got, (phys_addr_t)want * PG);
				model_set(want, n, op_reserve, 1);
			}
		}
		if (memblock.memory.cnt > max_cnt)
			max_cnt = memblock.memory.cnt;
		if (!regions_match_model() || !free_ranges_match_model() ||
		    !memblock_type_is_valid(&memblock.memory) ||
		    !memblock_type_is_valid(&memblock.reserved) || !nmm_memblock_is_valid()) {
			fprintf(stderr, "seed %lu: memblock differs from the model after step %lu "
				"(op %lu)\n", seed, step, op);
			nmm_memblock_dump(stderr);
			return 1;
		}
		if (test_failures) {
			fprintf(stderr, "seed %lu: failed at step %lu\n", seed, step);
			return test_done();
		}
		if (rnd(4000) == 0) {           /* now and then, start over */
			nmm_memblock_reset();
			memset(model, 0, sizeof(model));
		}
	}
	/* The run must have exercised what it claims to. */
	CHECK(allocs > ops / 5);
	CHECK(alloc_fails < allocs);
	if (getenv("MEMBLOCK_MODEL_VERBOSE"))
		printf("seed %lu: %lu ops, %lu allocations (%lu failed), up to %lu memory regions\n",
		       seed, ops, allocs, alloc_fails, max_cnt);
	fclose(devnull);
	return test_done();
}
