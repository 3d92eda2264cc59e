/* buddy_random_ops_match_model: 200k random allocations and frees of random orders (0..10)
 * and GFP masks are checked against a model: every block is naturally aligned, in a zone its
 * mask allows, overlaps no other live block (a bitmap of owned pfns), and keeps the tag written
 * into it until freed; the zones' free-list invariants hold every 500 steps; after freeing
 * everything the free page count is exactly what it was. Runs with and without grouping by
 * mobility, on one node and on numa=fake=2 with per-node requests. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"
#include "pa_test.h"

#define LIVE 4096

struct blk {
	struct page *page;
	unsigned int order;
	gfp_t gfp;
	uint64_t tag;
};

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const gfp_t masks[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA32 | GFP_KERNEL,
	GFP_DMA | GFP_KERNEL, GFP_NOWAIT, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
};

static void run(const char *line, long steps)
{
	REQUIRE(nmm_boot(line) == 0);
	unsigned long initial = drained_free_pages();
	unsigned char *owned = calloc(max_pfn / 8 + 1, 1);
	struct blk *live = calloc(LIVE, sizeof(*live));
	int nlive = 0;
	long fails = 0;
	for (long step = 0; step < steps; step++) {
		bool do_alloc = nlive == 0 || (nlive < LIVE && (next() % 100) < 55);
		if (do_alloc) {
			unsigned int order = (unsigned int)(next() % 100 < 80 ? next() % 4 : next() % (MAX_ORDER + 1));
			gfp_t gfp = masks[next() % (sizeof(masks) / sizeof(masks[0]))] | __GFP_NOWARN | __GFP_NORETRY;
			int nid = (int)(next() % (unsigned)(nr_node_ids + 1)) - 1;
			struct page *p = alloc_pages_node(nid, gfp, order);
			if (!p) {
				fails++;
				continue;
			}
			unsigned long pfn = page_to_pfn(p);
			if ((pfn & ((1UL << order) - 1)) || (int)page_zonenum(p) > gfp_zone(gfp) ||
			    page_ref_count(p) != 1 || PageBuddy(p) || PageReserved(p)) {
				fprintf(stderr, "bad block pfn %#lx order %u zone %d gfp %#x ref %d\n", pfn, order,
					page_zonenum(p), gfp, page_ref_count(p));
				test_failures++;
			}
			if ((gfp & __GFP_COMP) && order)
				CHECK(PageHead(p) && PageTail(p + 1));
			for (unsigned long i = 0; i < (1UL << order); i++) {
				unsigned long q = pfn + i;
				if (owned[q / 8] & (1 << (q % 8))) {
					fprintf(stderr, "pfn %#lx handed out twice\n", q);
					test_failures++;
				}
				owned[q / 8] |= (unsigned char)(1 << (q % 8));
			}
			uint64_t *va = page_address(p) ? page_address(p) : nmm_highmem_view_addr(pfn);
			if (gfp & __GFP_ZERO)
				for (unsigned long i = 0; i < (PAGE_SIZE << order) / 8; i += 97)
					CHECK_EQ(va[i], 0);
			uint64_t tag = next();
			va[0] = tag;
			live[nlive++] = (struct blk){ p, order, gfp, tag };
		} else {
			int i = (int)(next() % (unsigned)nlive);
			struct blk b = live[i];
			live[i] = live[--nlive];
			unsigned long pfn = page_to_pfn(b.page);
			uint64_t *va = page_address(b.page) ? page_address(b.page) : nmm_highmem_view_addr(pfn);
			CHECK_EQ(va[0], b.tag);
			for (unsigned long k = 0; k < (1UL << b.order); k++)
				owned[(pfn + k) / 8] &= (unsigned char)~(1 << ((pfn + k) % 8));
			__free_pages(b.page, b.order);
		}
		if (step % 500 == 0 && !all_zones_valid()) {
			fprintf(stderr, "%s: invalid after step %ld\n", line, step);
			test_failures++;
			break;
		}
	}
	while (nlive) {
		struct blk b = live[--nlive];
		__free_pages(b.page, b.order);
	}
	CHECK(all_zones_valid());
	CHECK_EQ(drained_free_pages(), initial);
	CHECK_EQ(nmm_bad_page_count, 0);
	CHECK(fails < steps / 2);
	free(owned);
	free(live);
	nmm_shutdown();
}

int main(void)
{
	run("mem=256M", 100000);
	run("mem=128M page_grouping=off", 50000);
	run("mem=256M numa=fake=2 highmem=32M backing=shmem", 50000);
	return test_done();
}
