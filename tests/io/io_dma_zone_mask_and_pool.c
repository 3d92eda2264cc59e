/* tests/io/io_dma_zone_mask_and_pool.c - DMA memory comes from where the mask allows, a buffer
 * above the mask never reaches the IOMMU, shared pages share one IOMMU mapping, and dma_pool
 * hands out aligned blocks that never cross their boundary.
 *
 * On the RAM stand-in device, whose IOMMU records maps and unmaps. Default layout:
 *   DMA [0, 16M)  DMA32 [16M, 256M)  Normal [4G, 4G+256M)
 * Expect: 28-bit mask → pages below 256 MiB at IOVA = physical address; 24-bit → below 16 MiB;
 * a mask under 24 bits → -EIO; dma_map_single of a Normal page with a 28-bit mask →
 * DMA_MAPPING_ERROR and no IOMMU call; two mappings in one page → one VFIO map, one unmap after
 * both are gone; close refused while a coherent buffer lives.
 */
#include <errno.h>

#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/dmapool.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/slab.h>
#include <numamm/pci.h>

#include "io/io.h"
#include "io_test.h"

int main(void)
{
	static const u64 start[1] = { 0xfe000000 }, size[1] = { 1 << 20 };
	struct pci_dev *pdev = nmm_io_ramdev_open("0000:00:08.0", 0x1234, 0x11e8, start, size, 1);
	struct nmm_io_dev *io;
	struct device *dev;
	dma_addr_t h, h2, d1, d2;
	unsigned long maps;
	u8 *p, *q;

	REQUIRE(pdev);
	dev = &pdev->dev;
	io = dev->io;
	CHECK(*dev->dma_mask == DMA_BIT_MASK(32));
	EXPECT_MSG(CHECK_EQ(dma_set_mask(dev, DMA_BIT_MASK(20)), -EIO), "below ZONE_DMA");
	CHECK_EQ(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(28)), 0);

	maps = io->ram_maps;
	p = dma_alloc_coherent(dev, 3 * 4096, &h, GFP_KERNEL);  /* an order-2 block */
	REQUIRE(p);
	CHECK(h + 4 * 4096 - 1 <= DMA_BIT_MASK(28));
	CHECK_EQ(h, __pa(p));
	CHECK_EQ(io->ram_maps, maps + 1);
	CHECK_EQ(io->ram_last_iova, h);
	for (int i = 0; i < 3 * 4096; i++)
		if (p[i]) {
			CHECK(!"coherent memory is zeroed");
			break;
		}
	CHECK(page_zonenum(virt_to_page(p)) == ZONE_DMA32 || page_zonenum(virt_to_page(p)) == ZONE_DMA);

	CHECK_EQ(dma_set_coherent_mask(dev, DMA_BIT_MASK(24)), 0);
	q = dma_alloc_coherent(dev, 100, &h2, GFP_KERNEL);
	REQUIRE(q);
	CHECK(h2 < (16u << 20));
	CHECK(page_zonenum(virt_to_page(q)) == ZONE_DMA);
	EXPECT_MSG(CHECK_EQ(nmm_pci_close(pdev), -EBUSY), "2 coherent buffer(s)");
	dma_free_coherent(dev, 100, q, h2);
	EXPECT_MSG(dma_free_coherent(dev, 100, q, h2), "is not a live coherent buffer");

	/* Memory above the mask: a ZONE_NORMAL page lives at 4 GiB+. */
	{
		struct page *high = alloc_pages(GFP_KERNEL, 0);

		REQUIRE(high);
		CHECK(page_to_phys(high) > DMA_BIT_MASK(28));
		maps = io->ram_maps;
		EXPECT_MSG(d1 = dma_map_single(dev, page_address(high), 64, DMA_TO_DEVICE),
			   "is above the DMA mask 0xfffffff: refused");
		CHECK(dma_mapping_error(dev, d1));
		CHECK_EQ(io->ram_maps, maps);                  /* never reached the IOMMU */
		CHECK_EQ(io->nr_streaming, 0);
		__free_pages(high, 0);
	}
	EXPECT_MSG(d1 = dma_map_single(dev, (void *)&maps, 8, DMA_TO_DEVICE), "not numamm linear-map memory");
	CHECK(d1 == DMA_MAPPING_ERROR);

	/* Two streaming mappings in one page of the coherent block: one IOMMU range, refcounted.
	 * The block is mapped already, so neither adds a map; a fresh page shows the counting. */
	{
		struct page *pg = alloc_pages(GFP_DMA32, 0);
		u8 *v;

		REQUIRE(pg);
		v = page_address(pg);
		maps = io->ram_maps;
		unsigned long unmaps = io->ram_unmaps;
		d1 = dma_map_single(dev, v + 16, 64, DMA_TO_DEVICE);
		d2 = dma_map_single(dev, v + 1024, 64, DMA_FROM_DEVICE);
		CHECK(!dma_mapping_error(dev, d1) && !dma_mapping_error(dev, d2));
		CHECK_EQ(d1, page_to_phys(pg) + 16);
		CHECK_EQ(io->ram_maps, maps + 1);
		CHECK_EQ(io->nr_streaming, 2);
		dma_unmap_single(dev, d1, 64, DMA_TO_DEVICE);
		CHECK_EQ(io->ram_unmaps, unmaps);
		EXPECT_MSG(dma_unmap_single(dev, d1, 64, DMA_TO_DEVICE), "is not a live mapping");
		dma_unmap_single(dev, d2, 64, DMA_FROM_DEVICE);
		CHECK_EQ(io->ram_unmaps, unmaps + 1);
		CHECK(io->ranges && !io->ranges->next);        /* only the coherent block's */
		__free_pages(pg, 0);
	}
	dma_free_coherent(dev, 3 * 4096, p, h);
	CHECK(io->ranges == NULL);

	{
		struct dma_pool *pool = dma_pool_create("descs", dev, 48, 64, 1024);
		void *blk[200];
		dma_addr_t bh[200];

		REQUIRE(pool);
		EXPECT_MSG(CHECK(!dma_pool_create("bad", dev, 64, 3, 0)), "bad arguments");
		for (int i = 0; i < 200; i++) {
			blk[i] = dma_pool_zalloc(pool, GFP_KERNEL, &bh[i]);
			REQUIRE(blk[i]);
			CHECK_EQ(bh[i], __pa(blk[i]));
			CHECK((bh[i] & 63) == 0);
			CHECK(bh[i] / 1024 == (bh[i] + 47) / 1024);
			CHECK(bh[i] + 63 <= DMA_BIT_MASK(24));
			memset(blk[i], i, 48);
		}
		for (int i = 1; i < 200; i++)
			CHECK(blk[i] != blk[i - 1]);
		dma_pool_free(pool, blk[5], bh[5]);
		EXPECT_MSG(dma_pool_free(pool, blk[5], bh[5]), "already free");
		EXPECT_MSG(dma_pool_free(pool, (char *)blk[6] + 8, bh[6] + 8), "(bad vaddr)");
		for (int i = 0; i < 200; i++)
			if (i != 5)
				dma_pool_free(pool, blk[i], bh[i]);
		dma_pool_destroy(pool);
	}
	CHECK_EQ(io->nr_coherent, 0);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	return test_done();
}
