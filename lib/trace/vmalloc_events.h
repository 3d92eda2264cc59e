/* lib/trace/vmalloc_events.h - the vmalloc layer's USDT probes (provider "numamm"), shaped like
 * the kernel's include/trace/events/vmalloc.h (alloc_vmap_area, purge_vmap_area_lazy,
 * free_vmap_area_noflush), plus numamm's own vmalloc and vfree. Same rules as events.h: a
 * semaphore tested inline, one out-of-line site per probe.
 */
#ifndef NUMAMM_LIB_TRACE_VMALLOC_EVENTS_H
#define NUMAMM_LIB_TRACE_VMALLOC_EVENTS_H

#include "events.h"

NMM_DECLARE_TRACE(alloc_vmap_area);
NMM_DECLARE_TRACE(purge_vmap_area_lazy);
NMM_DECLARE_TRACE(free_vmap_area_noflush);
NMM_DECLARE_TRACE(vmalloc);
NMM_DECLARE_TRACE(vfree);

/* (addr, size, align, vstart, vend, failed) */
void nmm_trace_alloc_vmap_area(unsigned long addr, unsigned long size, unsigned long align,
			       unsigned long vstart, unsigned long vend, int failed);
/* (start, end, npurged) */
void nmm_trace_purge_vmap_area_lazy(unsigned long start, unsigned long end, unsigned int npurged);
/* (va_start, nr_lazy, nr_lazy_max) */
void nmm_trace_free_vmap_area_noflush(unsigned long va_start, unsigned long nr_lazy,
				      unsigned long nr_lazy_max);
/* (caller, addr, size, node): one vmalloc-family allocation (addr 0 when it failed) */
void nmm_trace_vmalloc(unsigned long caller, const void *addr, unsigned long size, int node);
/* (caller, addr, size): vfree / vunmap of a live area */
void nmm_trace_vfree(unsigned long caller, const void *addr, unsigned long size);

#define trace_alloc_vmap_area(addr, size, align, vstart, vend, failed)                         \
	do { if (NMM_TRACE_ENABLED(alloc_vmap_area))                                           \
		nmm_trace_alloc_vmap_area(addr, size, align, vstart, vend, failed); } while (0)
#define trace_purge_vmap_area_lazy(start, end, npurged)                                        \
	do { if (NMM_TRACE_ENABLED(purge_vmap_area_lazy))                                      \
		nmm_trace_purge_vmap_area_lazy(start, end, npurged); } while (0)
#define trace_free_vmap_area_noflush(va_start, nr_lazy, nr_lazy_max)                           \
	do { if (NMM_TRACE_ENABLED(free_vmap_area_noflush))                                    \
		nmm_trace_free_vmap_area_noflush(va_start, nr_lazy, nr_lazy_max); } while (0)
#define trace_vmalloc(caller, addr, size, node) \
	do { if (NMM_TRACE_ENABLED(vmalloc)) nmm_trace_vmalloc(caller, addr, size, node); } while (0)
#define trace_vfree(caller, addr, size) \
	do { if (NMM_TRACE_ENABLED(vfree)) nmm_trace_vfree(caller, addr, size); } while (0)

#endif
