/* bench/io.c - the io layer's own cost (issue 7), on the host's RAM stand-in PCI device
 * (lib/io/ramdev.c: BAR0 is a memfd, the IOMMU records instead of calling VFIO), so what is
 * measured is numamm's software path, not a device. The device itself is measured in the
 * QEMU guest (tests/vm/vm_io_edu_bench.c).
 *   io/readl                  one readl of the BAR (the accessor is a mov + compiler barrier)
 *   io/memcpy_fromio/4096     4 KiB out of the BAR by memcpy_fromio; io/memcpy/4096 the same by
 *                             memcpy, the baseline (bytes/s)
 *   io/ioremap_iounmap        ioremap 4 KiB of BAR0 + iounmap: BAR lookup, mmap, munmap
 *   io/dma_map_single_shared  dma_map_single + unmap of 64 bytes in a page a coherent buffer
 *                             keeps mapped: the refcount path, no IOMMU call
 *   io/dma_map_single_fresh   the same in a page nobody maps: a new IOMMU range each time
 *   io/dma_alloc_coherent     dma_alloc_coherent + dma_free_coherent, 4 KiB, 28-bit mask
 *   io/dma_pool_alloc         dma_pool_alloc + dma_pool_free of a 64-byte block
 * Boot: $NUMAMM_BOOT or "mem=256M".
 */
#include "gbench.h"

#include <stdlib.h>
#include <string.h>

#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/dmapool.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/io.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "io/io.h"

#define BAR0 0xfe000000ull
#define BATCH 64

static struct pci_dev *pdev;
static void __iomem *bar;
static void *keep;                /* a coherent buffer whose page stays mapped */
static dma_addr_t keep_dma;
static struct page *fresh;
static struct dma_pool *pool;

static bool setup(gbench_state *st)
{
	static const u64 start[1] = { BAR0 }, size[1] = { 1 << 20 };
	const char *line = getenv("NUMAMM_BOOT");

	if (pdev)
		return true;
	if (nmm_boot(line && *line ? line : "mem=256M")) {
		gbench_skip(st, nmm_boot_strerror());
		return false;
	}
	pdev = nmm_io_ramdev_open("0000:00:0f.0", 0x1234, 0x11e8, start, size, 1);
	bar = pdev ? pci_iomap(pdev, 0, 0) : NULL;
	if (!bar || dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(28))) {
		gbench_skip(st, "cannot open the RAM stand-in device");
		return false;
	}
	keep = dma_alloc_coherent(&pdev->dev, PAGE_SIZE, &keep_dma, GFP_KERNEL);
	fresh = alloc_pages(GFP_DMA32, 0);
	pool = dma_pool_create("bench", &pdev->dev, 64, 64, 0);
	if (!keep || !fresh || !pool) {
		gbench_skip(st, "no DMA memory");
		return false;
	}
	return true;
}

enum kind { READL, FROMIO, MEMCPY, IOREMAP, MAP_SHARED_PAGE, MAP_FRESH, ALLOC, POOL };

static void bm_io(gbench_state *st, void *user)
{
	enum kind kind = (enum kind)(uintptr_t)user;
	static u8 buf[4096];
	u32 sink = 0;

	if (!setup(st)) {
		while (gbench_keep_running(st))
			;
		return;
	}
	while (gbench_keep_running_batch(st, BATCH)) {
		for (int i = 0; i < BATCH; i++) {
			dma_addr_t h;
			void *p;

			switch (kind) {
			case READL:
				sink += readl(bar);
				break;
			case FROMIO:
				memcpy_fromio(buf, bar, sizeof(buf));
				break;
			case MEMCPY:
				memcpy(buf, (void *)bar, sizeof(buf));
				__asm__ volatile("" : : "r"(buf) : "memory");
				break;
			case IOREMAP:
				p = ioremap(BAR0 + 4096, 4096);
				iounmap(p);
				break;
			case MAP_SHARED_PAGE:
				h = dma_map_single(&pdev->dev, (char *)keep + 64, 64, DMA_TO_DEVICE);
				dma_unmap_single(&pdev->dev, h, 64, DMA_TO_DEVICE);
				break;
			case MAP_FRESH:
				h = dma_map_single(&pdev->dev, page_address(fresh), 64, DMA_TO_DEVICE);
				dma_unmap_single(&pdev->dev, h, 64, DMA_TO_DEVICE);
				break;
			case ALLOC:
				p = dma_alloc_coherent(&pdev->dev, 4096, &h, GFP_KERNEL);
				dma_free_coherent(&pdev->dev, 4096, p, h);
				break;
			default:
				p = dma_pool_alloc(pool, GFP_KERNEL, &h);
				dma_pool_free(pool, p, h);
				break;
			}
		}
	}
	__asm__ volatile("" : : "r"(sink));
	gbench_set_items_processed(st, gbench_iterations_done(st));
	if (kind == FROMIO || kind == MEMCPY)
		gbench_set_bytes_processed(st, gbench_iterations_done(st) * (int64_t)sizeof(buf));
}

GBENCH_CONSTRUCTOR(register_io)
{
	static const char *const names[] = { "io/readl", "io/memcpy_fromio/4096", "io/memcpy/4096",
					     "io/ioremap_iounmap", "io/dma_map_single_shared",
					     "io/dma_map_single_fresh", "io/dma_alloc_coherent",
					     "io/dma_pool_alloc" };

	for (uintptr_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		gbench_threads(gbench_register(names[k], bm_io, (void *)k), 1);
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	int ret;

	gbench_add_context("numamm_boot", line && *line ? line : "mem=256M");
	ret = gbench_main(argc, argv);
	if (pdev) {
		dma_pool_destroy(pool);
		dma_free_coherent(&pdev->dev, PAGE_SIZE, keep, keep_dma);
		pci_iounmap(pdev, bar);
		nmm_pci_close(pdev);
	}
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
