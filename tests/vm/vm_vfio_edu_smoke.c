/* tests/vm/vm_vfio_edu_smoke.c - QEMU's edu device is reachable through VFIO type1 in the guest.
 *
 * Proves the rig the io/ layer will stand on (topology "vfio": q35 + emulated VT-d, edu behind a
 * PCIe expander bridge on node 1, bound to vfio-pci by the guest /init): find edu (1234:11e8) in
 * sysfs on the expected node and driver, open the container, its IOMMU group and the device, map
 * BAR0 and talk to the device: the identity register reads 0x010000ed, the liveness register
 * returns the bitwise NOT of what was written, and the factorial unit computes 5! = 120.
 * Then DMA through the IOMMU, as dma_alloc_coherent will use it: a buffer mapped at an IOVA
 * (VFIO_IOMMU_MAP_DMA) is copied by edu's DMA engine into its internal buffer and back to a
 * second IOVA, and arrives intact. Registers follow QEMU's docs/specs/edu.txt.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vm_guest.h"

#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20          /* bit 0: factorial computing */
#define EDU_ID_VALUE 0x010000edu /* major 1, minor 0, 0xed */
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98          /* bit 0 start/busy, bit 1 direction: 1 = to RAM */
#define EDU_DMA_BUF 0x40000       /* edu's internal 4 KiB buffer, as a DMA address */
#define EDU_DMA_LEN 2048          /* QEMU 7.2's edu rejects a transfer that ends at its buffer's
				   * last byte ("DMA range ... out of bounds") and stops QEMU */
#define DMA_IOVA 0x100000         /* below edu's 28-bit DMA mask */

static void wr64(volatile uint32_t *bar, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)((volatile char *)bar + off) = v;
}

static uint64_t rd64(volatile uint32_t *bar, unsigned int off)
{
	return *(volatile uint64_t *)((volatile char *)bar + off);
}

/* One edu DMA transfer; Return: 0 when the engine finished within a second. */
static int edu_dma(volatile uint32_t *bar, uint64_t src, uint64_t dst, uint64_t len, int to_ram)
{
	wr64(bar, EDU_DMA_SRC, src);
	wr64(bar, EDU_DMA_DST, dst);
	wr64(bar, EDU_DMA_COUNT, len);
	wr64(bar, EDU_DMA_CMD, 1 | (to_ram ? 2 : 0));
	for (int i = 0; i < 1000; i++) {
		if (!(rd64(bar, EDU_DMA_CMD) & 1))
			return 0;
		usleep(1000);
	}
	return -1;
}

static int find_edu(char *bdf, size_t len)
{
	char path[300], buf[64];
	struct dirent *d;
	DIR *dir = opendir("/sys/bus/pci/devices");
	int found = 0;

	REQUIRE(dir);
	while ((d = readdir(dir)) && !found) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", d->d_name);
		if (!vm_read_line(path, buf, sizeof(buf)) || strcmp(buf, "0x1234"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", d->d_name);
		if (vm_read_line(path, buf, sizeof(buf)) && !strcmp(buf, "0x11e8")) {
			size_t l = strnlen(d->d_name, len - 1);

			memcpy(bdf, d->d_name, l);
			bdf[l] = 0;
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

static uint32_t rd(volatile uint32_t *bar, unsigned int off)
{
	return bar[off / 4];
}

static void wr(volatile uint32_t *bar, unsigned int off, uint32_t v)
{
	bar[off / 4] = v;
}

int main(void)
{
	static const uint32_t patterns[] = { 0x12345678, 0, 0xffffffff, 0xa5a5a5a5 };
	char bdf[256], path[600], link[512], buf[64];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	int container, group, dev, spins = 0;
	volatile uint32_t *bar;
	uint16_t cmd;
	ssize_t n;
	struct vm_expect e;

	vm_expect_load(&e);
	if (e.edu_node < 0)
		SKIP("topology %s has no edu device (run it in the vfio topology)", e.topo);
	REQUIRE(find_edu(bdf, sizeof(bdf)));

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", bdf);
	REQUIRE(vm_read_line(path, buf, sizeof(buf)));
	CHECK_EQ(atoi(buf), e.edu_node);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	REQUIRE(n > 0);
	link[n] = 0;
	CHECK(!strcmp(basename(link), "vfio-pci"));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	REQUIRE(n > 0);
	link[n] = 0;
	printf("edu %s on node %s, iommu group %s\n", bdf, buf, basename(link));

	container = open("/dev/vfio/vfio", O_RDWR);
	REQUIRE(container >= 0);
	CHECK_EQ(ioctl(container, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	REQUIRE(ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1);
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	group = open(path, O_RDWR);
	REQUIRE(group >= 0);
	REQUIRE(ioctl(group, VFIO_GROUP_GET_STATUS, &gs) == 0);
	REQUIRE(gs.flags & VFIO_GROUP_FLAGS_VIABLE);
	REQUIRE(ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) == 0);
	REQUIRE(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) == 0);
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	REQUIRE(dev >= 0);
	REQUIRE(ioctl(dev, VFIO_DEVICE_GET_INFO, &di) == 0);
	CHECK(di.flags & VFIO_DEVICE_FLAGS_PCI);
	REQUIRE(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) == 0);
	CHECK_EQ(bar0.size, 1 << 20);
	REQUIRE(bar0.flags & VFIO_REGION_INFO_FLAG_MMAP);

	/* vfio-pci leaves memory decoding as the BIOS/kernel left it: turn it on. */
	REQUIRE(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) == 0);
	REQUIRE(pread(dev, &cmd, 2, cfg.offset + 4) == 2);
	cmd |= 0x2;
	REQUIRE(pwrite(dev, &cmd, 2, cfg.offset + 4) == 2);

	bar = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0.offset);
	REQUIRE(bar != MAP_FAILED);
	printf("identity 0x%08x\n", rd(bar, EDU_ID));
	CHECK_EQ(rd(bar, EDU_ID), EDU_ID_VALUE);
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		wr(bar, EDU_LIVENESS, patterns[i]);
		CHECK_EQ(rd(bar, EDU_LIVENESS), (uint32_t)~patterns[i]);
	}
	wr(bar, EDU_FACTORIAL, 5);
	while ((rd(bar, EDU_STATUS) & 1) && spins++ < 1000)
		usleep(1000);
	CHECK_EQ(rd(bar, EDU_FACTORIAL), 120);
	printf("liveness and factorial OK\n");

	{
		size_t sz = 2 * 4096;
		unsigned char *buf = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)buf, .iova = DMA_IOVA, .size = sz,
		};
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = DMA_IOVA, .size = sz,
		};

		REQUIRE(buf != MAP_FAILED);
		for (int i = 0; i < 4096; i++)
			buf[i] = (unsigned char)(i * 7 + 3);
		memset(buf + 4096, 0, 4096);
		REQUIRE(ioctl(container, VFIO_IOMMU_MAP_DMA, &map) == 0);
		REQUIRE(pread(dev, &cmd, 2, cfg.offset + 4) == 2);
		cmd |= 0x4;                 /* bus master */
		REQUIRE(pwrite(dev, &cmd, 2, cfg.offset + 4) == 2);
		CHECK(edu_dma(bar, DMA_IOVA, EDU_DMA_BUF, EDU_DMA_LEN, 0) == 0);
		CHECK(edu_dma(bar, EDU_DMA_BUF, DMA_IOVA + 4096, EDU_DMA_LEN, 1) == 0);
		CHECK(memcmp(buf, buf + 4096, EDU_DMA_LEN) == 0);
		CHECK(buf[4096 + EDU_DMA_LEN] == 0);   /* and not a byte more */
		CHECK(ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) == 0);
		CHECK_EQ(unmap.size, sz);
		printf("DMA RAM -> edu -> RAM through IOVA %#x: %s\n", DMA_IOVA,
		       memcmp(buf, buf + 4096, EDU_DMA_LEN) ? "corrupted" : "OK");
		munmap(buf, sz);
	}

	munmap((void *)bar, bar0.size);
	close(dev);
	close(group);
	close(container);
	return test_done();
}
