/* linux/highmem.h - temporary kernel mappings of highmem pages: kmap, kmap_local, kmap_atomic.
 *
 * Follows include/linux/highmem.h and highmem-internal.h. With a lowmem limit set at boot
 * (lowmem= or highmem=), pages above it are ZONE_HIGHMEM: they are not in the linear map and
 * page_address() is NULL for them until they are mapped. For lowmem pages every function here
 * is the linear map and costs one flag test.
 *
 *   kmap()/kunmap()            the pkmap window: nmm_pkmap_slots() slots (LAST_PKMAP by default,
 *                              NUMAMM_LAST_PKMAP=N overrides), shared by all threads, counted
 *                              per page; page_address() is set while the page is kmapped. When
 *                              every slot is in use, kmap() sleeps until a kunmap(), as the
 *                              kernel's does. Slots whose count drops to zero keep their mapping
 *                              and are remapped lazily when a new page needs one.
 *   kmap_local_page()/kunmap_local()
 *   kmap_atomic()/kunmap_atomic()
 *                              per-thread stack of KM_MAX_IDX slots; never sleeps; must be
 *                              released in reverse order (out-of-order release is reported).
 *
 * Hugetlb-backed nodes can only be mapped 2 MiB at a time, so there a slot maps the whole
 * hugepage holding the page (slots are 2 MiB apart) and the address returned points inside it.
 * Two kmaps of pages of the same hugepage share one pkmap slot. See lib/highmem/pkmap.c.
 */
#ifndef NUMAMM_LINUX_HIGHMEM_H
#define NUMAMM_LINUX_HIGHMEM_H

#include <string.h>

#include "compiler.h"
#include "mm.h"

#define LAST_PKMAP 512    /* pkmap slots unless NUMAMM_LAST_PKMAP says otherwise */
#define KM_MAX_IDX 16     /* kmap_local/kmap_atomic nesting depth per thread */

/* lib/highmem/pkmap.c */
void *kmap_high(struct page *page);
void kunmap_high(struct page *page);
/* lib/highmem/kmap_local.c */
void *__kmap_local_high(struct page *page);
void __kunmap_local_high(const void *addr);
void nmm_highmem_bad_range(const char *fn, size_t offset, size_t len);
/* The calling thread's kmap_local window: [base, base + len), 0/0 before its first use. */
extern __thread uintptr_t nmm_kmap_local_base;
extern __thread size_t nmm_kmap_local_len;

/* nmm_kmap_local_addr - is @addr inside this thread's kmap_local window? */
static inline bool nmm_kmap_local_addr(const void *addr)
{
	return (uintptr_t)addr - nmm_kmap_local_base < nmm_kmap_local_len;
}

/**
 * kmap - map a page for long-term use by any thread.
 * @page: the page; lowmem or highmem
 *
 * A lowmem page is already mapped: its linear address is returned. A highmem page is mapped
 * into a pkmap slot (or the slot it already has gets one more user) and page_address(page)
 * returns that address until the last kunmap().
 * Context: may sleep until another thread calls kunmap() when every pkmap slot is in use.
 * Return: the page's virtual address, or NULL when the mapping cannot be made (reported).
 */
static inline void *kmap(struct page *page)
{
	if (likely(!PageHighMem(page)))
		return page_address(page);
	return kmap_high(page);
}

/**
 * kunmap - drop one kmap() of @page.
 * @page: the page given to kmap()
 *
 * Context: any; never sleeps.
 */
static inline void kunmap(struct page *page)
{
	if (unlikely(PageHighMem(page)))
		kunmap_high(page);
}

/**
 * kmap_local_page - map a page for use by the calling thread only.
 * @page: the page; lowmem or highmem
 *
 * Highmem pages take the next slot of the thread's stack of KM_MAX_IDX slots; release with
 * kunmap_local() in reverse order. The mapping is valid only in the calling thread.
 * Context: any; never sleeps.
 * Return: the address, or NULL when the thread already holds KM_MAX_IDX mappings (reported).
 */
static inline void *kmap_local_page(struct page *page)
{
	if (likely(!PageHighMem(page)))
		return page_address(page);
	return __kmap_local_high(page);
}

/**
 * kunmap_local - release the last kmap_local_page() of this thread.
 * @addr: any address inside the mapping kmap_local_page() returned
 *
 * Linear-map (lowmem) addresses are ignored, as in the kernel.
 * Context: any; never sleeps.
 */
static inline void kunmap_local(const void *addr)
{
	if (unlikely(nmm_kmap_local_addr(addr)))
		__kunmap_local_high(addr);
}

/**
 * kmap_atomic - kmap_local_page() for code that must not sleep while the mapping is held.
 * @page: the page
 *
 * The kernel also disables preemption and page faults; a user-space thread has neither to
 * disable, so this is kmap_local_page() under its old name.
 * Context: any; never sleeps.
 * Return: as kmap_local_page().
 */
static inline void *kmap_atomic(struct page *page) { return kmap_local_page(page); }

/**
 * kunmap_atomic - release a kmap_atomic() mapping.
 * @addr: the address kmap_atomic() returned
 *
 * Context: any; never sleeps.
 */
static inline void kunmap_atomic(const void *addr) { kunmap_local(addr); }

/**
 * nmm_pkmap_slots - the number of pkmap slots kmap() uses (LAST_PKMAP unless overridden).
 *
 * Context: any.
 * Return: the slot count of the current window, or of the next one when none exists yet.
 */
unsigned int nmm_pkmap_slots(void);

/**
 * nmm_kmap_local_depth - how many kmap_local/kmap_atomic slots this thread holds.
 *
 * A mapping released out of order keeps its slot until the mappings above it are released.
 * Context: any.
 * Return: 0..KM_MAX_IDX.
 */
int nmm_kmap_local_depth(void);

/**
 * nmm_highmem_release - drop every kmap, kmap_local and kmap_atomic mapping and the windows.
 *
 * Called by shutdown: the mappings hold the node memory files (and their hugepages) alive.
 * Every address kmap handed out becomes invalid.
 * Context: no thread may be inside a kmap function.
 */
void nmm_highmem_release(void);

/* The helpers below follow include/linux/highmem.h: each maps with kmap_local_page() for the
 * length of one copy. A range that crosses the end of the page is reported and not touched. */

static inline bool nmm_highmem_range_ok(const char *fn, size_t offset, size_t len)
{
	if (unlikely(offset > PAGE_SIZE || len > PAGE_SIZE - offset)) {
		nmm_highmem_bad_range(fn, offset, len);
		return false;
	}
	return true;
}

/**
 * clear_highpage - zero a whole page.
 * @page: the page
 *
 * Context: any; never sleeps.
 */
static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);
	if (!kaddr)
		return;
	memset(kaddr, 0, PAGE_SIZE);
	kunmap_local(kaddr);
}

/**
 * copy_highpage - copy the contents of one page to another.
 * @to: destination page
 * @from: source page
 *
 * Context: any; never sleeps.
 */
static inline void copy_highpage(struct page *to, struct page *from)
{
	char *vfrom = kmap_local_page(from);
	if (!vfrom)
		return;
	char *vto = kmap_local_page(to);
	if (vto) {
		memcpy(vto, vfrom, PAGE_SIZE);
		kunmap_local(vto);
	}
	kunmap_local(vfrom);
}

/**
 * memcpy_page - copy @len bytes between two pages.
 * @dst_page: destination page
 * @dst_off: offset in it
 * @src_page: source page
 * @src_off: offset in it
 * @len: bytes; neither range may cross its page's end
 *
 * Context: any; never sleeps.
 */
static inline void memcpy_page(struct page *dst_page, size_t dst_off, struct page *src_page,
			       size_t src_off, size_t len)
{
	if (!nmm_highmem_range_ok("memcpy_page", dst_off, len) ||
	    !nmm_highmem_range_ok("memcpy_page", src_off, len))
		return;
	char *dst = kmap_local_page(dst_page);
	if (!dst)
		return;
	char *src = kmap_local_page(src_page);
	if (src) {
		memmove(dst + dst_off, src + src_off, len);
		kunmap_local(src);
	}
	kunmap_local(dst);
}

/**
 * memset_page - fill @len bytes of a page at @offset with @val.
 * @page: the page
 * @offset: first byte
 * @val: byte value
 * @len: bytes; the range may not cross the page's end
 *
 * Context: any; never sleeps.
 */
static inline void memset_page(struct page *page, size_t offset, int val, size_t len)
{
	if (!nmm_highmem_range_ok("memset_page", offset, len))
		return;
	char *addr = kmap_local_page(page);
	if (!addr)
		return;
	memset(addr + offset, val, len);
	kunmap_local(addr);
}

/**
 * memcpy_from_page - copy bytes out of a page.
 * @to: destination buffer
 * @page: source page
 * @offset: offset in the page
 * @len: bytes; the range may not cross the page's end
 *
 * Context: any; never sleeps.
 */
static inline void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	if (!nmm_highmem_range_ok("memcpy_from_page", offset, len))
		return;
	char *from = kmap_local_page(page);
	if (!from)
		return;
	memcpy(to, from + offset, len);
	kunmap_local(from);
}

/**
 * memcpy_to_page - copy bytes into a page.
 * @page: destination page
 * @offset: offset in the page
 * @from: source buffer
 * @len: bytes; the range may not cross the page's end
 *
 * Context: any; never sleeps.
 */
static inline void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len)
{
	if (!nmm_highmem_range_ok("memcpy_to_page", offset, len))
		return;
	char *to = kmap_local_page(page);
	if (!to)
		return;
	memcpy(to + offset, from, len);
	kunmap_local(to);
}

/**
 * memzero_page - zero @len bytes of a page at @offset.
 * @page: the page
 * @offset: first byte
 * @len: bytes; the range may not cross the page's end
 *
 * Context: any; never sleeps.
 */
static inline void memzero_page(struct page *page, size_t offset, size_t len)
{
	memset_page(page, offset, 0, len);
}

/**
 * zero_user_segments - zero two byte ranges of a page, [@start1, @end1) and [@start2, @end2).
 * @page: the page
 * @start1: first byte of the first range
 * @end1: end of the first range
 * @start2: first byte of the second range
 * @end2: end of the second range
 *
 * Context: any; never sleeps.
 */
static inline void zero_user_segments(struct page *page, unsigned int start1, unsigned int end1,
				      unsigned int start2, unsigned int end2)
{
	if (end1 < start1 || end2 < start2 ||
	    !nmm_highmem_range_ok("zero_user_segments", start1, end1 - start1) ||
	    !nmm_highmem_range_ok("zero_user_segments", start2, end2 - start2))
		return;
	char *kaddr = kmap_local_page(page);
	if (!kaddr)
		return;
	memset(kaddr + start1, 0, end1 - start1);
	memset(kaddr + start2, 0, end2 - start2);
	kunmap_local(kaddr);
}

/**
 * zero_user_segment - zero [@start, @end) of a page.
 * @page: the page
 * @start: first byte
 * @end: end of the range
 *
 * Context: any; never sleeps.
 */
static inline void zero_user_segment(struct page *page, unsigned int start, unsigned int end)
{
	zero_user_segments(page, start, end, 0, 0);
}

/**
 * zero_user - zero @size bytes of a page from @start.
 * @page: the page
 * @start: first byte
 * @size: bytes
 *
 * Context: any; never sleeps.
 */
static inline void zero_user(struct page *page, unsigned int start, unsigned int size)
{
	zero_user_segments(page, start, start + size, 0, 0);
}

#endif
