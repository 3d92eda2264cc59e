/* lib/io/pci.c - the PCI core's part for one device: find it in sysfs (by address or
 * vendor:device), make its struct pci_dev, register its BARs in the iomem tree, config space
 * accessors, bus mastering, pci_iomap, and nmm_pci_close's refusal to pull a device from under
 * live mappings. Backends (vfio.c, sysfs.c, ramdev.c) fill in how BARs and config are reached.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/numa.h>
#include <numamm/linux/dma-mapping.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "io.h"

pthread_mutex_t nmm_io_lock = PTHREAD_MUTEX_INITIALIZER;
struct nmm_io_dev *nmm_io_devices;
const char *nmm_io_sysfs_devices = "/sys/bus/pci/devices";
const char *nmm_io_dev_vfio = "/dev/vfio";

int nmm_io_sysfs_read(const char *bdf, const char *file, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", nmm_io_sysfs_devices, bdf, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int is_bdf(const char *s, char *bdf, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) == 4 ||
	    (dom = 0, sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3)) {
		if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
			return 0;
		snprintf(bdf, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
		return 1;
	}
	return 0;
}

static int find_by_ids(unsigned int vendor, unsigned int device, char *bdf, size_t len)
{
	DIR *d = opendir(nmm_io_sysfs_devices);
	struct dirent *e;
	char buf[32], best[256] = "";

	if (!d)
		return -ENODEV;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (nmm_io_sysfs_read(e->d_name, "vendor", buf, sizeof(buf)) ||
		    strtoul(buf, NULL, 16) != vendor)
			continue;
		if (nmm_io_sysfs_read(e->d_name, "device", buf, sizeof(buf)) ||
		    strtoul(buf, NULL, 16) != device)
			continue;
		if (!best[0] || strcmp(e->d_name, best) < 0)     /* the lowest address, stably */
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENODEV;
	snprintf(bdf, len, "%s", best);
	return 0;
}

/* nmm_io_parse_id - @id ("0000:00:02.0", "00:02.0", "1234:11e8") to a sysfs device name.
 * Return: 0; -EINVAL malformed; -ENODEV no such device (stderr says which). */
int nmm_io_parse_id(const char *id, char *bdf, size_t len)
{
	unsigned int vendor, device;
	char tail, buf[16];
	int n = 0;

	if (!id || !*id) {
		nmm_io_err("nmm_pci_open: no device given (want \"0000:00:02.0\" or \"1234:11e8\")");
		return -EINVAL;
	}
	if (is_bdf(id, bdf, len)) {
		if (nmm_io_sysfs_read(bdf, "vendor", buf, sizeof(buf))) {
			nmm_io_err("nmm_pci_open: no PCI device %s (nothing at %s/%s)", bdf,
				   nmm_io_sysfs_devices, bdf);
			return -ENODEV;
		}
		return 0;
	}
	if (sscanf(id, "%4x:%4x%n%c", &vendor, &device, &n, &tail) == 2 && n == 9) {
		if (find_by_ids(vendor, device, bdf, len)) {
			nmm_io_err("nmm_pci_open: no PCI device %04x:%04x in %s", vendor, device,
				   nmm_io_sysfs_devices);
			return -ENODEV;
		}
		return 0;
	}
	nmm_io_err("nmm_pci_open: '%s' is neither a PCI address (0000:00:02.0) nor vendor:device (1234:11e8)", id);
	return -EINVAL;
}

struct nmm_io_dev *nmm_io_dev_alloc(const char *bdf)
{
	struct nmm_io_dev *io = calloc(1, sizeof(*io));
	struct pci_dev *pdev = calloc(1, sizeof(*pdev));

	if (!io || !pdev) {
		free(io);
		free(pdev);
		return NULL;
	}
	io->pdev = pdev;
	io->container = io->group = io->device = io->cfg_fd = -1;
	for (int i = 0; i < PCI_STD_NUM_BARS; i++)
		io->bar_fd[i] = io->bar_wc_fd[i] = io->ram_fd[i] = -1;
	pthread_mutex_init(&io->dma_lock, NULL);
	snprintf(pdev->dev.name, sizeof(pdev->dev.name), "%s", bdf);
	snprintf(pdev->res_name, sizeof(pdev->res_name), "%s", bdf);
	pdev->dev.numa_node = NUMA_NO_NODE;
	pdev->dev._dma_mask = DMA_BIT_MASK(32);           /* the PCI core's default */
	pdev->dev.dma_mask = &pdev->dev._dma_mask;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	pdev->dev.io = io;
	return io;
}

void nmm_io_dev_free(struct nmm_io_dev *io)
{
	if (!io)
		return;
	if (io->ops && io->ops->release)
		io->ops->release(io);
	pthread_mutex_destroy(&io->dma_lock);
	free(io->pdev);
	free(io);
}

/* BAR addresses and flags from sysfs "resource" (start end flags per line, BARs first). */
int nmm_io_read_sysfs_resources(struct nmm_io_dev *io)
{
	char path[512], line[256];
	FILE *f;
	int i = 0;

	snprintf(path, sizeof(path), "%s/%s/resource", nmm_io_sysfs_devices, io->pdev->dev.name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (i < PCI_STD_NUM_BARS && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, fl;

		if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && e > s) {
			io->pdev->resource[i].start = s;
			io->pdev->resource[i].end = e;
			io->pdev->resource[i].flags = (unsigned long)fl;
		}
		i++;
	}
	fclose(f);
	return 0;
}

/* Fill IDs and node, register the memory BARs, turn on memory decoding, put @io on the list. */
int nmm_io_dev_publish(struct nmm_io_dev *io)
{
	struct pci_dev *pdev = io->pdev;
	char buf[32];
	u16 cmd;
	int ret;

	if (pci_read_config_word(pdev, PCI_VENDOR_ID, &pdev->vendor) ||
	    pci_read_config_word(pdev, PCI_DEVICE_ID, &pdev->device)) {
		nmm_io_err("nmm_pci_open: %s: cannot read config space", pdev->dev.name);
		return -EIO;
	}
	pci_read_config_byte(pdev, PCI_REVISION_ID, &pdev->revision);
	pci_read_config_word(pdev, 0x2c, &pdev->subsystem_vendor);
	pci_read_config_word(pdev, 0x2e, &pdev->subsystem_device);
	if (!nmm_io_sysfs_read(pdev->dev.name, "numa_node", buf, sizeof(buf)))
		pdev->dev.numa_node = atoi(buf) >= 0 ? atoi(buf) : NUMA_NO_NODE;
	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct resource *r = &pdev->resource[i];

		r->name = pdev->res_name;
		if (!r->end || !(r->flags & IORESOURCE_MEM))
			continue;
		ret = insert_resource(&iomem_resource, r);
		if (ret) {
			nmm_io_err("nmm_pci_open: %s: BAR %d [mem %#010llx-%#010llx] overlaps a registered resource",
				   pdev->dev.name, i, (unsigned long long)r->start,
				   (unsigned long long)r->end);
			for (int j = 0; j < i; j++)
				if (io->bar_registered[j]) {
					release_resource(&pdev->resource[j]);
					io->bar_registered[j] = 0;
				}
			return ret;
		}
		io->bar_registered[i] = 1;
	}
	if (!pci_read_config_word(pdev, PCI_COMMAND, &cmd) && !(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	pthread_mutex_lock(&nmm_io_lock);
	io->next = nmm_io_devices;
	nmm_io_devices = io;
	pthread_mutex_unlock(&nmm_io_lock);
	return 0;
}

static struct pci_dev *open_with(const char *id, int (*attach)(struct nmm_io_dev *, const char *))
{
	char bdf[64];
	struct nmm_io_dev *io;
	int ret;

	ret = nmm_io_parse_id(id, bdf, sizeof(bdf));
	if (ret)
		goto fail;
	ret = nmm_boot_if_needed();
	if (ret) {
		nmm_io_err("nmm_pci_open: numamm did not boot: %s", nmm_boot_strerror());
		goto fail;
	}
	io = nmm_io_dev_alloc(bdf);
	if (!io) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = attach(io, bdf);
	if (!ret)
		ret = nmm_io_dev_publish(io);
	if (ret) {
		nmm_io_dev_free(io);
		goto fail;
	}
	return io->pdev;
fail:
	errno = -ret;
	return NULL;
}

struct pci_dev *nmm_pci_open(const char *id)
{
	struct pci_dev *pdev = open_with(id, nmm_io_vfio_attach);

	if (pdev && nmm_pci_has_iommu(pdev))
		pci_set_master(pdev);
	return pdev;
}

struct pci_dev *nmm_pci_open_sysfs(const char *id)
{
	return open_with(id, nmm_io_sysfs_attach);
}

int nmm_pci_close(struct pci_dev *pdev)
{
	struct nmm_io_dev *io, **p;
	int maps;

	if (!pdev || !pdev->dev.io)
		return -EINVAL;
	io = pdev->dev.io;
	pthread_mutex_lock(&nmm_io_lock);
	pthread_mutex_lock(&io->dma_lock);
	maps = nmm_io_live_ioremaps(io);
	if (maps || io->nr_coherent || io->nr_streaming) {
		pthread_mutex_unlock(&io->dma_lock);
		pthread_mutex_unlock(&nmm_io_lock);
		nmm_io_err("nmm_pci_close: %s busy: %d ioremap(s), %d coherent buffer(s), %d DMA mapping(s) still live",
			   pdev->dev.name, maps, io->nr_coherent, io->nr_streaming);
		return -EBUSY;
	}
	pthread_mutex_unlock(&io->dma_lock);
	for (p = &nmm_io_devices; *p; p = &(*p)->next)
		if (*p == io) {
			*p = io->next;
			break;
		}
	pthread_mutex_unlock(&nmm_io_lock);
	if (nmm_pci_has_iommu(pdev))
		pci_clear_master(pdev);
	nmm_io_dma_teardown(io);
	for (int i = 0; i < PCI_STD_NUM_BARS; i++)
		if (io->bar_registered[i])
			release_resource(&pdev->resource[i]);
	nmm_io_dev_free(io);
	return 0;
}

const char *nmm_pci_backend(const struct pci_dev *pdev)
{
	return pdev && pdev->dev.io ? pdev->dev.io->backend : "none";
}

int nmm_pci_has_iommu(const struct pci_dev *pdev)
{
	return pdev && pdev->dev.io && pdev->dev.io->ops->dma_map != NULL;
}

/* --- config space ------------------------------------------------------------------------- */
static int cfg_rw(const struct pci_dev *pdev, int where, void *val, size_t len, int write)
{
	struct nmm_io_dev *io = pdev ? pdev->dev.io : NULL;

	if (!io || where < 0 || where + (int)len > 4096 || (where & (int)(len - 1)))
		return -EINVAL;
	return write ? io->ops->cfg_write(io, (unsigned int)where, val, len)
		     : io->ops->cfg_read(io, (unsigned int)where, val, len);
}

int pci_read_config_byte(const struct pci_dev *p, int w, u8 *v) { return cfg_rw(p, w, v, 1, 0); }
int pci_read_config_word(const struct pci_dev *p, int w, u16 *v) { return cfg_rw(p, w, v, 2, 0); }
int pci_read_config_dword(const struct pci_dev *p, int w, u32 *v) { return cfg_rw(p, w, v, 4, 0); }
int pci_write_config_byte(const struct pci_dev *p, int w, u8 v) { return cfg_rw(p, w, &v, 1, 1); }
int pci_write_config_word(const struct pci_dev *p, int w, u16 v) { return cfg_rw(p, w, &v, 2, 1); }
int pci_write_config_dword(const struct pci_dev *p, int w, u32 v) { return cfg_rw(p, w, &v, 4, 1); }

static void set_master(struct pci_dev *pdev, int on)
{
	u16 cmd, want;

	if (pci_read_config_word(pdev, PCI_COMMAND, &cmd))
		return;
	want = on ? (u16)(cmd | PCI_COMMAND_MASTER) : (u16)(cmd & ~PCI_COMMAND_MASTER);
	if (want != cmd)
		pci_write_config_word(pdev, PCI_COMMAND, want);
}

void pci_set_master(struct pci_dev *pdev) { set_master(pdev, 1); }
void pci_clear_master(struct pci_dev *pdev) { set_master(pdev, 0); }

/* --- pci_iomap and regions ----------------------------------------------------------------- */
static int bar_ok(struct pci_dev *pdev, int bar, const char *fn)
{
	if (!pdev || bar < 0 || bar >= PCI_STD_NUM_BARS || !pci_resource_len(pdev, bar)) {
		nmm_io_err("%s: %s has no BAR %d", fn, pdev ? pci_name(pdev) : "(null)", bar);
		return 0;
	}
	return 1;
}

void __iomem *pci_iomap_range(struct pci_dev *pdev, int bar, unsigned long offset,
			      unsigned long maxlen)
{
	u64 len;

	if (!bar_ok(pdev, bar, "pci_iomap"))
		return NULL;
	len = pci_resource_len(pdev, bar);
	if (offset >= len) {
		nmm_io_err("pci_iomap: %s BAR %d: offset %#lx beyond its %#llx bytes", pci_name(pdev),
			   bar, offset, (unsigned long long)len);
		return NULL;
	}
	len -= offset;
	if (maxlen && maxlen < len)
		len = maxlen;
	return ioremap(pci_resource_start(pdev, bar) + offset, len);
}

void __iomem *pci_iomap(struct pci_dev *pdev, int bar, unsigned long maxlen)
{
	return pci_iomap_range(pdev, bar, 0, maxlen);
}

void __iomem *pci_iomap_wc(struct pci_dev *pdev, int bar, unsigned long maxlen)
{
	u64 len;

	if (!bar_ok(pdev, bar, "pci_iomap_wc"))
		return NULL;
	len = pci_resource_len(pdev, bar);
	return ioremap_wc(pci_resource_start(pdev, bar), maxlen && maxlen < len ? maxlen : len);
}

void pci_iounmap(struct pci_dev *pdev, void __iomem *addr)
{
	(void)pdev;
	iounmap(addr);
}

int pci_request_region(struct pci_dev *pdev, int bar, const char *name)
{
	if (!bar_ok(pdev, bar, "pci_request_region"))
		return -EINVAL;
	return request_mem_region(pci_resource_start(pdev, bar), pci_resource_len(pdev, bar), name)
		       ? 0 : -EBUSY;
}

void pci_release_region(struct pci_dev *pdev, int bar)
{
	if (bar_ok(pdev, bar, "pci_release_region"))
		release_mem_region(pci_resource_start(pdev, bar), pci_resource_len(pdev, bar));
}
