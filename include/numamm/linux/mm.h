/* linux/mm.h - pages and addresses: pfn_to_page, page_to_pfn, page_address, __pa, __va.
 *
 * numamm's linear map is the kernel's direct map: one reserved virtual range where the byte at
 * physical address P lives at nmm_linear_base + P, for every lowmem page of every node. Holes
 * and highmem stay unmapped (PROT_NONE), so a stray access faults. The memory map is classic
 * SPARSEMEM: a table of 128 MiB sections, each pointing at its struct page array encoded as
 * (mem_map - section_start_pfn), so pfn_to_page is a load and an add, and page_to_pfn reads the
 * section number from page->flags. All of these are O(1) and free of branches that matter.
 */
#ifndef NUMAMM_LINUX_MM_H
#define NUMAMM_LINUX_MM_H

#include "../ktypes.h"
#include "compiler.h"
#include "mm_types.h"
#include "mmzone.h"
#include "page-flags.h"
#include "pfn.h"

extern uintptr_t nmm_linear_base;      /* virtual address of physical 0 in the linear map */
extern uintptr_t *nmm_section_map;     /* per section: (uintptr_t)(mem_map - start_pfn); 0 = none */
extern unsigned long nmm_nr_sections;  /* entries in nmm_section_map */
/* per section: bit b set = its pfns [b * MAX_ORDER_NR_PAGES, (b + 1) * MAX_ORDER_NR_PAGES) have
 * struct pages (the kernel's subsections: lib/boot/memmap.c) */
extern uint32_t *nmm_section_blocks;
extern unsigned long max_pfn;          /* highest pfn + 1 of any node's memory */
extern phys_addr_t nmm_lowmem_limit;   /* physical addresses at or above are highmem */
extern void *high_memory;              /* __va(nmm_lowmem_limit) */

#define __va(x) ((void *)(nmm_linear_base + (uintptr_t)(x)))
#define __pa(x) ((phys_addr_t)((uintptr_t)(x) - nmm_linear_base))

static inline void *phys_to_virt(phys_addr_t p) { return __va(p); }
static inline phys_addr_t virt_to_phys(const volatile void *v) { return __pa(v); }

static inline unsigned long nmm_pfn_section(unsigned long pfn) { return pfn >> PFN_SECTION_SHIFT; }

static inline bool pfn_valid(unsigned long pfn)
{
	unsigned long sec = nmm_pfn_section(pfn);
	return sec < nmm_nr_sections &&
	       ((__atomic_load_n(&nmm_section_blocks[sec], __ATOMIC_ACQUIRE) >>
		 ((pfn >> MAX_ORDER) & (PAGES_PER_SECTION / MAX_ORDER_NR_PAGES - 1))) & 1);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return (struct page *)(nmm_section_map[nmm_pfn_section(pfn)] + pfn * sizeof(struct page));
}

static inline unsigned long page_to_section(const struct page *page)
{
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> NMM_SECTIONS_PGSHIFT) & NMM_SECTIONS_MASK;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return ((uintptr_t)page - nmm_section_map[page_to_section(page)]) / sizeof(struct page);
}

static inline int page_to_nid(const struct page *page)
{
	return (int)((__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> NMM_NODES_PGSHIFT) & NMM_NODES_MASK);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> NMM_ZONES_PGSHIFT) & NMM_ZONES_MASK);
}

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

static inline pg_data_t *page_pgdat(const struct page *page) { return NODE_DATA(page_to_nid(page)); }
static inline bool PageHighMem(const struct page *page) { return page_zonenum(page) == ZONE_HIGHMEM; }

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page_to_pfn(page) << PAGE_SHIFT;
}
#define phys_to_page(p) pfn_to_page((unsigned long)((p) >> PAGE_SHIFT))

/* page_address - the page's kernel virtual address: linear map for lowmem, the kmap address
 * for a mapped highmem page, NULL for an unmapped highmem page. */
static inline void *page_address(const struct page *page) { return page->virtual; }
static inline void *lowmem_page_address(const struct page *page) { return __va(page_to_phys(page)); }

/* virt_addr_valid - is @v a linear-map address backed by a struct page? */
static inline bool virt_addr_valid(const void *v)
{
	uintptr_t a = (uintptr_t)v;
	return a >= nmm_linear_base && __pa(v) < nmm_lowmem_limit && pfn_valid(__pa(v) >> PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *v) { return pfn_to_page(__pa(v) >> PAGE_SHIFT); }
#define virt_to_pfn(v) ((unsigned long)(__pa(v) >> PAGE_SHIFT))

static inline void set_page_node_zone_section(struct page *page, int nid, enum zone_type zone,
					      unsigned long section)
{
	page->flags &= NMM_PAGEFLAGS_MASK;
	page->flags |= ((unsigned long)nid & NMM_NODES_MASK) << NMM_NODES_PGSHIFT |
		       ((unsigned long)zone & NMM_ZONES_MASK) << NMM_ZONES_PGSHIFT |
		       (section & NMM_SECTIONS_MASK) << NMM_SECTIONS_PGSHIFT;
}

/* Reference counts, as <linux/page_ref.h>. */
static inline int page_ref_count(const struct page *p)
{
	return __atomic_load_n(&p->_refcount.counter, __ATOMIC_RELAXED);
}
static inline void set_page_count(struct page *p, int v)
{
	__atomic_store_n(&p->_refcount.counter, v, __ATOMIC_RELAXED);
}
static inline void page_ref_inc(struct page *p)
{
	__atomic_fetch_add(&p->_refcount.counter, 1, __ATOMIC_RELAXED);
}
static inline int page_ref_dec_and_test(struct page *p)
{
	return __atomic_sub_fetch(&p->_refcount.counter, 1, __ATOMIC_ACQ_REL) == 0;
}
static inline void init_page_count(struct page *p) { set_page_count(p, 1); }

#endif
