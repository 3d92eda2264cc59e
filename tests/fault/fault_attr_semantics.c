/* fault_attr_semantics: the kernel's fault_attr semantics at fail_page_alloc — interval (every
 * n-th eligible call), times (failures left, -1 no limit, 0 none), space (bytes that pass
 * first), probability (percent) — plus __GFP_NOFAIL never failing, the ignore-gfp-wait,
 * ignore-gfp-highmem and min-order filters, the verbose line, bad attributes refused, and reset.
 * alloc_page() is the magazine fast path: that it fails proves arming diverts the fast path, and
 * the fast path's diversion word (the mm_page_alloc semaphore) is back to 0 once disarmed. Every
 * page taken is freed: the free count ends where it began. */
#include "ft.h"
#include "trace/events.h"

#define N 64

static struct page *pg[4096];

/* @n alloc_page() calls; which of them failed, as a bitmask of the first 64. */
static uint64_t run(int n, gfp_t gfp, unsigned int order, int *failed)
{
	uint64_t mask = 0;
	*failed = 0;
	for (int i = 0; i < n; i++) {
		pg[i] = order ? alloc_pages(gfp, order) : alloc_page(gfp);
		if (!pg[i]) {
			(*failed)++;
			if (i < 64)
				mask |= 1ULL << i;
		}
	}
	for (int i = 0; i < n; i++)
		if (pg[i])
			__free_pages(pg[i], order);
	return mask;
}

int main(void)
{
	ft_boot("mem=64M");
	unsigned long start = ft_free_pages();
	int failed;
	struct nmm_fault_attr got;
	const volatile unsigned short *sem = &NMM_TRACE_SEMAPHORE(mm_page_alloc);

	/* Off by default. */
	REQUIRE(nmm_fault_get(NMM_FAULT_PAGE_ALLOC, &got) == 0);
	CHECK_EQ(got.probability, 0);
	CHECK_EQ(*sem, 0);
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), 0);

	/* interval 3, times 2: calls 3 and 6 (bits 2 and 5), then no more. */
	struct nmm_fault_attr a = ft_nth(3);
	a.times = 2;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(*sem, 1);
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), (1ULL << 2) | (1ULL << 5));
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 2);
	REQUIRE(nmm_fault_get(NMM_FAULT_PAGE_ALLOC, &got) == 0);
	CHECK_EQ(got.interval, 3);
	CHECK_EQ(got.times, 2);

	/* times 0: nothing fails, whatever the probability. */
	ft_set(NMM_FAULT_PAGE_ALLOC, ft_always(0));
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), 0);

	/* times -1: every call. */
	ft_set(NMM_FAULT_PAGE_ALLOC, ft_always(-1));
	run(N, GFP_KERNEL, 0, &failed);
	CHECK_EQ(failed, N);

	/* space (pages, at fail_page_alloc): 5 passes 4 calls (each spends a page), the 5th
	 * fails. */
	a = ft_always(1);
	a.space = 5;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), 1ULL << 4);
	/* an order-2 call spends 4 pages: with 9 pages of space, calls 1 and 2 pass, 3 fails */
	a.space = 9;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(run(8, GFP_KERNEL, 2, &failed), 1ULL << 2);

	/* probability 50 over 2000 calls (a 1-in-10^9 chance to miss [800, 1200]). */
	a = ft_always(-1);
	a.probability = 50;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	run(2000, GFP_KERNEL, 0, &failed);
	CHECK(failed > 800 && failed < 1200);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), failed);

	/* __GFP_NOFAIL never fails; the filters spare what they name. */
	ft_set(NMM_FAULT_PAGE_ALLOC, ft_always(-1));
	CHECK_EQ(run(N, GFP_KERNEL | __GFP_NOFAIL, 0, &failed), 0);
	a = ft_always(-1);
	a.ignore_gfp_wait = true;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), 0);
	run(N, GFP_ATOMIC, 0, &failed);
	CHECK_EQ(failed, N);
	a = ft_always(-1);
	a.ignore_gfp_highmem = true;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(run(N, GFP_HIGHUSER, 0, &failed), 0);
	run(N, GFP_KERNEL, 0, &failed);
	CHECK_EQ(failed, N);
	a = ft_always(-1);
	a.min_order = 2;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	CHECK_EQ(run(8, GFP_KERNEL, 1, &failed), 0);
	run(8, GFP_KERNEL, 2, &failed);
	CHECK_EQ(failed, 8);

	/* verbose: one line per failure in the kernel's words, naming the point and the caller;
	 * __GFP_NOWARN fails as well but quietly. */
	a = ft_nth(2);
	a.times = 3;
	a.verbose = 1;
	ft_set(NMM_FAULT_PAGE_ALLOC, a);
	ft_capture_begin();
	run(4, GFP_KERNEL, 0, &failed);
	run(2, GFP_KERNEL | __GFP_NOWARN, 0, &failed);
	const char *out = ft_capture_end();
	CHECK_EQ(failed, 1);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 3);
	CHECK_EQ(ft_count(out, "FAULT_INJECTION: forcing a failure."), 2);
	CHECK_EQ(ft_count(out, "name fail_page_alloc"), 2);
	CHECK_EQ(ft_count(out, "caller 0x"), 2);
	CHECK(strstr(out, "page allocation failure") == NULL);   /* no warn_alloc for these */

	/* Bad attributes are refused and change nothing. */
	struct nmm_fault_attr bad = ft_always(1);
	bad.probability = 101;
	CHECK_EQ(nmm_fault_set(NMM_FAULT_SLAB, &bad), -EINVAL);
	bad = ft_always(-2);
	CHECK_EQ(nmm_fault_set(NMM_FAULT_SLAB, &bad), -EINVAL);
	bad = ft_always(1);
	bad.space = -1;
	CHECK_EQ(nmm_fault_set(NMM_FAULT_SLAB, &bad), -EINVAL);
	bad = ft_always(1);
	bad.ignore_gfp_highmem = true;                            /* pages only */
	CHECK_EQ(nmm_fault_set(NMM_FAULT_SLAB, &bad), -EINVAL);
	bad = ft_always(1);
	bad.ignore_gfp_wait = true;                               /* pages and slab only */
	CHECK_EQ(nmm_fault_set(NMM_FAULT_VMALLOC, &bad), -EINVAL);
	bad = ft_always(1);
	bad.require_start = 100;
	bad.require_end = 50;
	CHECK_EQ(nmm_fault_set(NMM_FAULT_PAGE_ALLOC, &bad), -EINVAL);
	CHECK_EQ(nmm_fault_set(NMM_NR_FAULT_POINTS, &bad), -EINVAL);
	CHECK(nmm_fault_name(NMM_NR_FAULT_POINTS) == NULL);
	CHECK(!strcmp(nmm_fault_name(NMM_FAULT_SLAB), "failslab"));
	REQUIRE(nmm_fault_get(NMM_FAULT_SLAB, &got) == 0);
	CHECK_EQ(got.probability, 0);

	/* Reset: all off, counts zero, the fast path's word back to 0 and the fast path serving. */
	nmm_fault_reset();
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 0);
	CHECK_EQ(*sem, 0);
	CHECK_EQ(run(N, GFP_KERNEL, 0, &failed), 0);
	struct nmm_fault_stats st;
	REQUIRE(nmm_fault_stats(NMM_FAULT_PAGE_ALLOC, &st) == 0);
	CHECK_EQ(st.calls, 0);                                    /* the point was not consulted */

	CHECK_EQ(ft_free_pages(), start);
	nmm_shutdown();
	return test_done();
}
