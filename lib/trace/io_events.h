/* lib/trace/io_events.h - the io layer's USDT probes (provider "numamm"): ioremap and iounmap
 * (the kernel has no tracepoint there; these carry what a /proc/vmallocinfo "ioremap" line
 * would), and the DMA events shaped like the kernel's include/trace/events/dma.h (6.8+):
 * dma_map_page, dma_unmap_page, dma_alloc, dma_free. Same rules as events.h: a semaphore tested
 * inline, one out-of-line site per probe.
 */
#ifndef NUMAMM_LIB_TRACE_IO_EVENTS_H
#define NUMAMM_LIB_TRACE_IO_EVENTS_H

#include "events.h"

NMM_DECLARE_TRACE(ioremap);
NMM_DECLARE_TRACE(iounmap);
NMM_DECLARE_TRACE(dma_map_page);
NMM_DECLARE_TRACE(dma_unmap_page);
NMM_DECLARE_TRACE(dma_alloc);
NMM_DECLARE_TRACE(dma_free);

/* (phys, size, addr, wc): one ioremap (addr 0 when it failed) */
void nmm_trace_ioremap(unsigned long long phys, unsigned long size, const volatile void *addr, int wc);
/* (addr, phys, size) */
void nmm_trace_iounmap(const volatile void *addr, unsigned long long phys, unsigned long size);
/* (device, phys_addr, dma_addr, size, dir): dma_addr ~0 when refused */
void nmm_trace_dma_map_page(const char *dev, unsigned long long phys, unsigned long long dma,
			    unsigned long size, int dir);
/* (device, dma_addr, size, dir) */
void nmm_trace_dma_unmap_page(const char *dev, unsigned long long dma, unsigned long size, int dir);
/* (device, virt_addr, dma_addr, size, gfp) */
void nmm_trace_dma_alloc(const char *dev, const void *virt, unsigned long long dma,
			 unsigned long size, unsigned int gfp);
/* (device, virt_addr, dma_addr, size) */
void nmm_trace_dma_free(const char *dev, const void *virt, unsigned long long dma, unsigned long size);

#define trace_ioremap(phys, size, addr, wc) \
	do { if (NMM_TRACE_ENABLED(ioremap)) nmm_trace_ioremap(phys, size, addr, wc); } while (0)
#define trace_iounmap(addr, phys, size) \
	do { if (NMM_TRACE_ENABLED(iounmap)) nmm_trace_iounmap(addr, phys, size); } while (0)
#define trace_dma_map_page(dev, phys, dma, size, dir) \
	do { if (NMM_TRACE_ENABLED(dma_map_page)) nmm_trace_dma_map_page(dev, phys, dma, size, dir); } while (0)
#define trace_dma_unmap_page(dev, dma, size, dir) \
	do { if (NMM_TRACE_ENABLED(dma_unmap_page)) nmm_trace_dma_unmap_page(dev, dma, size, dir); } while (0)
#define trace_dma_alloc(dev, virt, dma, size, gfp) \
	do { if (NMM_TRACE_ENABLED(dma_alloc)) nmm_trace_dma_alloc(dev, virt, dma, size, gfp); } while (0)
#define trace_dma_free(dev, virt, dma, size) \
	do { if (NMM_TRACE_ENABLED(dma_free)) nmm_trace_dma_free(dev, virt, dma, size); } while (0)

#endif
