/* fuzz_buddy_ops: the input is a program of buddy allocator operations, run against a model.
 *
 * numamm boots once ($NMM_FUZZ_BOOT, default "mem=64M numa=fake=2"). Each input is read as
 * operations, an opcode byte and its argument bytes (zeros once the input runs out):
 *   alloc_pages_node(node -1..nr_node_ids, gfp from a table of composites | modifiers, order 0..10),
 *   alloc_pages_exact[_nid](size, gfp), __free_pages / free_pages_exact of a held block,
 *   split_page, get_page / put_page (of any page of a compound block), drain_all_pages.
 * The model holds every block the test owns: its first pfn, order, references and a tag written
 * into its first and last word. Every allocation must be naturally aligned, in a zone and on a
 * node its mask allows, with one reference, not PageBuddy/PageReserved, compound when asked,
 * zeroed when asked, and overlap no held page (a bitmap of owned pfns). __free_pages of a
 * non-compound block with an extra reference keeps only its first page (as the kernel does);
 * tests/fuzz_regressions/buddy_ops/free_pages_shared_* are the inputs that first broke it.
 * Every K operations and at the end every zone passes nmm_zone_is_valid(); at the end everything
 * is freed and, with the pcp lists drained, the free page count is what it was at the start, with
 * no bad page report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <numamm/numamm.h>

#include "boot/boot.h"
#include "page_alloc/internal.h"
#include "fuzz_common.h"

#define MAX_HELD 256
#define K 16
#define MAX_OPS 2000
/* check_new(): the block is alloc_pages_exact()'s, split into order-0 pages (not a GFP bit). */
#define __GFP_EXACT_SPLIT ((gfp_t)1u << 31)

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_buddy_ops: " __VA_ARGS__);                    \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

enum kind { K_PAGES, K_EXACT };

struct blk {
	struct page *page;
	unsigned long pfn;
	unsigned int order;        /* K_PAGES: the block is 2^order pages */
	unsigned long nr;          /* pages held */
	enum kind kind;
	size_t size;               /* K_EXACT: the size asked */
	bool comp;
	int ref;
	uint64_t tag;
};

static struct blk held[MAX_HELD];
static int nheld;
static unsigned char *owned;
static uint64_t tagseq = 0x9e3779b97f4a7c15ULL;

static const gfp_t composites[] = {
	GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_NOIO, GFP_NOFS, GFP_USER, GFP_HIGHUSER,
	GFP_HIGHUSER_MOVABLE, GFP_KERNEL_ACCOUNT, GFP_KERNEL | __GFP_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA | GFP_KERNEL, GFP_DMA32 | GFP_KERNEL, 0,
	__GFP_HIGH, __GFP_MEMALLOC | GFP_KERNEL,
};
static const gfp_t modifiers[] = {   /* one bit of the modifier byte each */
	__GFP_ZERO, __GFP_COMP, __GFP_THISNODE, __GFP_DMA, __GFP_DMA32, __GFP_NORETRY,
	__GFP_RETRY_MAYFAIL, __GFP_HIGHMEM,
};

static gfp_t pick_gfp(struct cursor *c)
{
	gfp_t gfp = composites[next8(c) % (sizeof(composites) / sizeof(composites[0]))];
	unsigned m = next8(c);
	/* Zone modifiers (DMA, DMA32, HIGHMEM bits) only now and then: they mostly contradict. */
	if ((m & 0x98) && (m & 0x40) == 0)
		m &= ~0x98u;
	for (unsigned i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++)
		if (m & (1u << i))
			gfp |= modifiers[i];
	return gfp | __GFP_NOWARN;
}

static uint64_t *word(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	void *va = page_address(page);
	return va ? va : nmm_highmem_view_addr(pfn);
}

static void own(unsigned long pfn, unsigned long nr, bool set)
{
	for (unsigned long q = pfn; q < pfn + nr; q++) {
		bool was = owned[q / 8] & (1u << (q % 8));
		if (set && was)
			FAIL("pfn %#lx handed out twice", q);
		if (!set && !was)
			FAIL("model: pfn %#lx released but not owned", q);
		if (set)
			owned[q / 8] |= (unsigned char)(1u << (q % 8));
		else
			owned[q / 8] &= (unsigned char)~(1u << (q % 8));
	}
}

static void tag(struct blk *b)
{
	b->tag = tagseq = tagseq * 6364136223846793005ULL + 1442695040888963407ULL;
	*word(b->pfn) = b->tag;
	word(b->pfn + b->nr - 1)[PAGE_SIZE / 8 - 1] = ~b->tag;
}

static void check_tag(const struct blk *b)
{
	if (*word(b->pfn) != b->tag || word(b->pfn + b->nr - 1)[PAGE_SIZE / 8 - 1] != ~b->tag)
		FAIL("block pfn %#lx (%lu pages) lost its tag", b->pfn, b->nr);
}

static void check_new(struct page *page, unsigned int order, unsigned long nr, gfp_t gfp, int nid)
{
	unsigned long pfn = page_to_pfn(page);
	if (pfn & ((1UL << order) - 1))
		FAIL("order-%u block at pfn %#lx not aligned", order, pfn);
	int zmax = gfp_zone(gfp);
	if (zmax < 0)
		FAIL("gfp %#x with contradictory zone modifiers succeeded", gfp);
	if ((int)page_zonenum(page) > zmax)
		FAIL("pfn %#lx in zone %d, gfp %#x allows up to %d", pfn, page_zonenum(page), gfp, zmax);
	if ((gfp & __GFP_THISNODE) && nid >= 0 && page_to_nid(page) != nid)
		FAIL("__GFP_THISNODE for node %d gave pfn %#lx on node %d", nid, pfn, page_to_nid(page));
	for (unsigned long i = 0; i < nr; i++) {
		struct page *q = page + i;
		/* A block's references live in its first page (alloc_pages_exact splits it). */
		int want = i == 0 || (gfp & __GFP_EXACT_SPLIT) ? 1 : 0;
		if (page_ref_count(q) != want)
			FAIL("new pfn %#lx has %d references, not %d", pfn + i, page_ref_count(q), want);
		if (PageBuddy(q) || PageReserved(q))
			FAIL("new pfn %#lx is %s", pfn + i, PageBuddy(q) ? "PageBuddy" : "PageReserved");
		if (gfp & __GFP_ZERO) {
			const uint64_t *w = word(pfn + i);
			for (unsigned j = 0; j < PAGE_SIZE / 8; j += 61)
				if (w[j])
					FAIL("__GFP_ZERO page pfn %#lx not zero at word %u", pfn + i, j);
		}
	}
	if ((gfp & __GFP_COMP) && order && !(PageHead(page) && PageTail(page + 1)))
		FAIL("__GFP_COMP order %u at pfn %#lx is not compound", order, pfn);
	own(pfn, nr, true);
}

static void drop(int i)
{
	held[i] = held[--nheld];
}

/* Free block @i (the last reference), checking its tag. */
static void release(int i)
{
	struct blk *b = &held[i];
	check_tag(b);
	own(b->pfn, b->nr, false);
	if (b->kind == K_EXACT)
		free_pages_exact(page_address(b->page), b->size);
	else
		__free_pages(b->page, b->order);
	drop(i);
}

static void op_alloc(struct cursor *c)
{
	gfp_t gfp = pick_gfp(c);
	unsigned int order = next8(c) % (MAX_ORDER + 1);
	int nid = (int)(next8(c) % (unsigned)(nr_node_ids + 2)) - 1;   /* -1..nr_node_ids */
	if (nheld == MAX_HELD)
		return;
	if (nid == nr_node_ids)
		nid = NUMA_NO_NODE;   /* alloc_pages_node() wants a node that exists */
	struct page *page = alloc_pages_node(nid, gfp, order);
	if (!page) {
		if (gfp & __GFP_NOFAIL)
			FAIL("__GFP_NOFAIL returned NULL");
		return;
	}
	struct blk *b = &held[nheld++];
	*b = (struct blk){ .page = page, .pfn = page_to_pfn(page), .order = order, .nr = 1UL << order,
			   .kind = K_PAGES, .comp = (gfp & __GFP_COMP) && order, .ref = 1 };
	check_new(page, order, b->nr, gfp, nid);
	tag(b);
}

static void op_alloc_exact(struct cursor *c)
{
	gfp_t gfp = pick_gfp(c) & ~__GFP_HIGHMEM;
	size_t size = (size_t)next16(c) * 16 + next8(c);   /* 0 .. 1 MiB: freed a page at a time */
	int nid = (int)(next8(c) % (unsigned)(nr_node_ids + 1)) - 1;
	if (nheld == MAX_HELD || !size)
		return;
	void *va = alloc_pages_exact_nid(nid, size, gfp);
	if (!va)
		return;
	struct page *page = virt_to_page(va);
	unsigned long nr = PFN_UP(size);
	struct blk *b = &held[nheld++];
	*b = (struct blk){ .page = page, .pfn = page_to_pfn(page), .order = 0, .nr = nr,
			   .kind = K_EXACT, .size = size, .ref = 1 };
	if (page_address(page) != va)
		FAIL("alloc_pages_exact gave %p, its page is at %p", va, page_address(page));
	check_new(page, 0, nr, (gfp & ~__GFP_COMP) | __GFP_EXACT_SPLIT, nid);
	tag(b);
}

static void op_free(struct cursor *c)
{
	unsigned sel = next8(c);
	if (!nheld)
		return;
	int i = (int)(sel % (unsigned)nheld);
	struct blk *b = &held[i];
	if (b->ref == 1) {
		release(i);
		return;
	}
	if (b->kind == K_EXACT)
		return;   /* free_pages_exact() is for blocks nobody else holds */
	/* __free_pages() with another reference held: drop ours; a non-compound block keeps only
	 * its first page, the rest goes back now. */
	check_tag(b);
	__free_pages(b->page, b->order);
	b->ref--;
	if (!b->comp && b->order) {
		own(b->pfn + 1, b->nr - 1, false);
		b->order = 0;
		b->nr = 1;
		tag(b);
	}
}

static void op_split(struct cursor *c)
{
	unsigned sel = next8(c);
	if (!nheld)
		return;
	int i = (int)(sel % (unsigned)nheld);
	struct blk b = held[i];
	if (b.kind != K_PAGES || b.comp || !b.order || b.ref != 1 || nheld - 1 + (int)b.nr > MAX_HELD)
		return;
	check_tag(&b);
	split_page(b.page, b.order);
	drop(i);
	for (unsigned long k = 0; k < b.nr; k++) {
		struct blk *n = &held[nheld++];
		*n = (struct blk){ .page = b.page + k, .pfn = b.pfn + k, .order = 0, .nr = 1,
				   .kind = K_PAGES, .ref = 1 };
		if (page_ref_count(n->page) != 1)
			FAIL("split_page: pfn %#lx has %d references", n->pfn, page_ref_count(n->page));
		tag(n);
	}
}

static void op_get(struct cursor *c)
{
	unsigned sel = next8(c), sub = next16(c);
	if (!nheld)
		return;
	struct blk *b = &held[sel % (unsigned)nheld];
	if (b->kind != K_PAGES || b->ref >= 8)
		return;
	/* Any page of a compound block stands for its head. */
	get_page(b->comp ? b->page + sub % b->nr : b->page);
	b->ref++;
	if (page_ref_count(b->page) != b->ref)
		FAIL("get_page: pfn %#lx has %d references, model %d", b->pfn, page_ref_count(b->page), b->ref);
}

static void op_put(struct cursor *c)
{
	unsigned sel = next8(c), sub = next16(c);
	if (!nheld)
		return;
	int i = (int)(sel % (unsigned)nheld);
	struct blk *b = &held[i];
	if (b->kind != K_PAGES)
		return;
	check_tag(b);
	if (b->ref == 1) {
		own(b->pfn, b->nr, false);
		put_page(b->comp ? b->page + sub % b->nr : b->page);
		drop(i);
		return;
	}
	put_page(b->comp ? b->page + sub % b->nr : b->page);
	b->ref--;
	if (page_ref_count(b->page) != b->ref)
		FAIL("put_page: pfn %#lx has %d references, model %d", b->pfn, page_ref_count(b->page), b->ref);
}

static void op_drain(struct cursor *c)
{
	unsigned sel = next8(c);
	if (sel & 1) {
		drain_all_pages(NULL);
		return;
	}
	int nid = (int)((sel >> 1) % (unsigned)nr_node_ids);
	struct zone *zone = &NODE_DATA(nid)->node_zones[(sel >> 4) % MAX_NR_ZONES];
	if (populated_zone(zone))
		drain_all_pages(zone);
}

static void check_zones(const char *when, int step)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone) && !nmm_zone_is_valid(zone, stderr))
				FAIL("node %d zone %d invalid %s %d", nid, z, when, step);
		}
	if (nmm_bad_page_count)
		FAIL("%lu bad page report(s) %s %d", nmm_bad_page_count, when, step);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_boot("fuzz_buddy_ops", "mem=64M numa=fake=2");
	owned = calloc(max_pfn / 8 + 1, 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!owned)
		LLVMFuzzerInitialize(NULL, NULL);
	drain_all_pages(NULL);
	unsigned long start = nr_free_pages();
	struct cursor c = { data, data + size };
	for (int step = 0; c.p < c.end && step < MAX_OPS; step++) {
		switch (next8(&c) % 12) {
		case 0: case 1: case 2: op_alloc(&c); break;
		case 3: op_alloc_exact(&c); break;
		case 4: case 5: case 6: op_free(&c); break;
		case 7: op_split(&c); break;
		case 8: op_get(&c); break;
		case 9: op_put(&c); break;
		case 10: op_drain(&c); break;
		case 11: check_zones("at step", step); break;
		}
		if (step % K == K - 1)
			check_zones("after step", step);
	}
	/* Everything back: extra references first, then the blocks. */
	while (nheld) {
		struct blk *b = &held[nheld - 1];
		while (b->ref > 1) {
			put_page(b->page);
			b->ref--;
		}
		release(nheld - 1);
	}
	check_zones("at the end", -1);
	drain_all_pages(NULL);
	unsigned long end = nr_free_pages();
	if (end != start)
		FAIL("%lu free pages at the start, %lu after freeing everything", start, end);
	return 0;
}
