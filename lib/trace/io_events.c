/* lib/trace/io_events.c - the io layer's USDT probe sites (see io_events.h). */
#include "io_events.h"

NMM_DEFINE_TRACE(ioremap);
NMM_DEFINE_TRACE(iounmap);
NMM_DEFINE_TRACE(dma_map_page);
NMM_DEFINE_TRACE(dma_unmap_page);
NMM_DEFINE_TRACE(dma_alloc);
NMM_DEFINE_TRACE(dma_free);

noinline void nmm_trace_ioremap(unsigned long long phys, unsigned long size, const volatile void *addr, int wc)
{
	STAP_PROBE4(numamm, ioremap, phys, size, addr, wc);
}

noinline void nmm_trace_iounmap(const volatile void *addr, unsigned long long phys, unsigned long size)
{
	STAP_PROBE3(numamm, iounmap, addr, phys, size);
}

noinline void nmm_trace_dma_map_page(const char *dev, unsigned long long phys, unsigned long long dma,
				     unsigned long size, int dir)
{
	STAP_PROBE5(numamm, dma_map_page, dev, phys, dma, size, dir);
}

noinline void nmm_trace_dma_unmap_page(const char *dev, unsigned long long dma, unsigned long size, int dir)
{
	STAP_PROBE4(numamm, dma_unmap_page, dev, dma, size, dir);
}

noinline void nmm_trace_dma_alloc(const char *dev, const void *virt, unsigned long long dma,
				  unsigned long size, unsigned int gfp)
{
	STAP_PROBE5(numamm, dma_alloc, dev, virt, dma, size, gfp);
}

noinline void nmm_trace_dma_free(const char *dev, const void *virt, unsigned long long dma, unsigned long size)
{
	STAP_PROBE4(numamm, dma_free, dev, virt, dma, size);
}
