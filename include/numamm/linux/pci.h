/* linux/pci.h - a PCI device as a driver sees it: IDs, BAR resources, config space, bus
 * mastering, pci_iomap. Devices come from nmm_pci_open() (<numamm/pci.h>), which plays the PCI
 * core's part (enumeration, BAR resources in the iomem tree) for one device.
 */
#ifndef NUMAMM_LINUX_PCI_H
#define NUMAMM_LINUX_PCI_H

#include "../ktypes.h"
#include "device.h"
#include "io.h"
#include "ioport.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PCI_STD_NUM_BARS 6
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_REVISION_ID 0x08

struct pci_dev {
	struct device dev;
	unsigned short vendor, device;
	unsigned short subsystem_vendor, subsystem_device;
	unsigned int devfn;
	unsigned char revision;
	struct resource resource[PCI_STD_NUM_BARS];   /* BARs; start == end == 0 when absent */
	char res_name[16];                            /* resource names point here (the BDF) */
};

static inline struct pci_dev *to_pci_dev(struct device *dev)
{
	return (struct pci_dev *)((char *)dev - __builtin_offsetof(struct pci_dev, dev));
}

#define pci_resource_start(pdev, bar) ((pdev)->resource[(bar)].start)
#define pci_resource_end(pdev, bar)   ((pdev)->resource[(bar)].end)
#define pci_resource_flags(pdev, bar) ((pdev)->resource[(bar)].flags)
#define pci_resource_len(pdev, bar) \
	((pdev)->resource[(bar)].end ? resource_size(&(pdev)->resource[(bar)]) : 0)
static inline const char *pci_name(const struct pci_dev *pdev) { return pdev->dev.name; }

/* Config space through the backend (VFIO config region or sysfs config). Return: 0 or -errno. */
int pci_read_config_byte(const struct pci_dev *pdev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *pdev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *pdev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *pdev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *pdev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *pdev, int where, u32 val);

/* pci_set_master / pci_clear_master - set or clear Bus Master Enable in the command register. */
void pci_set_master(struct pci_dev *pdev);
void pci_clear_master(struct pci_dev *pdev);

/**
 * pci_iomap - map BAR @bar of @pdev, at most @maxlen bytes (0: the whole BAR).
 * Return: the MMIO address, or NULL (stderr says why: no such BAR, I/O BAR, mmap refused).
 */
void __iomem *pci_iomap(struct pci_dev *pdev, int bar, unsigned long maxlen);
/* pci_iomap_range - map [@offset, @offset + @maxlen) of BAR @bar (maxlen 0: to the end). */
void __iomem *pci_iomap_range(struct pci_dev *pdev, int bar, unsigned long offset,
			      unsigned long maxlen);
void __iomem *pci_iomap_wc(struct pci_dev *pdev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *pdev, void __iomem *addr);

/* pci_request_region - claim BAR @bar for @name (request_mem_region). Return: 0 or -EBUSY. */
int pci_request_region(struct pci_dev *pdev, int bar, const char *name);
void pci_release_region(struct pci_dev *pdev, int bar);

#ifdef __cplusplus
}
#endif
#endif
