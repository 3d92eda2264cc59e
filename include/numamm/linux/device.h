/* linux/device.h - the part of struct device that DMA and drivers use: name, node, DMA masks.
 * A struct device is always embedded in a struct pci_dev that nmm_pci_open() made.
 */
#ifndef NUMAMM_LINUX_DEVICE_H
#define NUMAMM_LINUX_DEVICE_H

#include "../ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nmm_io_dev;

struct device {
	char name[32];                 /* "0000:00:02.0" */
	int numa_node;                 /* from sysfs numa_node; NUMA_NO_NODE when unknown */
	u64 *dma_mask;                 /* streaming mask: points at _dma_mask */
	u64 coherent_dma_mask;         /* for dma_alloc_coherent() */
	u64 _dma_mask;
	struct nmm_io_dev *io;         /* numamm: backend, IOMMU and mappings (lib/io) */
};

static inline const char *dev_name(const struct device *dev) { return dev->name; }
static inline int dev_to_node(const struct device *dev) { return dev->numa_node; }

#ifdef __cplusplus
}
#endif
#endif
