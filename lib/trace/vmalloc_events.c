/* lib/trace/vmalloc_events.c - the vmalloc layer's USDT probe sites (see vmalloc_events.h). */
#include "vmalloc_events.h"

NMM_DEFINE_TRACE(alloc_vmap_area);
NMM_DEFINE_TRACE(purge_vmap_area_lazy);
NMM_DEFINE_TRACE(free_vmap_area_noflush);
NMM_DEFINE_TRACE(vmalloc);
NMM_DEFINE_TRACE(vfree);

noinline void nmm_trace_alloc_vmap_area(unsigned long addr, unsigned long size, unsigned long align,
					unsigned long vstart, unsigned long vend, int failed)
{
	STAP_PROBE6(numamm, alloc_vmap_area, addr, size, align, vstart, vend, failed);
}

noinline void nmm_trace_purge_vmap_area_lazy(unsigned long start, unsigned long end, unsigned int npurged)
{
	STAP_PROBE3(numamm, purge_vmap_area_lazy, start, end, npurged);
}

noinline void nmm_trace_free_vmap_area_noflush(unsigned long va_start, unsigned long nr_lazy,
					       unsigned long nr_lazy_max)
{
	STAP_PROBE3(numamm, free_vmap_area_noflush, va_start, nr_lazy, nr_lazy_max);
}

noinline void nmm_trace_vmalloc(unsigned long caller, const void *addr, unsigned long size, int node)
{
	STAP_PROBE4(numamm, vmalloc, caller, addr, size, node);
}

noinline void nmm_trace_vfree(unsigned long caller, const void *addr, unsigned long size)
{
	STAP_PROBE3(numamm, vfree, caller, addr, size);
}
