/* lib/io/ioremap.c - ioremap and iounmap (arch/x86/mm/ioremap.c's contract): find the BAR of
 * an open device that holds a bus address, refuse ranges outside it or across its end, and map
 * that page-aligned part of the BAR through the device's backend. Each mapping is remembered
 * (the kernel keeps a vm_struct of type ioremap), so iounmap knows a bad or repeated address and
 * nmm_pci_close() knows a device is still mapped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/io.h>
#include <numamm/linux/mm.h>

#include "io.h"
#include "../trace/io_events.h"

struct nmm_ioremap {
	void *base;                     /* mmap()ed, page aligned */
	size_t len;
	void __iomem *addr;             /* what ioremap() returned */
	phys_addr_t phys;
	size_t size;
	int wc;
	struct nmm_io_dev *io;
	struct nmm_ioremap *next;
};

static struct nmm_ioremap *ioremaps;     /* under nmm_io_lock */

int nmm_io_live_ioremaps(const struct nmm_io_dev *io)
{
	int n = 0;

	for (struct nmm_ioremap *m = ioremaps; m; m = m->next)
		n += m->io == io;
	return n;
}

/* The open device and BAR holding bus address @phys; Return: the device, or NULL. */
static struct nmm_io_dev *find_bar(phys_addr_t phys, int *bar)
{
	for (struct nmm_io_dev *io = nmm_io_devices; io; io = io->next)
		for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
			const struct resource *r = &io->pdev->resource[i];

			if (r->end && phys >= r->start && phys <= r->end) {
				*bar = i;
				return io;
			}
		}
	return NULL;
}

static void __iomem *__ioremap(phys_addr_t phys, size_t size, int wc, const char *fn)
{
	struct nmm_io_dev *io;
	struct nmm_ioremap *m;
	u64 off, pgoff, len;
	void *base;
	int bar;

	if (!size || phys + size - 1 < phys) {
		nmm_io_err("%s: [mem %#010llx+%#zx]: empty or wrapping range", fn,
			   (unsigned long long)phys, size);
		return NULL;
	}
	pthread_mutex_lock(&nmm_io_lock);
	io = find_bar(phys, &bar);
	if (!io) {
		pthread_mutex_unlock(&nmm_io_lock);
		nmm_io_err("%s: [mem %#010llx-%#010llx] is not in any BAR of an open PCI device", fn,
			   (unsigned long long)phys, (unsigned long long)(phys + size - 1));
		return NULL;
	}
	if (phys + size - 1 > io->pdev->resource[bar].end) {
		pthread_mutex_unlock(&nmm_io_lock);
		nmm_io_err("%s: [mem %#010llx-%#010llx] crosses the end of %s BAR %d [mem %#010llx-%#010llx]",
			   fn, (unsigned long long)phys, (unsigned long long)(phys + size - 1),
			   pci_name(io->pdev), bar, (unsigned long long)io->pdev->resource[bar].start,
			   (unsigned long long)io->pdev->resource[bar].end);
		return NULL;
	}
	if (!(io->pdev->resource[bar].flags & IORESOURCE_MEM)) {
		pthread_mutex_unlock(&nmm_io_lock);
		nmm_io_err("%s: %s BAR %d is an I/O port BAR: it cannot be mapped", fn,
			   pci_name(io->pdev), bar);
		return NULL;
	}
	off = phys - io->pdev->resource[bar].start;
	pgoff = off & ~(u64)(PAGE_SIZE - 1);
	len = ((off + size + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1)) - pgoff;
	m = calloc(1, sizeof(*m));
	base = m ? io->ops->map_bar(io, bar, pgoff, len, wc) : MAP_FAILED;
	if (base == MAP_FAILED) {
		int e = m ? errno : ENOMEM;

		pthread_mutex_unlock(&nmm_io_lock);
		free(m);
		nmm_io_err("%s: %s BAR %d: mapping %#llx bytes at offset %#llx failed: %s", fn,
			   pci_name(io->pdev), bar, (unsigned long long)len, (unsigned long long)pgoff,
			   strerror(e));
		trace_ioremap(phys, size, NULL, wc);
		return NULL;
	}
	m->base = base;
	m->len = len;
	m->addr = (char *)base + (off - pgoff);
	m->phys = phys;
	m->size = size;
	m->wc = wc;
	m->io = io;
	m->next = ioremaps;
	ioremaps = m;
	pthread_mutex_unlock(&nmm_io_lock);
	trace_ioremap(phys, size, m->addr, wc);
	return m->addr;
}

void __iomem *ioremap(phys_addr_t phys, size_t size) { return __ioremap(phys, size, 0, "ioremap"); }
void __iomem *ioremap_uc(phys_addr_t phys, size_t size) { return __ioremap(phys, size, 0, "ioremap_uc"); }
void __iomem *ioremap_wc(phys_addr_t phys, size_t size) { return __ioremap(phys, size, 1, "ioremap_wc"); }

void iounmap(volatile void __iomem *addr)
{
	struct nmm_ioremap **p, *m;
	uintptr_t a = (uintptr_t)addr;

	pthread_mutex_lock(&nmm_io_lock);
	for (p = &ioremaps; (m = *p); p = &m->next)
		if (a >= (uintptr_t)m->base && a < (uintptr_t)m->base + m->len)
			break;
	if (!m) {
		pthread_mutex_unlock(&nmm_io_lock);
		nmm_io_err("iounmap: bad address %p (not mapped by ioremap, or unmapped already)",
			   (const void *)addr);
		return;
	}
	*p = m->next;
	pthread_mutex_unlock(&nmm_io_lock);
	munmap(m->base, m->len);
	trace_iounmap(m->addr, m->phys, m->size);
	free(m);
}
