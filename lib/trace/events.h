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

#include <stdbool.h>

#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include <numamm/linux/compiler.h>

#define NMM_TRACE_SEMAPHORE(name) numamm_##name##_semaphore
#define NMM_DECLARE_TRACE(name) \
	extern volatile unsigned short NMM_TRACE_SEMAPHORE(name) __attribute__((visibility("hidden")))
#define NMM_TRACE_ENABLED(name) unlikely(nmm_trace_semaphore_set(&NMM_TRACE_SEMAPHORE(name)))

/* Is a tracer attached? One compare with memory and a branch on x86-64 (a C read of a volatile
 * short is a load, a test and a branch: the fast paths test two semaphores per pair). */
static __always_inline bool nmm_trace_semaphore_set(volatile unsigned short *sem)
{
#if defined(__x86_64__)
	__asm__ goto("cmpw $0, %0\n\t"
		     "jne %l[on]"
		     : : "m" (*sem) : "cc" : on);
	return false;
on:
	return true;
#else
	return *sem != 0;
#endif
}
/* In the one .c file of each probe: the semaphore, in .probes where perf and bpftrace find it. */
#define NMM_DEFINE_TRACE(name) \
	__extension__ volatile unsigned short NMM_TRACE_SEMAPHORE(name) \
		__attribute__((section(".probes"), used, visibility("hidden"))) = 0

NMM_DECLARE_TRACE(mm_page_alloc);
NMM_DECLARE_TRACE(mm_page_free);
NMM_DECLARE_TRACE(mm_page_free_batched);
NMM_DECLARE_TRACE(mm_page_alloc_zone_locked);
NMM_DECLARE_TRACE(mm_page_pcpu_drain);
NMM_DECLARE_TRACE(mm_page_alloc_extfrag);

/*
 * Each probe has exactly one site, in an out-of-line function of lib/trace/events.c, however
 * many places fire it: perf (6.1) cannot create an event for an SDT name that appears at two
 * sites. The inline trace_*() tests the semaphore and calls it only when someone listens.
 */
struct page;
void nmm_trace_mm_page_alloc(struct page *page, unsigned int order, unsigned int gfp, int mt);
void nmm_trace_mm_page_free(struct page *page, unsigned int order);
void nmm_trace_mm_page_free_batched(struct page *page);
void nmm_trace_mm_page_alloc_zone_locked(struct page *page, unsigned int order, int mt, int refill);
void nmm_trace_mm_page_pcpu_drain(struct page *page, unsigned int order, int mt);
void nmm_trace_mm_page_alloc_extfrag(struct page *page, int alloc_order, int fallback_order, int alloc_mt,
				     int fallback_mt, int change_ownership);

/* mm_page_alloc(page, pfn, order, gfp_flags, migratetype) */
#define trace_mm_page_alloc(page, order, gfp, mt) \
	do { if (NMM_TRACE_ENABLED(mm_page_alloc)) nmm_trace_mm_page_alloc(page, order, gfp, mt); } while (0)
/* mm_page_free(page, pfn, order) */
#define trace_mm_page_free(page, order) \
	do { if (NMM_TRACE_ENABLED(mm_page_free)) nmm_trace_mm_page_free(page, order); } while (0)
/* mm_page_free_batched(page, pfn) */
#define trace_mm_page_free_batched(page) \
	do { if (NMM_TRACE_ENABLED(mm_page_free_batched)) nmm_trace_mm_page_free_batched(page); } while (0)
/* mm_page_alloc_zone_locked(page, pfn, order, migratetype, percpu_refill) */
#define trace_mm_page_alloc_zone_locked(page, order, mt, refill)                                   \
	do {                                                                                        \
		if (NMM_TRACE_ENABLED(mm_page_alloc_zone_locked))                                   \
			nmm_trace_mm_page_alloc_zone_locked(page, order, mt, refill);               \
	} while (0)
/* mm_page_pcpu_drain(page, pfn, order, migratetype) */
#define trace_mm_page_pcpu_drain(page, order, mt) \
	do { if (NMM_TRACE_ENABLED(mm_page_pcpu_drain)) nmm_trace_mm_page_pcpu_drain(page, order, mt); } while (0)
/* mm_page_alloc_extfrag(page, pfn, alloc_order, fallback_order, alloc_migratetype,
 *                       fallback_migratetype, change_ownership) */
#define trace_mm_page_alloc_extfrag(page, alloc_order, fallback_order, alloc_mt, fallback_mt, owner)  \
	do {                                                                                         \
		if (NMM_TRACE_ENABLED(mm_page_alloc_extfrag))                                        \
			nmm_trace_mm_page_alloc_extfrag(page, alloc_order, fallback_order, alloc_mt, \
							fallback_mt, owner);                         \
	} while (0)

#endif
