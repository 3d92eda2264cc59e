/* lib/io/ramdev.c - a stand-in PCI device whose BARs are memory (one memfd each), whose config
 * space is an array, and whose "IOMMU" records what it is asked to map. The host has no VFIO:
 * this lets host tests drive everything above the backend — the iomem tree, ioremap's range
 * checks, accessors, DMA zone choice, mask checks, refcounted IOMMU ranges, dma_pool, close
 * with live mappings — the same code that runs on a real device in the guest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numamm/numamm.h>

#include "io.h"

static int ram_cfg_read(struct nmm_io_dev *io, unsigned int where, void *buf, size_t len)
{
	if (where + len > sizeof(io->ram_cfg))
		return -EIO;
	memcpy(buf, io->ram_cfg + where, len);
	return 0;
}

static int ram_cfg_write(struct nmm_io_dev *io, unsigned int where, const void *buf, size_t len)
{
	if (where + len > sizeof(io->ram_cfg))
		return -EIO;
	memcpy(io->ram_cfg + where, buf, len);
	return 0;
}

static void *ram_map_bar(struct nmm_io_dev *io, int bar, u64 off, size_t len, int wc)
{
	(void)wc;
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, io->ram_fd[bar], (off_t)off);
}

static int ram_dma_map(struct nmm_io_dev *io, u64 iova, void *vaddr, size_t len)
{
	(void)vaddr; (void)len;
	io->ram_maps++;
	io->ram_last_iova = iova;
	return 0;
}

static int ram_dma_unmap(struct nmm_io_dev *io, u64 iova, size_t len)
{
	(void)iova; (void)len;
	io->ram_unmaps++;
	return 0;
}

static void ram_release(struct nmm_io_dev *io)
{
	for (int i = 0; i < PCI_STD_NUM_BARS; i++)
		if (io->ram_fd[i] >= 0)
			close(io->ram_fd[i]);
}

static const struct nmm_io_ops ram_ops = {
	.name = "ram", .cfg_read = ram_cfg_read, .cfg_write = ram_cfg_write,
	.map_bar = ram_map_bar, .dma_map = ram_dma_map, .dma_unmap = ram_dma_unmap,
	.release = ram_release,
};

struct pci_dev *nmm_io_ramdev_open(const char *bdf, unsigned short vendor, unsigned short device,
				   const u64 *bar_start, const u64 *bar_size, int nr_bars)
{
	struct nmm_io_dev *io;
	int ret;

	if (nmm_boot_if_needed())
		return NULL;
	io = nmm_io_dev_alloc(bdf);
	if (!io)
		return NULL;
	io->ops = &ram_ops;
	io->backend = ram_ops.name;
	memcpy(io->ram_cfg + PCI_VENDOR_ID, &vendor, 2);
	memcpy(io->ram_cfg + PCI_DEVICE_ID, &device, 2);
	for (int i = 0; i < nr_bars && i < PCI_STD_NUM_BARS; i++) {
		if (!bar_size[i])
			continue;
		io->ram_fd[i] = memfd_create("nmm-ramdev-bar", MFD_CLOEXEC);
		if (io->ram_fd[i] < 0 || ftruncate(io->ram_fd[i], (off_t)bar_size[i]))
			goto fail;
		io->pdev->resource[i].start = bar_start[i];
		io->pdev->resource[i].end = bar_start[i] + bar_size[i] - 1;
		io->pdev->resource[i].flags = IORESOURCE_MEM;
	}
	ret = nmm_io_dev_publish(io);
	if (ret)
		goto fail;
	pci_set_master(io->pdev);
	return io->pdev;
fail:
	nmm_io_dev_free(io);
	return NULL;
}
