/* tests/vm/vm_io_edu_bench.c - guest benchmark of the io layer on QEMU's edu device: readl and
 * writel cost per access, memcpy_fromio bandwidth over BAR0, and one edu DMA round trip
 * (RAM -> edu -> RAM, 4095 bytes) from dma_alloc_coherent memory, which QEMU's edu
 * delays by a 100 ms virtual-clock timer per transfer. Under TCG every MMIO access
 * exits to QEMU's device model, so these figures describe the emulator, not hardware: they are
 * for correctness (the numbers are finite and the data arrives) and for comparing changes.
 * Prints one "bench:" line per figure.
 */
#include <time.h>

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "vm_guest.h"
#include "vm_io_edu.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	struct vm_expect e;
	struct pci_dev *pdev;
	void __iomem *bar;
	volatile u32 sink = 0;
	double t0, t;
	static u8 buf[64 << 10];
	dma_addr_t sh, dh;
	u8 *src, *dst;
	int rounds = 5, bad = 0, maps = 200;

	vm_expect_load(&e);
	if (e.edu_node < 0)
		SKIP("topology %s has no edu device (run it in the vfio topology)", e.topo);
	pdev = nmm_pci_open("1234:11e8");
	REQUIRE(pdev);
	bar = pci_iomap(pdev, 0, 0);
	REQUIRE(bar);

	t0 = now_ns();
	for (long i = 0; i < n; i++)
		sink += readl((char __iomem *)bar + EDU_ID);
	t = now_ns() - t0;
	CHECK_EQ(sink, (u32)(EDU_ID_VALUE * (u32)n));
	printf("bench: readl %.0f ns/op (%ld reads of edu's identity register)\n", t / n, n);

	t0 = now_ns();
	for (long i = 0; i < n; i++)
		writel((u32)i, (char __iomem *)bar + EDU_LIVENESS);
	t = now_ns() - t0;
	CHECK_EQ(readl((char __iomem *)bar + EDU_LIVENESS), ~(u32)(n - 1));
	printf("bench: writel %.0f ns/op (%ld writes of the liveness register)\n", t / n, n);

	t0 = now_ns();
	for (int r = 0; r < 16; r++)
		memcpy_fromio(buf, bar, sizeof(buf));
	t = now_ns() - t0;
	/* edu answers 8-byte reads below 0x80 with ~0 (it decodes only 4-byte ones there) and
	 * 0x80.. with its DMA registers: the copy must be what readq sees, word by word. */
	for (int off = 0; off < 0x100; off += 8) {
		u64 w;

		memcpy(&w, buf + off, 8);
		CHECK(w == readq((char __iomem *)bar + off));
	}
	printf("bench: memcpy_fromio %.2f MB/s (16 x 64 KiB of BAR0, 8-byte reads)\n",
	       16.0 * sizeof(buf) / (t / 1e9) / 1e6);

	REQUIRE(dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS)) == 0);
	src = dma_alloc_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, &sh, GFP_KERNEL);
	dst = dma_alloc_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, &dh, GFP_KERNEL);
	REQUIRE(src && dst);
	for (int i = 0; i < EDU_DMA_BUF_SIZE; i++)
		src[i] = (u8)(i ^ 0x5a);
	t0 = now_ns();
	for (int r = 0; r < rounds; r++) {
		bad += edu_dma(bar, sh, EDU_DMA_BUF, EDU_DMA_BUF_SIZE - 1, 0) != 0;
		bad += edu_dma(bar, EDU_DMA_BUF, dh, EDU_DMA_BUF_SIZE - 1, 1) != 0;
	}
	t = now_ns() - t0;
	CHECK_EQ(bad, 0);
	CHECK(!memcmp(src, dst, EDU_DMA_BUF_SIZE - 1));
	printf("bench: DMA round trip %.1f us (RAM -> edu -> RAM, 4095 bytes, %d rounds, %.2f MB/s)\n",
	       t / rounds / 1e3, rounds, 2.0 * (EDU_DMA_BUF_SIZE - 1) * rounds / (t / 1e9) / 1e6);

	t0 = now_ns();
	for (int r = 0; r < maps; r++) {
		dma_addr_t h = dma_map_single(&pdev->dev, dst, 64, DMA_FROM_DEVICE);

		dma_unmap_single(&pdev->dev, h, 64, DMA_FROM_DEVICE);
	}
	t = now_ns() - t0;
	printf("bench: dma_map_single+unmap %.0f ns (page already mapped: refcount only)\n", t / maps);

	dma_free_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, dst, dh);
	dma_free_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, src, sh);
	t0 = now_ns();
	for (int r = 0; r < maps; r++) {
		src = dma_alloc_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, &sh, GFP_KERNEL);
		REQUIRE(src);
		dma_free_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, src, sh);
	}
	t = now_ns() - t0;
	printf("bench: dma_alloc_coherent+free 4 KiB %.1f us (VFIO_IOMMU_MAP_DMA + UNMAP each)\n",
	       t / maps / 1e3);
	pci_iounmap(pdev, bar);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	return test_done();
}
