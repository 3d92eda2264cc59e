/* fuzz_mempool_ops: the input is a program of mempool operations, run against a model.
 *
 * numamm boots once ($NMM_FUZZ_BOOT, default "mem=64M numa=fake=2"). Each input is read as
 * operations, an opcode byte and its argument bytes (zeros once the input runs out):
 *   create a slab pool (one of two caches, 24 and 600 bytes), a kmalloc pool (1..4096 bytes)
 *   or a page pool (order 0..3) with min_nr 0..16; mempool_alloc with GFP_KERNEL, GFP_NOWAIT
 *   or GFP_ATOMIC (and sometimes __GFP_ZERO, checked when the allocator serves); mempool_free of any held element; mempool_resize
 *   to -1..16; mempool_destroy; the allocator failing on and off (failslab and fail_page_alloc
 *   at probability 100), so allocations come from the reserve.
 * The model holds every element handed out: its pool and a tag in its first bytes. It checks
 * that an element is none of the held ones nor one sitting in any reserve, that __GFP_ZERO
 * zeroed it, that an allocation with the allocator failing comes from the reserve when the
 * reserve has one (curr_nr one less) and is NULL otherwise, that frees refill a short reserve
 * first, that resize(n <= 0) is -EINVAL and leaves the pool alone, that a shrink leaves at most
 * n in the reserve and a grow (allocator working) fills it to n, and after every operation that
 * 0 <= curr_nr <= max(min_nr, 1) with the reserve's elements distinct. A sleeping mask is used
 * only while the allocator works (with the reserve empty and the allocator failing it would
 * wait for a free that never comes). At the end every element goes back, every pool is
 * destroyed, the caches are destroyed and, with every kmalloc cache shrunk and the pcp lists
 * drained, the free page count is back where it started.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <numamm/fault_inject.h>
#include <numamm/numamm.h>

#include "page_alloc/internal.h"
#include "slab/slab.h"
#include "fuzz_common.h"

#define MAX_POOLS 8
#define MAX_HELD 256
#define MAX_OPS 500

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_mempool_ops: " __VA_ARGS__);                  \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

enum kind { SLAB_POOL, KMALLOC_POOL, PAGE_POOL };

struct pool {
	mempool_t *mp;
	enum kind kind;
	size_t size;              /* element bytes */
};

struct elem {
	void *e;                  /* what mempool_alloc returned (a struct page * for page pools) */
	int pool;
	uint64_t tag;
};

static struct pool pools[MAX_POOLS];
static struct elem held[MAX_HELD];
static int nheld;
static struct kmem_cache *caches[2];
static bool failing;
static uint64_t tagseq = 0x9e3779b97f4a7c15ULL;

static unsigned char *bytes_of(const struct pool *p, void *e)
{
	return p->kind == PAGE_POOL ? page_address(e) : e;
}

static void write_tag(const struct pool *p, struct elem *el)
{
	el->tag = tagseq += 0x9e3779b97f4a7c15ULL;
	size_t n = p->size < 8 ? p->size : 8;
	memcpy(bytes_of(p, el->e), &el->tag, n);
	bytes_of(p, el->e)[p->size - 1] ^= 0x5a;
}

static void check_tag(const struct pool *p, const struct elem *el)
{
	unsigned char want[8];
	memcpy(want, &el->tag, 8);
	unsigned char *b = bytes_of(p, el->e);
	unsigned char last = b[p->size - 1];
	b[p->size - 1] ^= 0x5a;
	size_t n = p->size < 8 ? p->size : 8;
	if (memcmp(b, want, n))
		FAIL("element %p of pool %d: its tag was overwritten", el->e, el->pool);
	b[p->size - 1] = last;
}

static void set_failing(bool on)
{
	struct nmm_fault_attr a = { .probability = 100, .interval = 1, .times = -1 };
	if (nmm_fault_set(NMM_FAULT_SLAB, on ? &a : NULL) || nmm_fault_set(NMM_FAULT_PAGE_ALLOC, on ? &a : NULL))
		FAIL("nmm_fault_set failed");
	failing = on;
}

/* Capacity of the reserve: max(min_nr, 1) (a min_nr 0 pool keeps one for a waiter). */
static int capacity(const mempool_t *mp)
{
	return mp->min_nr > 0 ? mp->min_nr : 1;
}

static void check_pool(int i, const char *when)
{
	const mempool_t *mp = pools[i].mp;
	if (mp->curr_nr < 0 || mp->curr_nr > capacity(mp))
		FAIL("pool %d %s: curr_nr %d, min_nr %d", i, when, mp->curr_nr, mp->min_nr);
	for (int a = 0; a < mp->curr_nr; a++)
		for (int b = a + 1; b < mp->curr_nr; b++)
			if (mp->elements[a] == mp->elements[b])
				FAIL("pool %d %s: element %p twice in the reserve", i, when, mp->elements[a]);
}

/* @e is new: not held, not in any reserve. */
static void check_new(void *e)
{
	for (int k = 0; k < nheld; k++)
		if (held[k].e == e)
			FAIL("element %p handed out twice", e);
	for (int i = 0; i < MAX_POOLS; i++)
		if (pools[i].mp)
			for (int a = 0; a < pools[i].mp->curr_nr; a++)
				if (pools[i].mp->elements[a] == e)
					FAIL("element %p handed out while in pool %d's reserve", e, i);
}

static void op_create(struct cursor *c)
{
	unsigned sel = next8(c), arg = next8(c), min_nr = next8(c) % 17;
	int i = 0;
	while (i < MAX_POOLS && pools[i].mp)
		i++;
	if (i == MAX_POOLS)
		return;
	struct pool p = { .kind = (enum kind)(sel % 3) };
	switch (p.kind) {
	case SLAB_POOL:
		p.size = caches[arg & 1]->object_size;
		p.mp = mempool_create_slab_pool((int)min_nr, caches[arg & 1]);
		break;
	case KMALLOC_POOL:
		p.size = (size_t)(arg << 4 | (sel >> 2 & 15)) + 1;   /* 1..4096 */
		p.mp = mempool_create_kmalloc_pool((int)min_nr, p.size);
		break;
	case PAGE_POOL:
		p.size = PAGE_SIZE << (arg % 4);
		p.mp = mempool_create_page_pool((int)min_nr, (int)(arg % 4));
		break;
	}
	if (!p.mp) {
		if (!failing)
			FAIL("mempool_create kind %d min_nr %u failed with the allocator working", p.kind, min_nr);
		return;
	}
	if (p.mp->curr_nr != (int)min_nr || p.mp->min_nr != (int)min_nr)
		FAIL("new pool: curr_nr %d min_nr %d, asked %u", p.mp->curr_nr, p.mp->min_nr, min_nr);
	pools[i] = p;
}

static int pick_pool(unsigned sel)
{
	for (int k = 0; k < MAX_POOLS; k++) {
		int i = (int)((sel + (unsigned)k) % MAX_POOLS);
		if (pools[i].mp)
			return i;
	}
	return -1;
}

static void op_alloc(struct cursor *c)
{
	unsigned sel = next8(c), m = next8(c);
	int i = pick_pool(sel);
	if (i < 0 || nheld == MAX_HELD)
		return;
	mempool_t *mp = pools[i].mp;
	gfp_t masks[3] = { GFP_KERNEL, GFP_NOWAIT, GFP_ATOMIC };
	gfp_t gfp = masks[m % 3];
	if (failing && gfp == GFP_KERNEL)
		gfp = GFP_NOWAIT;
	bool zero = m & 8;
	if (zero)
		gfp |= __GFP_ZERO;
	/* Only the allocator zeroes; a reserve element comes as it was freed (the kernel's
	 * mempool_alloc warns on __GFP_ZERO for that reason). */
	zero &= !failing;
	int before = mp->curr_nr;
	void *e = mempool_alloc(mp, gfp | __GFP_NOWARN);
	if (failing) {
		if (before && !e)
			FAIL("pool %d: allocator failing, %d in the reserve, mempool_alloc gave NULL", i, before);
		if (!before && e)
			FAIL("pool %d: allocator failing, reserve empty, mempool_alloc gave %p", i, e);
		if (e && mp->curr_nr != before - 1)
			FAIL("pool %d: from the reserve, curr_nr %d -> %d", i, before, mp->curr_nr);
	} else if (!e) {
		FAIL("pool %d: mempool_alloc failed with the allocator working", i);
	}
	if (!e)
		return;
	check_new(e);
	if (zero) {
		const unsigned char *b = bytes_of(&pools[i], e);
		for (size_t k = 0; k < pools[i].size; k++)
			if (b[k])
				FAIL("pool %d: __GFP_ZERO element %p byte %zu is %#x", i, e, k, b[k]);
	}
	struct elem el = { .e = e, .pool = i };
	write_tag(&pools[i], &el);
	held[nheld++] = el;
}

static void release(int k)
{
	struct elem el = held[k];
	held[k] = held[--nheld];
	mempool_t *mp = pools[el.pool].mp;
	check_tag(&pools[el.pool], &el);
	int before = mp->curr_nr;
	bool short_reserve = before < capacity(mp);
	mempool_free(el.e, mp);
	if (short_reserve && mp->curr_nr != before + 1)
		FAIL("pool %d: a free to a short reserve (%d of %d) left curr_nr %d", el.pool, before,
		     capacity(mp), mp->curr_nr);
	if (!short_reserve && mp->curr_nr != before)
		FAIL("pool %d: a free to a full reserve changed curr_nr %d -> %d", el.pool, before, mp->curr_nr);
}

static void op_free(struct cursor *c)
{
	unsigned sel = next8(c);
	if (nheld)
		release((int)(sel % (unsigned)nheld));
}

static void op_resize(struct cursor *c)
{
	unsigned sel = next8(c);
	int n = (int)(next8(c) % 18) - 1;
	int i = pick_pool(sel);
	if (i < 0)
		return;
	mempool_t *mp = pools[i].mp;
	int before = mp->curr_nr, min_before = mp->min_nr;
	int e = mempool_resize(mp, n);
	if (n <= 0) {
		if (e != -EINVAL || mp->curr_nr != before || mp->min_nr != min_before)
			FAIL("pool %d: resize(%d) = %d, curr_nr %d -> %d", i, n, e, before, mp->curr_nr);
		return;
	}
	if (e && !(e == -ENOMEM && failing && n > min_before))
		FAIL("pool %d: resize(%d) = %d", i, n, e);
	if (e)
		return;
	if (mp->min_nr != n)
		FAIL("pool %d: resize(%d) left min_nr %d", i, n, mp->min_nr);
	if (mp->curr_nr > n)
		FAIL("pool %d: resize(%d) left %d in the reserve", i, n, mp->curr_nr);
	if (!failing && n > min_before && mp->curr_nr != n)
		FAIL("pool %d: grown to %d with the allocator working, %d in the reserve", i, n, mp->curr_nr);
}

static void destroy_pool(int i)
{
	for (int k = nheld - 1; k >= 0; k--)
		if (held[k].pool == i)
			release(k);
	mempool_destroy(pools[i].mp);
	pools[i].mp = NULL;
}

static void op_destroy(struct cursor *c)
{
	int i = pick_pool(next8(c));
	if (i >= 0)
		destroy_pool(i);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_boot("fuzz_mempool_ops", "mem=64M numa=fake=2");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!nmm_booted())
		LLVMFuzzerInitialize(NULL, NULL);
	unsigned long start = fuzz_settled_free_pages();
	caches[0] = kmem_cache_create("fuzz-pool-24", 24, 0, 0, NULL);
	caches[1] = kmem_cache_create("fuzz-pool-600", 600, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!caches[0] || !caches[1])
		FAIL("kmem_cache_create failed");
	struct cursor c = { data, data + size };
	for (int step = 0; c.p < c.end && step < MAX_OPS; step++) {
		switch (next8(&c) % 12) {
		case 0: case 1: op_create(&c); break;
		case 2: case 3: case 4: op_alloc(&c); break;
		case 5: case 6: case 7: op_free(&c); break;
		case 8: op_resize(&c); break;
		case 9: op_destroy(&c); break;
		case 10: set_failing(!failing); break;
		case 11: set_failing(false); break;
		}
		for (int i = 0; i < MAX_POOLS; i++)
			if (pools[i].mp)
				check_pool(i, "after an operation");
	}
	set_failing(false);
	for (int i = 0; i < MAX_POOLS; i++)
		if (pools[i].mp)
			destroy_pool(i);
	if (nheld)
		FAIL("%d elements left after every pool went", nheld);
	kmem_cache_destroy(caches[0]);
	kmem_cache_destroy(caches[1]);
	unsigned long end = fuzz_settled_free_pages();
	if (end != start)
		FAIL("free pages %lu at the start, %lu at the end", start, end);
	return 0;
}
