/* lib/trace/events.h - numamm's USDT tracepoints (provider "numamm"), named and shaped like the
 * kernel's tracepoints (include/trace/events/kmem.h), so `perf probe -x libnumamm.so
 * sdt_numamm:mm_page_alloc` or `bpftrace -e 'usdt:...:numamm:mm_page_alloc { ... }'` work.
 *
 * Each probe has a semaphore that the tracer increments while attached; the probe site tests it
 * first, so an untraced probe costs one load and a not-taken branch and never evaluates its
 * arguments. Arguments follow the kernel's TP_PROTO order.
 */
#ifndef NUMAMM_LIB_TRACE_EVENTS_H
#define NUMAMM_LIB_TRACE_EVENTS_H

#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include <numamm/linux/compiler.h>

#define NMM_TRACE_SEMAPHORE(name) numamm_##name##_semaphore
#define NMM_DECLARE_TRACE(name) \
	extern volatile unsigned short NMM_TRACE_SEMAPHORE(name) __attribute__((visibility("hidden")))
#define NMM_TRACE_ENABLED(name) unlikely(NMM_TRACE_SEMAPHORE(name))

NMM_DECLARE_TRACE(mm_page_alloc);
NMM_DECLARE_TRACE(mm_page_free);
NMM_DECLARE_TRACE(mm_page_free_batched);
NMM_DECLARE_TRACE(mm_page_alloc_zone_locked);
NMM_DECLARE_TRACE(mm_page_pcpu_drain);
NMM_DECLARE_TRACE(mm_page_alloc_extfrag);

/* mm_page_alloc(page, pfn, order, gfp_flags, migratetype) */
#define trace_mm_page_alloc(page, order, gfp, mt)                                                  \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_alloc))                                               \
			STAP_PROBE5(numamm, mm_page_alloc, (page), (page) ? page_to_pfn(page) : 0UL, \
				    (unsigned)(order), (unsigned)(gfp), (int)(mt));                 \
	} while (0)

/* mm_page_free(page, pfn, order) */
#define trace_mm_page_free(page, order)                                                             \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_free))                                                \
			STAP_PROBE3(numamm, mm_page_free, (page), page_to_pfn(page), (unsigned)(order)); \
	} while (0)

/* mm_page_free_batched(page, pfn) */
#define trace_mm_page_free_batched(page)                                                            \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_free_batched))                                        \
			STAP_PROBE2(numamm, mm_page_free_batched, (page), page_to_pfn(page));       \
	} while (0)

/* mm_page_alloc_zone_locked(page, pfn, order, migratetype, percpu_refill) */
#define trace_mm_page_alloc_zone_locked(page, order, mt, refill)                                    \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_alloc_zone_locked))                                   \
			STAP_PROBE5(numamm, mm_page_alloc_zone_locked, (page), page_to_pfn(page),   \
				    (unsigned)(order), (int)(mt), (int)(refill));                   \
	} while (0)

/* mm_page_pcpu_drain(page, pfn, order, migratetype) */
#define trace_mm_page_pcpu_drain(page, order, mt)                                                   \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_pcpu_drain))                                          \
			STAP_PROBE4(numamm, mm_page_pcpu_drain, (page), page_to_pfn(page),          \
				    (unsigned)(order), (int)(mt));                                  \
	} while (0)

/* mm_page_alloc_extfrag(page, pfn, alloc_order, fallback_order, alloc_migratetype,
 *                       fallback_migratetype, change_ownership) */
#define trace_mm_page_alloc_extfrag(page, alloc_order, fallback_order, alloc_mt, fallback_mt, owner) \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_alloc_extfrag))                                       \
			STAP_PROBE7(numamm, mm_page_alloc_extfrag, (page), page_to_pfn(page),       \
				    (int)(alloc_order), (int)(fallback_order), (int)(alloc_mt),     \
				    (int)(fallback_mt), (int)(owner));                              \
	} while (0)

#endif
