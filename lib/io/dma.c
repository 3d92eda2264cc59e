/* lib/io/dma.c - the DMA API over numamm's page allocator and the device's IOMMU, after the
 * kernel's kernel/dma/direct.c (zone choice, mask checks) with an identity-mapped IOMMU:
 * IOVA = numamm physical address, so the DMA mask constrains physical addresses exactly as in
 * the kernel, and the device can reach only the pages it was given.
 *
 * IOMMU ranges are page granular and refcounted (see io.h): a mapping first covers its pages'
 * gaps with new ranges, then takes a reference on every range its pages touch; unmapping drops
 * those references and unmaps ranges that reach zero. While a mapping is live its pages have no
 * gaps, so the set of ranges it touches cannot change under it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>

#include "io.h"
#include "../trace/io_events.h"

#define ZONE_DMA_BITS 24

static int check_mask(struct device *dev, u64 mask, const char *fn)
{
	if (mask < DMA_BIT_MASK(ZONE_DMA_BITS)) {
		nmm_io_err("%s: %s: mask %#llx is below ZONE_DMA (%d bits): no memory to give it", fn,
			   dev_name(dev), (unsigned long long)mask, ZONE_DMA_BITS);
		return -EIO;
	}
	return 0;
}

int dma_set_mask(struct device *dev, u64 mask)
{
	int ret = check_mask(dev, mask, "dma_set_mask");

	if (!ret)
		*dev->dma_mask = mask;
	return ret;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	int ret = check_mask(dev, mask, "dma_set_coherent_mask");

	if (!ret)
		dev->coherent_dma_mask = mask;
	return ret;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	int ret = dma_set_mask(dev, mask);

	if (!ret)
		dev->coherent_dma_mask = mask;
	return ret;
}

static int no_iommu(struct device *dev, const char *fn)
{
	if (dev && dev->io && dev->io->ops->dma_map)
		return 0;
	nmm_io_err("%s: %s: no IOMMU (%s backend): DMA needs a device opened with VFIO type1", fn,
		   dev ? dev_name(dev) : "(null)", dev && dev->io ? dev->io->backend : "no");
	return 1;
}

/* Drop ranges nobody references yet (the gaps of a mapping that failed half way). */
static void iommu_drop_unreferenced(struct nmm_io_dev *io)
{
	for (struct nmm_iommu_range **p = &io->ranges, *z; (z = *p);) {
		if (z->refs) {
			p = &z->next;
			continue;
		}
		io->ops->dma_unmap(io, z->start, z->end - z->start);
		*p = z->next;
		free(z);
	}
}

/* Cover [start, end) (page aligned) with IOMMU ranges and take a reference on each. */
static int iommu_get(struct nmm_io_dev *io, u64 start, u64 end)
{
	struct nmm_iommu_range **p = &io->ranges, *r;
	u64 pos = start;
	int ret;

	while (*p && (*p)->end <= pos)
		p = &(*p)->next;
	/* First map the gaps, so a failure leaves every reference as it was. */
	while (pos < end) {
		struct nmm_iommu_range *n;
		u64 gap_end;

		r = *p;
		if (r && r->start <= pos) {
			pos = r->end;
			p = &r->next;
			continue;
		}
		gap_end = r && r->start < end ? r->start : end;
		n = calloc(1, sizeof(*n));
		ret = n ? io->ops->dma_map(io, pos, __va(pos), gap_end - pos) : -ENOMEM;
		if (ret) {
			free(n);
			nmm_io_err("dma: %s: VFIO_IOMMU_MAP_DMA [iova %#llx-%#llx]: %s",
				   pci_name(io->pdev), (unsigned long long)pos,
				   (unsigned long long)gap_end - 1, strerror(-ret));
			iommu_drop_unreferenced(io);
			return ret;
		}
		n->start = pos;
		n->end = gap_end;
		n->next = r;
		*p = n;
		p = &n->next;
		pos = gap_end;
	}
	for (r = io->ranges; r; r = r->next)
		if (r->start < end && r->end > start)
			r->refs++;
	return 0;
}

static void iommu_put(struct nmm_io_dev *io, u64 start, u64 end)
{
	struct nmm_iommu_range **p = &io->ranges, *r;

	while ((r = *p)) {
		if (r->start < end && r->end > start && --r->refs == 0) {
			int ret = io->ops->dma_unmap(io, r->start, r->end - r->start);

			if (ret)
				nmm_io_err("dma: %s: VFIO_IOMMU_UNMAP_DMA [iova %#llx-%#llx]: %s",
					   pci_name(io->pdev), (unsigned long long)r->start,
					   (unsigned long long)r->end - 1, strerror(-ret));
			*p = r->next;
			free(r);
			continue;
		}
		p = &r->next;
	}
}

static u64 page_start(u64 a) { return a & ~(u64)(PAGE_SIZE - 1); }
static u64 page_end(u64 a, size_t n) { return (a + n + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1); }

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	struct nmm_io_dev *io;
	struct nmm_dma_buf *b;
	struct page *page = NULL;
	unsigned int order = 0;
	u64 mask, phys = 0;
	gfp_t zone;
	int nid, ret;

	if (no_iommu(dev, "dma_alloc_coherent"))
		return NULL;
	if (!size || !dma_handle) {
		nmm_io_err("dma_alloc_coherent: %s: size 0 or no handle", dev_name(dev));
		return NULL;
	}
	io = dev->io;
	while (((size_t)PAGE_SIZE << order) < size)
		order++;
	if (order > MAX_ORDER) {
		nmm_io_err("dma_alloc_coherent: %s: %zu bytes is more than one order-%d block", dev_name(dev),
			   size, MAX_ORDER);
		return NULL;
	}
	mask = dev->coherent_dma_mask;
	/* dma-direct's choice: the smallest zone that the mask can address entirely first. */
	zone = mask <= DMA_BIT_MASK(ZONE_DMA_BITS) ? GFP_DMA : mask <= DMA_BIT_MASK(32) ? GFP_DMA32 : 0;
	nid = dev->numa_node >= 0 && dev->numa_node < nr_node_ids ? dev->numa_node : NUMA_NO_NODE;
	gfp &= ~(gfp_t)(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_MOVABLE);
	for (;;) {
		page = alloc_pages_node(nid, gfp | zone | __GFP_ZERO | __GFP_NOWARN, order);
		if (page) {
			phys = page_to_phys(page);
			if (phys + ((u64)PAGE_SIZE << order) - 1 <= mask)
				break;
			__free_pages(page, order);
			page = NULL;
		}
		/* Too high, or nothing in that zone: one zone lower, as dma-direct retries. */
		if (zone == 0 && mask < ~0ULL)
			zone = GFP_DMA32;
		else if (zone == GFP_DMA32)
			zone = GFP_DMA;
		else
			break;
	}
	if (!page) {
		nmm_io_err("dma_alloc_coherent: %s: no %zu bytes (order %u) of memory below the DMA mask %#llx",
			   dev_name(dev), size, order, (unsigned long long)mask);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		__free_pages(page, order);
		return NULL;
	}
	pthread_mutex_lock(&io->dma_lock);
	ret = iommu_get(io, phys, phys + ((u64)PAGE_SIZE << order));
	if (ret) {
		pthread_mutex_unlock(&io->dma_lock);
		free(b);
		__free_pages(page, order);
		return NULL;
	}
	b->cpu = page_address(page);
	b->iova = phys;
	b->size = size;
	b->coherent = 1;
	b->page = page;
	b->order = order;
	b->next = io->bufs;
	io->bufs = b;
	io->nr_coherent++;
	pthread_mutex_unlock(&io->dma_lock);
	*dma_handle = phys;
	trace_dma_alloc(dev_name(dev), b->cpu, phys, size, gfp);
	return b->cpu;
}

/* Unlink the buffer that matches; Return: it, or NULL. */
static struct nmm_dma_buf *take_buf(struct nmm_io_dev *io, int coherent, void *cpu, dma_addr_t iova,
				    size_t size)
{
	for (struct nmm_dma_buf **p = &io->bufs, *b; (b = *p); p = &b->next) {
		if (b->coherent != coherent || b->iova != iova || (coherent && b->cpu != cpu) ||
		    (!coherent && b->size != size))
			continue;
		*p = b->next;
		return b;
	}
	return NULL;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
	struct nmm_io_dev *io = dev ? dev->io : NULL;
	struct nmm_dma_buf *b;

	if (!io)
		return;
	pthread_mutex_lock(&io->dma_lock);
	b = take_buf(io, 1, cpu_addr, dma_handle, size);
	if (b) {
		iommu_put(io, b->iova, b->iova + ((u64)PAGE_SIZE << b->order));
		io->nr_coherent--;
	}
	pthread_mutex_unlock(&io->dma_lock);
	if (!b) {
		nmm_io_err("dma_free_coherent: %s: %p (dma %#llx) is not a live coherent buffer",
			   dev_name(dev), cpu_addr, (unsigned long long)dma_handle);
		return;
	}
	trace_dma_free(dev_name(dev), cpu_addr, dma_handle, size);
	__free_pages(b->page, b->order);
	free(b);
}

static dma_addr_t map_phys(struct device *dev, phys_addr_t phys, size_t size,
			   enum dma_data_direction dir, const char *fn)
{
	struct nmm_io_dev *io;
	struct nmm_dma_buf *b;
	int ret;

	if (no_iommu(dev, fn))
		return DMA_MAPPING_ERROR;
	if (!size || dir == DMA_NONE || dir > DMA_NONE) {
		nmm_io_err("%s: %s: size 0 or bad direction %d", fn, dev_name(dev), (int)dir);
		return DMA_MAPPING_ERROR;
	}
	if (phys + size - 1 > *dev->dma_mask) {
		nmm_io_err("%s: %s: [mem %#010llx-%#010llx] is above the DMA mask %#llx: refused (numamm has no bounce buffers)",
			   fn, dev_name(dev), (unsigned long long)phys,
			   (unsigned long long)(phys + size - 1), (unsigned long long)*dev->dma_mask);
		trace_dma_map_page(dev_name(dev), phys, DMA_MAPPING_ERROR, size, dir);
		return DMA_MAPPING_ERROR;
	}
	io = dev->io;
	b = calloc(1, sizeof(*b));
	if (!b)
		return DMA_MAPPING_ERROR;
	pthread_mutex_lock(&io->dma_lock);
	ret = iommu_get(io, page_start(phys), page_end(phys, size));
	if (ret) {
		pthread_mutex_unlock(&io->dma_lock);
		free(b);
		return DMA_MAPPING_ERROR;
	}
	b->cpu = __va(phys);
	b->iova = phys;
	b->size = size;
	b->next = io->bufs;
	io->bufs = b;
	io->nr_streaming++;
	pthread_mutex_unlock(&io->dma_lock);
	trace_dma_map_page(dev_name(dev), phys, phys, size, dir);
	return phys;
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	if (!ptr || !virt_addr_valid(ptr) || !virt_addr_valid((char *)ptr + (size ? size - 1 : 0))) {
		nmm_io_err("dma_map_single: %s: %p is not numamm linear-map memory (kmalloc, page_address)",
			   dev ? dev_name(dev) : "(null)", ptr);
		return DMA_MAPPING_ERROR;
	}
	return map_phys(dev, __pa(ptr), size, dir, "dma_map_single");
}

dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
			enum dma_data_direction dir)
{
	void *v = page ? page_address(page) : NULL;

	if (!v || !virt_addr_valid(v)) {
		nmm_io_err("dma_map_page: %s: page %p is not mapped in the linear map (highmem?)",
			   dev ? dev_name(dev) : "(null)", (void *)page);
		return DMA_MAPPING_ERROR;
	}
	return map_phys(dev, page_to_phys(page) + offset, size, dir, "dma_map_page");
}

static void unmap_phys(struct device *dev, dma_addr_t addr, size_t size,
		       enum dma_data_direction dir, const char *fn)
{
	struct nmm_io_dev *io = dev ? dev->io : NULL;
	struct nmm_dma_buf *b = NULL;

	if (io) {
		pthread_mutex_lock(&io->dma_lock);
		b = take_buf(io, 0, NULL, addr, size);
		if (b) {
			iommu_put(io, page_start(addr), page_end(addr, size));
			io->nr_streaming--;
		}
		pthread_mutex_unlock(&io->dma_lock);
	}
	if (!b) {
		nmm_io_err("%s: %s: [dma %#llx+%#zx] is not a live mapping", fn,
			   dev ? dev_name(dev) : "(null)", (unsigned long long)addr, size);
		return;
	}
	trace_dma_unmap_page(dev_name(dev), addr, size, dir);
	free(b);
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	unmap_phys(dev, addr, size, dir, "dma_unmap_single");
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	unmap_phys(dev, addr, size, dir, "dma_unmap_page");
}

void nmm_io_dma_teardown(struct nmm_io_dev *io)
{
	pthread_mutex_lock(&io->dma_lock);
	while (io->ranges) {
		struct nmm_iommu_range *r = io->ranges;

		io->ranges = r->next;
		io->ops->dma_unmap(io, r->start, r->end - r->start);
		free(r);
	}
	pthread_mutex_unlock(&io->dma_lock);
}
