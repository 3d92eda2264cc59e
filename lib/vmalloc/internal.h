/* lib/vmalloc/internal.h - the vmalloc layer's internals, shared by its files.
 *
 * DOC: vmalloc overview (mm/vmalloc.c, split by concept)
 *   vmap_area.c  the vmalloc range: one PROT_NONE reservation; every byte of it belongs to
 *                exactly one struct vmap_area, FREE, BUSY or LAZY, chained in address order;
 *                free areas also sit on a size-class list (power-of-two buckets, LIFO) for
 *                allocation. vfree() makes an area LAZY; a purge unmaps runs of adjacent lazy
 *                areas with one mmap(PROT_NONE) each, frees their pages and merges them back.
 *   pool.c       where an order-0 page lives in a file (memfd, offset), and the vmalloc pools
 *                of nodes whose memory cannot be mapped at 4 KiB (THP, hugetlb).
 *   vmalloc.c    the kernel-named API: vmalloc family, vmap/vunmap, vfree, vmalloc_to_page,
 *                remap_vmalloc_range.
 * The "page table": nmm_vm_ptes[(addr - VMALLOC_START) >> PAGE_SHIFT] holds the page mapped at
 * addr (written by the area's owner while it maps, cleared by the purge), and for an area's
 * first page the area itself (written under vmap_area_lock). It is a MAP_NORESERVE array, so
 * only the parts in use cost memory.
 *
 * Invariants (nmm_vmap_area_is_valid checks them): the areas tile [VMALLOC_START, VMALLOC_END)
 * without gaps; no two FREE areas are adjacent; every FREE area is on the bucket of its size;
 * sum of LAZY pages == vmap_lazy_nr.
 * Lock order: purge_lock, then vmap_area_lock, then a pool's lock; the page allocator's locks
 * are taken under none of them except a pool's.
 */
#ifndef NUMAMM_LIB_VMALLOC_INTERNAL_H
#define NUMAMM_LIB_VMALLOC_INTERNAL_H

#include <stdio.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/list.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/vmalloc.h>

#define NMM_VMALLOC_DEFAULT_SIZE (32ULL << 30)
#define VM_HUGE_ORDER 9                          /* 2 MiB: hugetlb and pool block order */
#define VM_HUGE_SIZE (PAGE_SIZE << VM_HUGE_ORDER)

enum vmap_area_state { VA_FREE, VA_BUSY, VA_LAZY };

struct vmap_area {
	uintptr_t va_start, va_end;     /* [start, end), guard page included */
	struct vmap_area *prev, *next;  /* neighbours in address order */
	struct list_head list;          /* FREE: its bucket; LAZY: the purge list */
	unsigned long flags;            /* VM_* (vm_struct's flags) */
	const void *caller;
	unsigned int nr_pages;          /* pages mapped (vm_struct's nr_pages for VM_ALLOC) */
	unsigned char state;            /* enum vmap_area_state */
	bool huge;                      /* mapped with 2 MiB pages of order-9 blocks */
	int node;                       /* preferred node asked for */
	struct vmap_area *purge_next;   /* purge: sorted chain */
};

struct nmm_vm_pte {
	struct page *page;              /* page mapped at this address, NULL when none */
	struct vmap_area *va;           /* the area starting here (busy only) */
};

extern struct nmm_vm_pte *nmm_vm_ptes;

static inline struct nmm_vm_pte *vm_pte(uintptr_t addr)
{
	return &nmm_vm_ptes[(addr - nmm_vmalloc_start) >> PAGE_SHIFT];
}

/* vmap_area.c */
int nmm_vmap_area_init(uint64_t size, char *err, size_t errlen);
void nmm_vmap_area_release(void);
/* alloc_vmap_area - a BUSY area of @size bytes (guard included) aligned to @align; purges and
 * retries once when the range is full. Return: the area, or NULL (reported unless @nowarn). */
struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align, unsigned long flags,
				  const void *caller, int node, bool nowarn);
/* publish_vmap_area - clear VM_UNINITIALIZED: the area is complete and reportable. */
void publish_vmap_area(struct vmap_area *va);
/* free_vmap_area_now - give back an area that was never published (its mappings are gone). */
void free_vmap_area_now(struct vmap_area *va);
/* free_vmap_area_noflush - queue a BUSY area for the lazy purge (@vunmap_only: keep its pages);
 * *@size gets its size, guard included.
 * Return: 0, -EINVAL when @addr is not the start of a BUSY area (nothing touched). */
int free_vmap_area_noflush(uintptr_t addr, bool vunmap_only, unsigned long *size);
/* purge_vmap_area_lazy - unmap and free every LAZY area. @wait: block for a running purge. */
void purge_vmap_area_lazy(bool wait);
bool nmm_vmap_area_is_valid(FILE *why);
/* vmallocinfo: call @fn for each busy, published area and each lazy one, under the lock. */
void nmm_vmap_area_walk(void (*fn)(const struct vmap_area *va, void *arg), void *arg);
void nmm_vmap_area_stats(struct nmm_vmalloc_stats *st);
/* vm_unmap_range - PROT_NONE over [start, end): drops whatever was mapped, keeps the range. */
void vm_unmap_range(uintptr_t start, uintptr_t end);

/* pool.c */
struct vm_file_ref {
	int fd;
	uint64_t off;
	int phys_node;
	bool hugetlb;
};
/* vm_page_file - where @page's bytes are: a memfd and offset that may be mapped at 4 KiB.
 * Return: 0, or -EINVAL for a page of a THP or hugetlb node that is not a pool page. */
int vm_page_file(const struct page *page, struct vm_file_ref *ref);
/* vm_huge_file - where an order-9 block of a hugetlb node is. Return: 0, -EINVAL. */
int vm_huge_file(const struct page *page, struct vm_file_ref *ref);
/* vm_alloc_run - up to @want contiguous order-0 pages of node @nid, mappable at 4 KiB, in
 * zones allowed by @gfp. Return: how many (*@first is the first), 0 when the node has none. */
unsigned int vm_alloc_run(int nid, gfp_t gfp, unsigned int want, struct page **first);
/* vm_free_page - give back one page vm_alloc_run() handed out. */
void vm_free_page(struct page *page);
bool vm_node_is_hugetlb(int nid);
int nmm_vm_pool_init(char *err, size_t errlen);
void nmm_vm_pool_release(void);
void nmm_vm_pool_stats(unsigned long *pages, unsigned long *free);

/* vmalloc.c: boot and shutdown (lib/boot/boot.c). */
int nmm_vmalloc_init(uint64_t size, char *err, size_t errlen);
void nmm_vmalloc_release(void);

#endif
