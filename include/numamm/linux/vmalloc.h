/* linux/vmalloc.h - virtually contiguous memory: vmalloc, vmap and friends (include/linux/vmalloc.h,
 * mm/vmalloc.c of Linux 6.1).
 *
 * An area is order-0 pages from the page allocator, on any node, mapped back to back in numamm's
 * vmalloc range (one PROT_NONE reservation made at boot, `vmalloc=SIZE`, default 32 GiB) with a
 * guard page after it. Each page is mapped by mapping its offset in a memory file at its place
 * (MAP_FIXED | MAP_SHARED), so the page is the same physical page through the linear map
 * (page_address) and through the vmalloc address. Pages of nodes whose memory cannot be mapped
 * twice (anonymous THP) or only in 2 MiB pieces (hugetlb) come from the node's vmalloc pool: 2 MiB
 * blocks taken from the page allocator on that node whose linear map is re-backed by a 4 KiB
 * shmem file (lib/vmalloc/pool.c). vmalloc_huge() maps 2 MiB pages of hugetlb nodes directly.
 *
 * vfree() and vunmap() are lazy as the kernel's: the area keeps its mapping (and a vmalloc area
 * its pages) on a purge list until lazy_max_pages are waiting, then one mmap(PROT_NONE) per run
 * of adjacent areas unmaps them together; only then are the pages freed and the addresses handed
 * out again. vm_unmap_aliases() purges now.
 */
#ifndef NUMAMM_LINUX_VMALLOC_H
#define NUMAMM_LINUX_VMALLOC_H

#include <sys/mman.h>

#include "../ktypes.h"
#include "compiler.h"
#include "mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* vm_struct flags, with 6.1's values. */
#define VM_IOREMAP           0x00000001
#define VM_ALLOC             0x00000002   /* vmalloc(): pages are the area's own */
#define VM_MAP               0x00000004   /* vmap(): pages are the caller's */
#define VM_USERMAP           0x00000008   /* may be mapped to user space (remap_vmalloc_range) */
#define VM_DMA_COHERENT      0x00000010
#define VM_UNINITIALIZED     0x00000020   /* being set up: not shown by vmallocinfo yet */
#define VM_NO_GUARD          0x00000040   /* no guard page after the area */
#define VM_MAP_PUT_PAGES     0x00000200   /* vmap(): vfree() frees the pages */
#define VM_ALLOW_HUGE_VMAP   0x00000400   /* may be mapped with 2 MiB pages */

/* Protections for vmap(): the kernel's pgprot_t, carrying PROT_* bits. */
typedef struct { unsigned long pgprot; } pgprot_t;
#define __pgprot(x) ((pgprot_t){ (x) })
#define pgprot_val(x) ((x).pgprot)
#define PAGE_KERNEL       __pgprot(PROT_READ | PROT_WRITE)
#define PAGE_KERNEL_RO    __pgprot(PROT_READ)
#define PAGE_KERNEL_EXEC  __pgprot(PROT_READ | PROT_WRITE | PROT_EXEC)

/* A user mapping, as remap_vmalloc_range() sees it: [vm_start, vm_end) is an address range the
 * caller owns (e.g. an mmap(PROT_NONE) reservation); vm_pgoff is ignored, as the kernel's. */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_pgoff;
	unsigned long vm_flags;
};

/* The vmalloc range: [nmm_vmalloc_start, nmm_vmalloc_end), both 0 before boot. */
extern uintptr_t nmm_vmalloc_start, nmm_vmalloc_end;
#define VMALLOC_START nmm_vmalloc_start
#define VMALLOC_END nmm_vmalloc_end

/**
 * is_vmalloc_addr - is @x inside the vmalloc range?
 * @x: any address
 *
 * True for every address of the range, mapped or not, as in the kernel.
 * Context: any.
 */
static inline bool is_vmalloc_addr(const void *x)
{
	return (uintptr_t)x - nmm_vmalloc_start < nmm_vmalloc_end - nmm_vmalloc_start;
}

/**
 * vmalloc - allocate virtually contiguous memory.
 * @size: bytes; rounded up to whole pages
 *
 * Pages come from the page allocator (GFP_KERNEL | __GFP_HIGHMEM), preferring the calling CPU's
 * node and falling back to the others by distance. The area is followed by a guard page.
 * Context: may sleep.
 * Return: the address, or NULL (size 0, address space or memory exhausted; reported).
 */
void *vmalloc(unsigned long size);
/* vzalloc - vmalloc(), zeroed. */
void *vzalloc(unsigned long size);
/* vmalloc_node - vmalloc() preferring pages of node @node (NUMA_NO_NODE: local). */
void *vmalloc_node(unsigned long size, int node);
/* vzalloc_node - vmalloc_node(), zeroed. */
void *vzalloc_node(unsigned long size, int node);
/* vmalloc_user - zeroed memory that may be mapped to user space (VM_USERMAP). */
void *vmalloc_user(unsigned long size);
/* vmalloc_32 - vmalloc() with every page below 4 GiB (GFP_DMA32). */
void *vmalloc_32(unsigned long size);
/* vmalloc_32_user - vmalloc_32(), zeroed and VM_USERMAP. */
void *vmalloc_32_user(unsigned long size);
/**
 * vmalloc_huge - vmalloc() that may map 2 MiB pages.
 * @size: bytes
 * @gfp_mask: GFP flags of the page allocations
 *
 * On a hugetlb-backed node an area of 2 MiB or more is made of order-9 pages mapped 2 MiB at a
 * time (the size is rounded up to 2 MiB, the address 2 MiB aligned). Elsewhere, or when no
 * order-9 block is free, it is an ordinary vmalloc().
 * Context: may sleep.
 * Return: the address, or NULL.
 */
void *vmalloc_huge(unsigned long size, gfp_t gfp_mask);
/* __vmalloc - vmalloc() with the page allocator's flags @gfp_mask (__GFP_ZERO zeroes). */
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
/**
 * __vmalloc_node - the general form.
 * @size: bytes
 * @align: alignment of the address (a power of two, at least PAGE_SIZE is used)
 * @gfp_mask: page allocator flags; __GFP_THISNODE keeps every page on @node
 * @node: preferred node, or NUMA_NO_NODE
 * @caller: shown by vmallocinfo
 *
 * Context: may sleep.
 * Return: the address, or NULL.
 */
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask, int node,
		     const void *caller);
/* __vmalloc_node_range - __vmalloc_node() with protection @prot and vm_struct flags @vm_flags
 * (VM_USERMAP, VM_ALLOW_HUGE_VMAP, VM_NO_GUARD). @start/@end must be VMALLOC_START/VMALLOC_END. */
void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp_mask, pgprot_t prot, unsigned long vm_flags,
			   int node, const void *caller);

/**
 * vfree - release memory allocated by vmalloc() (or unmap a vmap() area).
 * @addr: the address vmalloc() returned, or NULL (nothing happens)
 *
 * The area is unmapped lazily (see the top of this file); its pages go back to the page
 * allocator when it is purged. An address that is not the start of a live area is reported
 * ("Trying to vfree() nonexistent vm area") and nothing is touched.
 * Context: may sleep (a purge).
 */
void vfree(const void *addr);

/**
 * vmap - map an array of pages into a virtually contiguous range.
 * @pages: the pages; each must be mappable twice (a page of a shmem-backed node, or a vmalloc
 *         pool page) — a page of an anonymous-THP or hugetlb node is refused
 * @count: number of pages
 * @flags: VM_* flags (VM_MAP is added; VM_MAP_PUT_PAGES makes vfree() free the pages)
 * @prot: PAGE_KERNEL, PAGE_KERNEL_RO, ...
 *
 * Context: may sleep.
 * Return: the address, or NULL (reported).
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
/* vunmap - release a vmap() area (lazily, as vfree()); the pages stay the caller's. */
void vunmap(const void *addr);

/**
 * vmalloc_to_page - the page mapped at a vmalloc address.
 * @addr: any address inside a live vmalloc or vmap area
 *
 * Context: any.
 * Return: the page, or NULL when nothing is mapped at @addr.
 */
struct page *vmalloc_to_page(const void *addr);
/* vmalloc_to_pfn - page_to_pfn(vmalloc_to_page(@addr)), 0 when nothing is mapped there. */
unsigned long vmalloc_to_pfn(const void *addr);

/**
 * remap_vmalloc_range - map a VM_USERMAP area at a second ("user") address.
 * @vma: the user range: [vm_start, vm_end) must be reserved by the caller and page aligned
 * @addr: the start of a vmalloc_user() / vmalloc_32_user() area
 * @pgoff: first page of the area to map
 *
 * The pages are mapped with MAP_FIXED | MAP_SHARED over @vma's range, so writes through either
 * address are seen through the other. The caller must unmap (munmap) the range before vfree():
 * the area's pages are freed when the area is purged, as the kernel frees them when the last
 * user mapping goes.
 * Context: may sleep.
 * Return: 0; -EINVAL for an address that is not a VM_USERMAP area or a range that does not fit.
 */
int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff);

/**
 * nmm_vmalloc_user_mmap - map a whole vmalloc_user() area at a new address (the user's view).
 * @addr: the start of a VM_USERMAP area
 *
 * Context: may sleep.
 * Return: the new mapping (munmap(it, the area's size) to drop it), or NULL.
 */
void *nmm_vmalloc_user_mmap(const void *addr);

/* vm_unmap_aliases - purge every lazily freed area now (unmap, free pages, reuse addresses). */
void vm_unmap_aliases(void);

/* What the vmalloc layer holds, for tests and numamm's own reports. */
struct nmm_vmalloc_stats {
	unsigned long reserved_bytes;     /* size of the vmalloc range */
	unsigned long high_water_bytes;   /* highest end of any area handed out, from VMALLOC_START */
	unsigned long busy_areas, busy_pages;
	unsigned long lazy_areas, lazy_pages, lazy_max_pages;
	unsigned long purges;             /* purges so far */
	unsigned long purge_unmaps;       /* mmap(PROT_NONE) calls made by purges */
	unsigned long pool_pages;         /* pages in the vmalloc pools (THP / hugetlb nodes) */
	unsigned long pool_free_pages;    /* of which free */
};

/* nmm_vmalloc_stats - fill @st. Return: 0, or -ENODEV before boot. */
int nmm_vmalloc_stats(struct nmm_vmalloc_stats *st);

/**
 * nmm_vmalloc_pool_shrink - give every wholly free vmalloc pool block back to the page
 * allocator (its linear map backed as the node's memory again).
 *
 * Context: may sleep.
 * Return: the number of pages given back.
 */
unsigned long nmm_vmalloc_pool_shrink(void);

#ifdef __cplusplus
}
#endif
#endif
