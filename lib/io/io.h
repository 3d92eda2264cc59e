/* lib/io/io.h - the io layer's internals: an opened device, its backend, its mappings.
 *
 * DOC: io overview
 * nmm_pci_open() makes a struct pci_dev whose dev.io points at a struct nmm_io_dev: the backend
 * (VFIO, sysfs, or the RAM-backed stand-in device the host tests use), the device's BAR mapping
 * offsets, and three counts of live things — ioremap()s, coherent buffers, streaming mappings —
 * that nmm_pci_close() refuses to outlive. All open devices are on one list under nmm_io_lock;
 * ioremap() finds the BAR holding a bus address there.
 *
 * IOMMU mappings are IOVA = numamm physical address, page granular, refcounted per range
 * (dma.c): two buffers in one page share the page's mapping, since VFIO type1 cannot map one
 * IOVA twice nor unmap part of a mapping.
 * Invariant: for each device, nmm_io_live_ioremaps() + nr_coherent + nr_streaming == live things,
 * and every page of a live coherent buffer or streaming mapping lies in exactly one iommu range.
 * Lock order: nmm_io_lock, then the device's dma_lock, then the resource lock.
 */
#ifndef NUMAMM_LIB_IO_IO_H
#define NUMAMM_LIB_IO_IO_H

#include <pthread.h>
#include <stdio.h>

#include <numamm/pci.h>

struct nmm_io_dev;

struct nmm_io_ops {
	const char *name;
	/* Config space: Return: 0 or -errno. */
	int (*cfg_read)(struct nmm_io_dev *io, unsigned int where, void *buf, size_t len);
	int (*cfg_write)(struct nmm_io_dev *io, unsigned int where, const void *buf, size_t len);
	/* mmap [@off, @off + @len) (page aligned) of BAR @bar. Return: address or MAP_FAILED. */
	void *(*map_bar)(struct nmm_io_dev *io, int bar, u64 off, size_t len, int wc);
	/* IOMMU: map/unmap [@iova, @iova + @len) to @vaddr; NULL when there is no IOMMU. */
	int (*dma_map)(struct nmm_io_dev *io, u64 iova, void *vaddr, size_t len);
	int (*dma_unmap)(struct nmm_io_dev *io, u64 iova, size_t len);
	void (*release)(struct nmm_io_dev *io);
};

struct nmm_iommu_range {               /* one VFIO_IOMMU_MAP_DMA */
	u64 start, end;                  /* IOVA [start, end), page aligned */
	int refs;
	struct nmm_iommu_range *next;    /* sorted by start */
};

struct nmm_dma_buf {                    /* one coherent buffer or streaming mapping */
	void *cpu;
	dma_addr_t iova;
	size_t size;
	int coherent;
	struct page *page;               /* coherent: the block and its order */
	unsigned int order;
	struct nmm_dma_buf *next;
};

struct nmm_io_dev {
	struct pci_dev *pdev;
	const struct nmm_io_ops *ops;
	const char *backend;             /* "vfio-type1", "vfio-noiommu", "sysfs", "ram" */
	/* VFIO */
	int container, group, device;
	u64 region_off[PCI_STD_NUM_BARS], region_size[PCI_STD_NUM_BARS];
	u32 region_flags[PCI_STD_NUM_BARS];
	u64 cfg_off;
	/* sysfs */
	int bar_fd[PCI_STD_NUM_BARS], bar_wc_fd[PCI_STD_NUM_BARS], cfg_fd;
	/* RAM stand-in: a memfd per BAR, config space in memory, an IOMMU that records */
	int ram_fd[PCI_STD_NUM_BARS];
	u8 ram_cfg[256];
	unsigned long ram_maps, ram_unmaps;
	u64 ram_last_iova;

	int bar_registered[PCI_STD_NUM_BARS];
	int nr_coherent, nr_streaming;   /* under dma_lock */
	pthread_mutex_t dma_lock;
	struct nmm_iommu_range *ranges;
	struct nmm_dma_buf *bufs;
	struct nmm_io_dev *next;         /* nmm_io_devices */
};

extern pthread_mutex_t nmm_io_lock;
extern struct nmm_io_dev *nmm_io_devices;

/* Where devices are looked up: the real sysfs and /dev/vfio unless a test points elsewhere. */
extern const char *nmm_io_sysfs_devices;    /* "/sys/bus/pci/devices" */
extern const char *nmm_io_dev_vfio;         /* "/dev/vfio" */

/* pci.c */
int nmm_io_parse_id(const char *id, char *bdf, size_t len);
int nmm_io_sysfs_read(const char *bdf, const char *file, char *buf, size_t len);
struct nmm_io_dev *nmm_io_dev_alloc(const char *bdf);
void nmm_io_dev_free(struct nmm_io_dev *io);
int nmm_io_dev_publish(struct nmm_io_dev *io);
int nmm_io_read_sysfs_resources(struct nmm_io_dev *io);
#define nmm_io_err(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr))

/* vfio.c, sysfs.c */
int nmm_io_vfio_attach(struct nmm_io_dev *io, const char *bdf);
int nmm_io_sysfs_attach(struct nmm_io_dev *io, const char *bdf);

/* ramdev.c: a device whose BARs are memory, for host tests of everything above the backend.
 * @bar_start/@bar_size: nr_bars BARs (size 0: absent); config space reads @vendor:@device. */
struct pci_dev *nmm_io_ramdev_open(const char *bdf, unsigned short vendor, unsigned short device,
				   const u64 *bar_start, const u64 *bar_size, int nr_bars);

/* ioremap.c: count of live ioremaps of @io (under nmm_io_lock). */
int nmm_io_live_ioremaps(const struct nmm_io_dev *io);

/* dma.c: drop everything (only when nothing is live). */
void nmm_io_dma_teardown(struct nmm_io_dev *io);

/* resource.c */
void nmm_iomem_lock(void);
void nmm_iomem_unlock(void);

#endif
