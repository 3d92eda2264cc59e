/* linux/dmapool.h - pools of small, equal, coherent DMA blocks (mm/dmapool.c's API).
 *
 * A pool carves page-sized (or larger) dma_alloc_coherent() chunks into @size blocks aligned to
 * @align that never cross a @boundary, and keeps a free list per chunk, so small descriptors
 * cost neither a page nor an IOMMU mapping each.
 */
#ifndef NUMAMM_LINUX_DMAPOOL_H
#define NUMAMM_LINUX_DMAPOOL_H

#include "../ktypes.h"
#include "dma-mapping.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dma_pool;

/**
 * dma_pool_create - a pool of @size-byte blocks for @dev.
 * @align: power of two (0 means 1); @boundary: 0 or a power of two >= @size
 * Return: the pool, or NULL for bad arguments (stderr) or no memory.
 */
struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				 size_t boundary);
/* dma_pool_destroy - free every chunk; blocks still in use are reported ("... busy"). */
void dma_pool_destroy(struct dma_pool *pool);
/* dma_pool_alloc - one block, its DMA address in *@handle. Return: CPU address or NULL. */
void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle);
void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle);
/* dma_pool_free - give a block back; a block not from @pool, or freed twice, is reported. */
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr);

#ifdef __cplusplus
}
#endif
#endif
