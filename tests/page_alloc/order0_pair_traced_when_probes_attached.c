/* order0_pair_traced_when_probes_attached: the order-0 fast paths of alloc_page()/alloc_pages()
 * and __free_page()/__free_pages() fire mm_page_alloc and mm_page_free for every page while a
 * tracer holds the probe semaphores (as perf's uprobe ref_ctr does; tests/trace checks perf
 * itself, with order-1 blocks), and fire nothing once it lets go. The trace functions are
 * wrapped at link time (-Wl,--wrap, see CMakeLists.txt) to count the events and their arguments.
 * Also run with rseq disabled (per-thread magazines).
 */
#include "pa_test.h"
#include "trace/events.h"

#define PAIRS 1000

static unsigned long allocs, alloc_bad, frees, free_bad;
static struct page *expect;   /* the page the next event should name; NULL = any */

void __real_nmm_trace_mm_page_alloc(struct page *page, unsigned int order, unsigned int gfp, int mt);
void __real_nmm_trace_mm_page_free(struct page *page, unsigned int order);

void __wrap_nmm_trace_mm_page_alloc(struct page *page, unsigned int order, unsigned int gfp, int mt);
void __wrap_nmm_trace_mm_page_alloc(struct page *page, unsigned int order, unsigned int gfp, int mt)
{
	allocs++;
	alloc_bad += !page || order != 0 || gfp != GFP_KERNEL || mt != MIGRATE_UNMOVABLE;
	__real_nmm_trace_mm_page_alloc(page, order, gfp, mt);
}

void __wrap_nmm_trace_mm_page_free(struct page *page, unsigned int order);
void __wrap_nmm_trace_mm_page_free(struct page *page, unsigned int order)
{
	frees++;
	free_bad += order != 0 || (expect && page != expect);
	__real_nmm_trace_mm_page_free(page, order);
}

/* @n pairs through alloc_page/__free_page, then @n through alloc_pages/__free_pages. */
static void pairs(int n)
{
	for (int i = 0; i < n; i++) {
		struct page *p = alloc_page(GFP_KERNEL);
		REQUIRE(p);
		expect = p;
		__free_page(p);
	}
	for (int i = 0; i < n; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);
		REQUIRE(p);
		expect = p;
		__free_pages(p, 0);
	}
	expect = NULL;
}

static void reset(void)
{
	allocs = alloc_bad = frees = free_bad = 0;
}

int main(void)
{
	REQUIRE(nmm_boot("mem=128M") == 0);
	unsigned long initial = drained_free_pages();
	pairs(100);   /* magazines filled: the pairs below take the fast paths when untraced */

	reset();
	pairs(PAIRS);
	CHECK_EQ(allocs, 0);
	CHECK_EQ(frees, 0);

	/* Both probes attached. */
	NMM_TRACE_SEMAPHORE(mm_page_alloc)++;
	NMM_TRACE_SEMAPHORE(mm_page_free)++;
	reset();
	pairs(PAIRS);
	CHECK_EQ(allocs, 2 * PAIRS);
	CHECK_EQ(alloc_bad, 0);
	CHECK_EQ(frees, 2 * PAIRS);
	CHECK_EQ(free_bad, 0);

	/* Each semaphore on its own. */
	NMM_TRACE_SEMAPHORE(mm_page_free)--;
	reset();
	pairs(PAIRS);
	CHECK_EQ(allocs, 2 * PAIRS);
	CHECK_EQ(frees, 0);
	NMM_TRACE_SEMAPHORE(mm_page_alloc)--;
	NMM_TRACE_SEMAPHORE(mm_page_free)++;
	reset();
	pairs(PAIRS);
	CHECK_EQ(allocs, 0);
	CHECK_EQ(frees, 2 * PAIRS);
	CHECK_EQ(free_bad, 0);

	/* Detached: silent again. */
	NMM_TRACE_SEMAPHORE(mm_page_free)--;
	reset();
	pairs(PAIRS);
	CHECK_EQ(allocs, 0);
	CHECK_EQ(frees, 0);

	CHECK(all_zones_valid());
	CHECK_EQ(drained_free_pages(), initial);
	CHECK_EQ(nmm_bad_page_count, 0);
	nmm_shutdown();
	return test_done();
}
