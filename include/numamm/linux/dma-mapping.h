/* linux/dma-mapping.h - the DMA API: masks, coherent memory, streaming mappings.
 *
 * Like the kernel's dma-direct behind an IOMMU in identity mode: the DMA address of a buffer
 * is its numamm physical address (page_to_phys / __pa), and each mapping is entered into the
 * device's VFIO type1 container at that IOVA (VFIO_IOMMU_MAP_DMA), so the device can reach
 * exactly the pages it was given. A device's DMA mask is therefore a limit on numamm physical
 * addresses: dma_alloc_coherent() takes pages from ZONE_DMA or ZONE_DMA32 when the mask asks
 * for it (mm/dma-direct.c's choice), and dma_map_single() of memory above the mask is refused
 * with DMA_MAPPING_ERROR before the device can see it: numamm has no bounce buffers (swiotlb).
 * x86-64 DMA is cache-coherent, so the dma_sync_* calls are compiler barriers.
 */
#ifndef NUMAMM_LINUX_DMA_MAPPING_H
#define NUMAMM_LINUX_DMA_MAPPING_H

#include <errno.h>

#include "../ktypes.h"
#include "compiler.h"
#include "device.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

#define DMA_BIT_MASK(n) (((n) >= 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

/**
 * dma_set_mask - set the streaming DMA mask of @dev.
 * Return: 0; -EIO when no numamm memory lies below @mask (below ZONE_DMA's 24 bits).
 */
int dma_set_mask(struct device *dev, u64 mask);
/* dma_set_coherent_mask - the mask for dma_alloc_coherent(). Return: 0 or -EIO. */
int dma_set_coherent_mask(struct device *dev, u64 mask);
/* dma_set_mask_and_coherent - both masks. Return: 0 or -EIO. */
int dma_set_mask_and_coherent(struct device *dev, u64 mask);
static inline u64 dma_get_mask(struct device *dev) { return *dev->dma_mask; }

/**
 * dma_alloc_coherent - zeroed memory that @dev and the CPU share.
 * @dev: a device with an IOMMU (VFIO type1)
 * @size: bytes, rounded up to whole pages (a power-of-two block from the buddy allocator)
 * @dma_handle: out: the DMA address (= numamm physical address) of the first byte
 * @gfp: GFP_KERNEL or GFP_ATOMIC; zone modifiers are chosen from @dev's coherent mask
 *
 * Pages come from @dev's node first (the zonelist falls back by distance), from ZONE_DMA32 or
 * ZONE_DMA as the mask requires, and are mapped for the device read-write.
 * Context: may sleep unless @gfp is atomic; takes the device's DMA lock.
 * Return: the CPU address, or NULL (stderr says why: no IOMMU, no memory below the mask,
 * VFIO_IOMMU_MAP_DMA refused).
 */
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
/* dma_free_coherent - unmap from the device and free; a pointer that dma_alloc_coherent() did
 * not return (or freed already) is reported on stderr and ignored. */
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);

/**
 * dma_map_single - let @dev reach @size bytes of numamm memory at @ptr.
 * @ptr: linear-map memory (kmalloc, alloc_pages + page_address, a dma_alloc'd buffer...)
 * Context: takes the device's DMA lock; may issue VFIO_IOMMU_MAP_DMA.
 * Return: the DMA address, or DMA_MAPPING_ERROR (stderr says why) when @ptr is not numamm
 * linear memory, the buffer ends above the device's mask, or the IOMMU refuses.
 */
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir);
/* dma_unmap_single - end a dma_map_single(); unknown addresses are reported on stderr. */
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);

struct page;
dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
			enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);

static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

static inline void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
					   enum dma_data_direction dir)
{
	(void)dev; (void)addr; (void)size; (void)dir;
	barrier();
}
static inline void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	(void)dev; (void)addr; (void)size; (void)dir;
	barrier();
}

#ifdef __cplusplus
}
#endif
#endif
