/* lib/trace/events.c - numamm's USDT probes: one semaphore and one probe site per event of
 * lib/trace/events.h. The semaphores live in .probes, where perf and bpftrace find and increment
 * them when they attach; they are hidden so a program linked against libnumamm.so cannot end up
 * with a copy of its own that the library never reads. Each function is the event's only site.
 */
#include <numamm/linux/mm.h>

#include "events.h"

NMM_DEFINE_TRACE(mm_page_alloc);
NMM_DEFINE_TRACE(mm_page_free);
NMM_DEFINE_TRACE(mm_page_free_batched);
NMM_DEFINE_TRACE(mm_page_alloc_zone_locked);
NMM_DEFINE_TRACE(mm_page_pcpu_drain);
NMM_DEFINE_TRACE(mm_page_alloc_extfrag);

static unsigned long pfn_of(struct page *page)
{
	return page ? page_to_pfn(page) : 0UL;
}

noinline void nmm_trace_mm_page_alloc(struct page *page, unsigned int order, unsigned int gfp, int mt)
{
	STAP_PROBE5(numamm, mm_page_alloc, page, pfn_of(page), order, gfp, mt);
}

noinline void nmm_trace_mm_page_free(struct page *page, unsigned int order)
{
	STAP_PROBE3(numamm, mm_page_free, page, pfn_of(page), order);
}

noinline void nmm_trace_mm_page_free_batched(struct page *page)
{
	STAP_PROBE2(numamm, mm_page_free_batched, page, pfn_of(page));
}

noinline void nmm_trace_mm_page_alloc_zone_locked(struct page *page, unsigned int order, int mt, int refill)
{
	STAP_PROBE5(numamm, mm_page_alloc_zone_locked, page, pfn_of(page), order, mt, refill);
}

noinline void nmm_trace_mm_page_pcpu_drain(struct page *page, unsigned int order, int mt)
{
	STAP_PROBE4(numamm, mm_page_pcpu_drain, page, pfn_of(page), order, mt);
}

noinline void nmm_trace_mm_page_alloc_extfrag(struct page *page, int alloc_order, int fallback_order,
					      int alloc_mt, int fallback_mt, int change_ownership)
{
	STAP_PROBE7(numamm, mm_page_alloc_extfrag, page, pfn_of(page), alloc_order, fallback_order, alloc_mt,
		    fallback_mt, change_ownership);
}
