/* numamm/pci.h - attach a real PCI device to numamm (nmm_pci_*), then drive it with the
 * kernel-named API of <numamm/linux/pci.h>, <numamm/linux/io.h> and <numamm/linux/dma-mapping.h>.
 *
 * Two backends:
 *   VFIO (nmm_pci_open)        the device is bound to vfio-pci; numamm opens the type1 container,
 *                              the IOMMU group and the device (or the no-IOMMU mode, where the
 *                              kernel has it: no DMA then). BARs, config space and DMA work.
 *   sysfs (nmm_pci_open_sysfs) root only: BARs through /sys/bus/pci/devices/<bdf>/resourceN,
 *                              config through .../config. No IOMMU, so no DMA.
 * Either way each memory BAR is inserted in the iomem tree (nmm_report("iomem")), memory decoding
 * is turned on, and (VFIO) bus mastering is enabled.
 */
#ifndef NUMAMM_PCI_H
#define NUMAMM_PCI_H

#include <stdio.h>

#include "linux/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * nmm_pci_open - open a PCI device bound to vfio-pci.
 * @id: "0000:00:02.0", "00:02.0", or "1234:11e8" (vendor:device, the first such device)
 *
 * Boots numamm if needed (DMA memory comes from its page allocator).
 * Context: process context; may sleep.
 * Return: the device, or NULL with errno set and one line on stderr saying what is wrong:
 * EINVAL (malformed @id), ENODEV (no such device; no IOMMU group; /dev/vfio missing),
 * ENXIO (not bound to vfio-pci: the line names its driver and how to bind it),
 * EBUSY (the group is not viable or already open), EACCES (permissions on /dev/vfio/N).
 */
struct pci_dev *nmm_pci_open(const char *id);

/* nmm_pci_open_sysfs - open @id through sysfs resourceN files (root). Errors as above, plus
 * EACCES when resourceN cannot be opened read-write. */
struct pci_dev *nmm_pci_open_sysfs(const char *id);

/**
 * nmm_pci_close - release the BARs from the iomem tree, disable bus mastering, close the fds.
 * Return: 0; -EBUSY (nothing closed; stderr counts them) while ioremap()s, coherent buffers or
 * streaming DMA mappings of the device are live; -EINVAL for NULL.
 */
int nmm_pci_close(struct pci_dev *pdev);

/* nmm_pci_backend - "vfio-type1", "vfio-noiommu" or "sysfs". */
const char *nmm_pci_backend(const struct pci_dev *pdev);

/* nmm_pci_has_iommu - 1 when DMA can be mapped (VFIO type1), else 0. */
int nmm_pci_has_iommu(const struct pci_dev *pdev);

/* nmm_iomem_report - the iomem tree in /proc/iomem format (also nmm_report("iomem")). */
int nmm_iomem_report(FILE *out);

#ifdef __cplusplus
}
#endif
#endif
