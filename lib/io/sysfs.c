/* lib/io/sysfs.c - the sysfs backend: BARs through /sys/bus/pci/devices/<bdf>/resourceN (and
 * resourceN_wc for write-combining on prefetchable BARs), config space through .../config, as
 * the kernel's drivers/pci/pci-sysfs.c offers them to root. There is no IOMMU on this path, so
 * no DMA: dma_alloc_coherent() and dma_map_single() refuse, saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io.h"

static int sysfs_cfg_read(struct nmm_io_dev *io, unsigned int where, void *buf, size_t len)
{
	ssize_t n = pread(io->cfg_fd, buf, len, where);
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

static int sysfs_cfg_write(struct nmm_io_dev *io, unsigned int where, const void *buf, size_t len)
{
	ssize_t n = pwrite(io->cfg_fd, buf, len, where);
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

static int open_bar(struct nmm_io_dev *io, int bar, int wc)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/resource%d%s", nmm_io_sysfs_devices, io->pdev->dev.name,
		 bar, wc ? "_wc" : "");
	return open(path, O_RDWR | O_SYNC | O_CLOEXEC);
}

static void *sysfs_map_bar(struct nmm_io_dev *io, int bar, u64 off, size_t len, int wc)
{
	int *fd = wc ? &io->bar_wc_fd[bar] : &io->bar_fd[bar];

	if (*fd < 0)
		*fd = open_bar(io, bar, wc);
	if (*fd < 0 && wc)              /* no resourceN_wc (not prefetchable): uncached */
		fd = &io->bar_fd[bar];
	if (*fd < 0)
		return MAP_FAILED;
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, (off_t)off);
}

static void sysfs_release(struct nmm_io_dev *io)
{
	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (io->bar_fd[i] >= 0)
			close(io->bar_fd[i]);
		if (io->bar_wc_fd[i] >= 0)
			close(io->bar_wc_fd[i]);
		io->bar_fd[i] = io->bar_wc_fd[i] = -1;
	}
	if (io->cfg_fd >= 0)
		close(io->cfg_fd);
	io->cfg_fd = -1;
}

static const struct nmm_io_ops sysfs_ops = {
	.name = "sysfs", .cfg_read = sysfs_cfg_read, .cfg_write = sysfs_cfg_write,
	.map_bar = sysfs_map_bar, .release = sysfs_release,
};

int nmm_io_sysfs_attach(struct nmm_io_dev *io, const char *bdf)
{
	char path[512];
	int ret, nbars = 0;

	snprintf(path, sizeof(path), "%s/%s/config", nmm_io_sysfs_devices, bdf);
	io->cfg_fd = open(path, O_RDWR | O_CLOEXEC);
	if (io->cfg_fd < 0) {
		ret = -errno;
		nmm_io_err("nmm_pci_open_sysfs: %s: %s%s", path, strerror(-ret),
			   ret == -EACCES ? " (the sysfs backend needs root)" : "");
		return ret;
	}
	io->ops = &sysfs_ops;
	io->backend = sysfs_ops.name;
	ret = nmm_io_read_sysfs_resources(io);
	if (ret) {
		nmm_io_err("nmm_pci_open_sysfs: %s: no resource file: %s", bdf, strerror(-ret));
		return ret;
	}
	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!pci_resource_len(io->pdev, i) || !(pci_resource_flags(io->pdev, i) & IORESOURCE_MEM))
			continue;
		io->bar_fd[i] = open_bar(io, i, 0);
		if (io->bar_fd[i] < 0) {
			ret = -errno;
			nmm_io_err("nmm_pci_open_sysfs: %s/%s/resource%d: %s%s", nmm_io_sysfs_devices,
				   bdf, i, strerror(-ret),
				   ret == -EACCES ? " (the sysfs backend needs root)" : "");
			return ret;
		}
		nbars++;
	}
	if (!nbars) {
		nmm_io_err("nmm_pci_open_sysfs: %s has no memory BAR", bdf);
		return -ENODEV;
	}
	return 0;
}
