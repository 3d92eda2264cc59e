/* lib/trace/semaphores.c - the USDT probe semaphores of lib/trace/events.h, one per probe, in
 * the .probes section where perf and bpftrace find and increment them when they attach. */
#include "events.h"

#define NMM_DEFINE_TRACE(name) \
	__extension__ volatile unsigned short NMM_TRACE_SEMAPHORE(name) __attribute__((section(".probes"), used, visibility("hidden"))) = 0

NMM_DEFINE_TRACE(mm_page_alloc);
NMM_DEFINE_TRACE(mm_page_free);
NMM_DEFINE_TRACE(mm_page_free_batched);
NMM_DEFINE_TRACE(mm_page_alloc_zone_locked);
NMM_DEFINE_TRACE(mm_page_pcpu_drain);
NMM_DEFINE_TRACE(mm_page_alloc_extfrag);
