/* tests/vm/vm_io_edu_driver.c - a driver for QEMU's edu device written with numamm's
 * kernel-style API only (<linux/pci.h>, <linux/io.h>, <linux/dma-mapping.h>, nmm_pci_open):
 * no VFIO ioctl, no mmap, no volatile pointer of its own.
 *
 * In the vfio topology (edu behind emulated VT-d on node 1, bound to vfio-pci by /init):
 *   attach       nmm_pci_open("1234:11e8"): VFIO type1, node 1, BAR0 1 MiB in the iomem tree;
 *                pci_request_region claims it, a second claim is refused
 *   registers    identity 0x010000ed, liveness = bitwise NOT, factorials by status polling
 *   DMA          dma_alloc_coherent memory under edu's 28-bit mask, RAM -> edu buffer 0x40000
 *                -> a second coherent buffer, byte for byte, and not a byte more; the same with
 *                dma_map_single of page-allocator memory; a buffer above the mask is refused
 *                (DMA_MAPPING_ERROR) before the device is told anything
 *   bad inputs   a wrong BDF, a device not bound to vfio-pci, ioremap across BAR0's end,
 *                double iounmap, close with live mappings (-EBUSY), and a clean close + reopen.
 *   sysfs        the same registers through resource0 (root, no VFIO); DMA refused there.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "io/io.h"             /* dev->io->nr_streaming: nothing reached the IOMMU */
#include "io/io_test.h"
#include "vm_guest.h"
#include "vm_io_edu.h"

#define DMA_LEN (EDU_DMA_BUF_SIZE - 1)

/* A PCI device of the guest that vfio-pci does not drive (the host bridge, typically). */
static int find_unbound(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[600], link[512];
	int found = 0;

	REQUIRE(d);
	while (!found && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			if (!strcmp(basename(link), "vfio-pci"))
				continue;
		}
		snprintf(bdf, len, "%s", e->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

static void dma_round_trip(struct pci_dev *pdev, void __iomem *bar)
{
	struct device *dev = &pdev->dev;
	dma_addr_t src_h, dst_h;
	u8 *src = dma_alloc_coherent(dev, EDU_DMA_BUF_SIZE, &src_h, GFP_KERNEL);
	u8 *dst = dma_alloc_coherent(dev, EDU_DMA_BUF_SIZE, &dst_h, GFP_KERNEL);
	size_t bad = 0;

	REQUIRE(src && dst);
	printf("coherent buffers: src %p dma %#llx, dst %p dma %#llx (node %d, zone %d/%d)\n", src,
	       (unsigned long long)src_h, dst, (unsigned long long)dst_h, page_to_nid(virt_to_page(src)),
	       page_zonenum(virt_to_page(src)), page_zonenum(virt_to_page(dst)));
	CHECK(src_h + EDU_DMA_BUF_SIZE - 1 <= DMA_BIT_MASK(EDU_DMA_BITS));
	CHECK(dst_h + EDU_DMA_BUF_SIZE - 1 <= DMA_BIT_MASK(EDU_DMA_BITS));
	CHECK_EQ(src_h, __pa(src));
	for (int i = 0; i < EDU_DMA_BUF_SIZE; i++)
		src[i] = (u8)(i * 7 + 3);
	CHECK(edu_dma(bar, src_h, EDU_DMA_BUF, DMA_LEN, 0) == 0);
	CHECK(edu_dma(bar, EDU_DMA_BUF, dst_h, DMA_LEN, 1) == 0);
	for (int i = 0; i < DMA_LEN; i++)
		bad += dst[i] != src[i];
	CHECK_EQ(bad, 0);
	CHECK_EQ(dst[DMA_LEN], 0);                     /* and not a byte more */
	printf("DMA RAM -> edu 0x40000 -> RAM, %d bytes through IOVA = numamm physical: %zu bytes differ\n",
	       DMA_LEN, bad);

	/* Streaming: page-allocator memory mapped for the transfer, then unmapped. */
	{
		struct page *pg = alloc_pages(GFP_DMA32, 0);
		u8 *v;
		dma_addr_t h;

		REQUIRE(pg);
		v = page_address(pg);
		memset(v, 0, PAGE_SIZE);
		h = dma_map_single(dev, v, 512, DMA_FROM_DEVICE);
		CHECK(!dma_mapping_error(dev, h));
		CHECK(edu_dma(bar, EDU_DMA_BUF + 100, h, 512, 1) == 0);
		dma_unmap_single(dev, h, 512, DMA_FROM_DEVICE);
		CHECK(!memcmp(v, src + 100, 512));
		CHECK_EQ(v[512], 0);
		printf("dma_map_single %#llx: edu 0x40064 -> RAM 512 bytes %s\n", (unsigned long long)h,
		       memcmp(v, src + 100, 512) ? "corrupted" : "OK");
		__free_pages(pg, 0);
	}

	/* Above the mask: edu's node has only memory above 4 GiB; the API refuses to map it. */
	{
		struct page *high = alloc_pages_node(dev_to_node(dev), GFP_KERNEL, 0);
		dma_addr_t h;

		REQUIRE(high);
		printf("page at %#llx on node %d, mask %#llx\n", (unsigned long long)page_to_phys(high),
		       page_to_nid(high), (unsigned long long)dma_get_mask(dev));
		CHECK(page_to_phys(high) > DMA_BIT_MASK(EDU_DMA_BITS));
		EXPECT_MSG(h = dma_map_single(dev, page_address(high), 256, DMA_FROM_DEVICE),
			   "is above the DMA mask 0xfffffff: refused");
		CHECK(dma_mapping_error(dev, h));
		CHECK_EQ(dev->io->nr_streaming, 0);         /* nothing mapped: edu never saw it */
		__free_pages(high, 0);
	}
	dma_free_coherent(dev, EDU_DMA_BUF_SIZE, dst, dst_h);
	dma_free_coherent(dev, EDU_DMA_BUF_SIZE, src, src_h);
}

int main(void)
{
	static const u32 patterns[] = { 0x12345678, 0, 0xffffffff, 0xa5a5a5a5 };
	static const u32 fact[][2] = { { 0, 1 }, { 1, 1 }, { 5, 120 }, { 10, 3628800 }, { 12, 479001600 } };
	struct vm_expect e;
	struct pci_dev *pdev;
	void __iomem *bar, *bar2;
	char other[256];
	phys_addr_t bar0;
	u16 cmd;

	vm_expect_load(&e);
	if (e.edu_node < 0)
		SKIP("topology %s has no edu device (run it in the vfio topology)", e.topo);

	/* --- bad inputs first: nothing open yet ------------------------------------------------ */
	errno = 0;
	EXPECT_MSG(CHECK(!nmm_pci_open("0000:00:1f.7")), "no PCI device 0000:00:1f.7");
	CHECK_EQ(errno, ENODEV);
	REQUIRE(find_unbound(other, sizeof(other)));
	errno = 0;
	EXPECT_MSG(CHECK(!nmm_pci_open(other)), "> /sys/bus/pci/drivers/vfio-pci/new_id");
	CHECK_EQ(errno, ENXIO);
	EXPECT_MSG(CHECK(!ioremap(0xfe000000, 4)), "is not in any BAR");

	/* --- attach ---------------------------------------------------------------------------- */
	pdev = nmm_pci_open("1234:11e8");
	REQUIRE(pdev);
	printf("edu %s: %04x:%04x rev %u, backend %s, node %d, BAR0 [mem %#llx-%#llx]\n", pci_name(pdev),
	       pdev->vendor, pdev->device, pdev->revision, nmm_pci_backend(pdev), dev_to_node(&pdev->dev),
	       (unsigned long long)pci_resource_start(pdev, 0), (unsigned long long)pci_resource_end(pdev, 0));
	CHECK(!strcmp(nmm_pci_backend(pdev), "vfio-type1"));
	CHECK_EQ(pdev->vendor, EDU_VENDOR);
	CHECK_EQ(pdev->device, EDU_DEVICE);
	CHECK_EQ(dev_to_node(&pdev->dev), e.edu_node);
	CHECK_EQ(pci_resource_len(pdev, 0), 1 << 20);
	bar0 = pci_resource_start(pdev, 0);
	CHECK_EQ(pci_read_config_word(pdev, PCI_COMMAND, &cmd), 0);
	CHECK((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) == (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	CHECK_EQ(pci_request_region(pdev, 0, "edu"), 0);
	EXPECT_MSG(CHECK_EQ(pci_request_region(pdev, 0, "edu-again"), -EBUSY), "conflicts with 'edu'");
	nmm_report("iomem", stdout);

	/* --- registers ------------------------------------------------------------------------- */
	bar = pci_iomap(pdev, 0, 0);
	REQUIRE(bar);
	printf("identity 0x%08x\n", readl((char __iomem *)bar + EDU_ID));
	CHECK_EQ(readl((char __iomem *)bar + EDU_ID), EDU_ID_VALUE);
	CHECK_EQ(ioread32((char __iomem *)bar + EDU_ID), EDU_ID_VALUE);
	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		writel(patterns[i], (char __iomem *)bar + EDU_LIVENESS);
		CHECK_EQ(readl((char __iomem *)bar + EDU_LIVENESS), (u32)~patterns[i]);
		iowrite32(patterns[i], (char __iomem *)bar + EDU_LIVENESS);
		CHECK_EQ(readl_relaxed((char __iomem *)bar + EDU_LIVENESS), (u32)~patterns[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fact); i++)
		CHECK_EQ(edu_factorial(bar, fact[i][0]), fact[i][1]);
	printf("liveness and factorials (0! 1! 5! 10! 12!) OK\n");
	/* ioremap of a sub-range by bus address sees the same registers. */
	bar2 = ioremap(pci_resource_start(pdev, 0), 0x100);
	REQUIRE(bar2);
	CHECK_EQ(readl(bar2), EDU_ID_VALUE);

	/* --- DMA ------------------------------------------------------------------------------- */
	CHECK_EQ(dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS)), 0);
	dma_round_trip(pdev, bar);

	/* --- bad inputs with the device open --------------------------------------------------- */
	EXPECT_MSG(CHECK(!ioremap(pci_resource_end(pdev, 0) - 3, 8)), "crosses the end of");
	EXPECT_MSG(CHECK(!pci_iomap(pdev, 1, 0)), "has no BAR 1");
	EXPECT_MSG(CHECK_EQ(nmm_pci_close(pdev), -EBUSY), "2 ioremap(s)");
	CHECK_EQ(readl(bar), EDU_ID_VALUE);            /* the refusal left it working */
	iounmap(bar2);
	EXPECT_MSG(iounmap(bar2), "iounmap: bad address");
	pci_iounmap(pdev, bar);
	pci_release_region(pdev, 0);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	EXPECT_MSG(CHECK(!ioremap(bar0, 4)), "is not in any BAR");   /* gone with the device */

	/* --- reopen: the group and container were given back ---------------------------------- */
	pdev = nmm_pci_open("1234:11e8");
	REQUIRE(pdev);
	bar = pci_iomap(pdev, 0, 0x1000);
	REQUIRE(bar);
	CHECK_EQ(readl((char __iomem *)bar + EDU_ID), EDU_ID_VALUE);
	pci_iounmap(pdev, bar);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	printf("closed and reopened OK\n");

	/* --- the sysfs backend (root, no IOMMU): registers yes, DMA refused -------------------- */
	pdev = nmm_pci_open_sysfs("1234:11e8");
	REQUIRE(pdev);
	CHECK(!strcmp(nmm_pci_backend(pdev), "sysfs"));
	bar = pci_iomap(pdev, 0, 0);
	REQUIRE(bar);
	CHECK_EQ(readl((char __iomem *)bar + EDU_ID), EDU_ID_VALUE);
	writel(0x0f0f0f0f, (char __iomem *)bar + EDU_LIVENESS);
	CHECK_EQ(readl((char __iomem *)bar + EDU_LIVENESS), 0xf0f0f0f0);
	{
		dma_addr_t h;

		EXPECT_MSG(CHECK(!dma_alloc_coherent(&pdev->dev, 4096, &h, GFP_KERNEL)),
			   "no IOMMU (sysfs backend)");
	}
	pci_iounmap(pdev, bar);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	printf("sysfs resource0 backend: identity and liveness OK, DMA refused\n");
	return test_done();
}
