/* lib/io/vfio.c - the VFIO backend: container, IOMMU group and device fds (linux/vfio.h,
 * Documentation/driver-api/vfio.rst), BARs and config space as regions of the device fd, and
 * the type1 IOMMU for DMA (VFIO_IOMMU_MAP_DMA / UNMAP_DMA). The no-IOMMU mode
 * (/dev/vfio/noiommu-N, kernels with CONFIG_VFIO_NOIOMMU) opens too, without DMA.
 *
 * Each device gets its own container: one device per group is what the guest and most hosts
 * have, and it keeps one device's IOVA space from another's.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "io.h"

static int vfio_cfg_read(struct nmm_io_dev *io, unsigned int where, void *buf, size_t len)
{
	ssize_t n = pread(io->device, buf, len, (off_t)(io->cfg_off + where));
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

static int vfio_cfg_write(struct nmm_io_dev *io, unsigned int where, const void *buf, size_t len)
{
	ssize_t n = pwrite(io->device, buf, len, (off_t)(io->cfg_off + where));
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

static void *vfio_map_bar(struct nmm_io_dev *io, int bar, u64 off, size_t len, int wc)
{
	(void)wc;                       /* vfio-pci maps BARs uncached, always */
	if (!(io->region_flags[bar] & VFIO_REGION_INFO_FLAG_MMAP)) {
		errno = ENOTSUP;
		return MAP_FAILED;
	}
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, io->device,
		    (off_t)(io->region_off[bar] + off));
}

static int vfio_dma_map(struct nmm_io_dev *io, u64 iova, void *vaddr, size_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = len,
	};

	return ioctl(io->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

static int vfio_dma_unmap(struct nmm_io_dev *io, u64 iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = iova, .size = len };

	return ioctl(io->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
}

static void vfio_release(struct nmm_io_dev *io)
{
	if (io->device >= 0)
		close(io->device);
	if (io->group >= 0) {
		ioctl(io->group, VFIO_GROUP_UNSET_CONTAINER);
		close(io->group);
	}
	if (io->container >= 0)
		close(io->container);
	io->device = io->group = io->container = -1;
}

static const struct nmm_io_ops vfio_type1_ops = {
	.name = "vfio-type1", .cfg_read = vfio_cfg_read, .cfg_write = vfio_cfg_write,
	.map_bar = vfio_map_bar, .dma_map = vfio_dma_map, .dma_unmap = vfio_dma_unmap,
	.release = vfio_release,
};

static const struct nmm_io_ops vfio_noiommu_ops = {
	.name = "vfio-noiommu", .cfg_read = vfio_cfg_read, .cfg_write = vfio_cfg_write,
	.map_bar = vfio_map_bar, .release = vfio_release,
};

/* Is @bdf bound to vfio-pci? Return: 0, or -ENXIO with the reason and the fix on stderr. */
static int check_driver(const char *bdf)
{
	char path[512], link[512], buf[32], ids[64] = "<vendor> <device>";
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/driver", nmm_io_sysfs_devices, bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = 0;
		if (!strcmp(basename(link), "vfio-pci"))
			return 0;
	}
	if (!nmm_io_sysfs_read(bdf, "vendor", buf, sizeof(buf))) {
		unsigned long v = strtoul(buf, NULL, 16), d = 0;

		if (!nmm_io_sysfs_read(bdf, "device", buf, sizeof(buf)))
			d = strtoul(buf, NULL, 16);
		snprintf(ids, sizeof(ids), "%04lx %04lx", v, d);
	}
	if (n > 0)
		nmm_io_err("nmm_pci_open: %s is bound to %s, not vfio-pci (unbind it, then: echo %s > /sys/bus/pci/drivers/vfio-pci/new_id)",
			   bdf, basename(link), ids);
	else
		nmm_io_err("nmm_pci_open: %s is not bound to vfio-pci (no driver; bind it: echo %s > /sys/bus/pci/drivers/vfio-pci/new_id)",
			   bdf, ids);
	return -ENXIO;
}

int nmm_io_vfio_attach(struct nmm_io_dev *io, const char *bdf)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	char path[512], link[512], group_path[600];
	int noiommu = 0, type, ret;
	ssize_t n;

	ret = check_driver(bdf);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s/iommu_group", nmm_io_sysfs_devices, bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		nmm_io_err("nmm_pci_open: %s has no IOMMU group (enable the IOMMU, e.g. intel_iommu=on, or use a kernel with VFIO no-IOMMU mode)",
			   bdf);
		return -ENODEV;
	}
	link[n] = 0;
	snprintf(group_path, sizeof(group_path), "%s/%s", nmm_io_dev_vfio, basename(link));
	if (access(group_path, F_OK)) {
		snprintf(group_path, sizeof(group_path), "%s/noiommu-%s", nmm_io_dev_vfio, basename(link));
		noiommu = !access(group_path, F_OK);
		if (!noiommu)
			snprintf(group_path, sizeof(group_path), "%s/%s", nmm_io_dev_vfio, basename(link));
	}

	snprintf(path, sizeof(path), "%s/vfio", nmm_io_dev_vfio);
	io->container = open(path, O_RDWR | O_CLOEXEC);
	if (io->container < 0) {
		ret = -errno;
		nmm_io_err("nmm_pci_open: %s: %s (load vfio-pci; numamm needs VFIO for %s)", path,
			   strerror(-ret), bdf);
		return ret == -ENOENT ? -ENODEV : ret;
	}
	if (ioctl(io->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		nmm_io_err("nmm_pci_open: %s: unknown VFIO API version", path);
		return -ENODEV;
	}
	type = noiommu ? VFIO_NOIOMMU_IOMMU
	       : ioctl(io->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1 ? VFIO_TYPE1v2_IOMMU
	       : VFIO_TYPE1_IOMMU;
	if (ioctl(io->container, VFIO_CHECK_EXTENSION, type) != 1) {
		nmm_io_err("nmm_pci_open: %s: the kernel has no %s IOMMU driver for VFIO (modprobe vfio_iommu_type1)",
			   bdf, noiommu ? "no-IOMMU" : "type1");
		return -ENODEV;
	}
	io->group = open(group_path, O_RDWR | O_CLOEXEC);
	if (io->group < 0) {
		ret = -errno;
		nmm_io_err("nmm_pci_open: %s: IOMMU group %s: %s%s", bdf, group_path, strerror(-ret),
			   ret == -EBUSY ? " (opened by another process?)" : "");
		return ret == -ENOENT ? -ENODEV : ret;
	}
	if (ioctl(io->group, VFIO_GROUP_GET_STATUS, &gs) || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		nmm_io_err("nmm_pci_open: %s: IOMMU group %s is not viable (bind every device of the group to vfio-pci)",
			   bdf, group_path);
		return -EBUSY;
	}
	if (ioctl(io->group, VFIO_GROUP_SET_CONTAINER, &io->container) ||
	    ioctl(io->container, VFIO_SET_IOMMU, type)) {
		ret = -errno;
		nmm_io_err("nmm_pci_open: %s: attaching group %s to a container: %s", bdf, group_path,
			   strerror(-ret));
		return ret;
	}
	io->device = ioctl(io->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (io->device < 0) {
		ret = -errno;
		nmm_io_err("nmm_pci_open: %s: VFIO_GROUP_GET_DEVICE_FD: %s", bdf, strerror(-ret));
		return ret;
	}
	if (ioctl(io->device, VFIO_DEVICE_GET_INFO, &di) || !(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    ioctl(io->device, VFIO_DEVICE_GET_REGION_INFO, &cfg)) {
		nmm_io_err("nmm_pci_open: %s: not a VFIO PCI device", bdf);
		return -ENODEV;
	}
	io->cfg_off = cfg.offset;
	io->ops = noiommu ? &vfio_noiommu_ops : &vfio_type1_ops;
	io->backend = io->ops->name;
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS && i < di.num_regions; i++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = i };

		if (ioctl(io->device, VFIO_DEVICE_GET_REGION_INFO, &ri) || !ri.size)
			continue;
		io->region_off[i] = ri.offset;
		io->region_size[i] = ri.size;
		io->region_flags[i] = ri.flags;
	}
	/* Bus addresses from sysfs; sizes from VFIO, which knows them even for a BAR sysfs hides. */
	nmm_io_read_sysfs_resources(io);
	for (int i = 0; i < PCI_STD_NUM_BARS; i++)
		if (!io->region_size[i])
			memset(&io->pdev->resource[i], 0, sizeof(io->pdev->resource[i]));
	return 0;
}
