/* linux/page-flags.h - struct page flag bits and their test/set/clear helpers.
 *
 * page->flags layout (64 bits), like the kernel's SPARSEMEM layout:
 *   | node (10) | zone (2) | section (20) | ... | page flags (bits 0..NR_PAGEFLAGS-1) |
 * so page_to_nid(), page_zonenum() and page_to_pfn() need no other memory than the page.
 */
#ifndef NUMAMM_LINUX_PAGE_FLAGS_H
#define NUMAMM_LINUX_PAGE_FLAGS_H

#include "mm_types.h"

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_slab,
	PG_reserved,      /* memblock-reserved or hole: never given to the buddy allocator */
	PG_private,
	PG_writeback,
	PG_head,          /* first page of a compound (high-order) allocation */
	PG_tail,          /* other pages of a compound allocation */
	PG_buddy,         /* free, on a buddy free list; order in page->private */
	PG_pcp,           /* free, on a per-CPU page list */
	PG_guard,         /* debug_guardpage */
	PG_highmem_mapped,/* a highmem page with page->virtual set by kmap */
	NR_PAGEFLAGS,
};

#define NMM_PAGEFLAGS_MASK ((1UL << NR_PAGEFLAGS) - 1)

#define NMM_PAGEFLAG(uname, lname)                                                         \
	static inline int Page##uname(const struct page *p)                                \
	{ return (__atomic_load_n(&p->flags, __ATOMIC_RELAXED) >> PG_##lname) & 1; }       \
	static inline void SetPage##uname(struct page *p)                                  \
	{ __atomic_fetch_or(&p->flags, 1UL << PG_##lname, __ATOMIC_RELAXED); }            \
	static inline void ClearPage##uname(struct page *p)                                \
	{ __atomic_fetch_and(&p->flags, ~(1UL << PG_##lname), __ATOMIC_RELAXED); }        \
	static inline void __SetPage##uname(struct page *p)                                \
	{ __atomic_store_n(&p->flags, p->flags | (1UL << PG_##lname), __ATOMIC_RELAXED); } \
	static inline void __ClearPage##uname(struct page *p)                              \
	{ __atomic_store_n(&p->flags, p->flags & ~(1UL << PG_##lname), __ATOMIC_RELAXED); } \
	static inline int TestSetPage##uname(struct page *p)                               \
	{ return (__atomic_fetch_or(&p->flags, 1UL << PG_##lname, __ATOMIC_ACQ_REL) >> PG_##lname) & 1; } \
	static inline int TestClearPage##uname(struct page *p)                             \
	{ return (__atomic_fetch_and(&p->flags, ~(1UL << PG_##lname), __ATOMIC_ACQ_REL) >> PG_##lname) & 1; }

NMM_PAGEFLAG(Locked, locked)
NMM_PAGEFLAG(Referenced, referenced)
NMM_PAGEFLAG(Uptodate, uptodate)
NMM_PAGEFLAG(Dirty, dirty)
NMM_PAGEFLAG(LRU, lru)
NMM_PAGEFLAG(Active, active)
NMM_PAGEFLAG(Slab, slab)
NMM_PAGEFLAG(Reserved, reserved)
NMM_PAGEFLAG(Private, private)
NMM_PAGEFLAG(Writeback, writeback)
NMM_PAGEFLAG(Head, head)
NMM_PAGEFLAG(Tail, tail)
NMM_PAGEFLAG(Buddy, buddy)
NMM_PAGEFLAG(Pcp, pcp)
NMM_PAGEFLAG(Guard, guard)
NMM_PAGEFLAG(HighMemMapped, highmem_mapped)

/* Bits 16..18: the migratetype an allocated page was asked for, so the free fast path picks its
 * pcp list without looking up the pageblock (the buddy looks the pageblock up when it merges). */
#define NMM_ALLOC_MT_PGSHIFT 16
#define NMM_ALLOC_MT_MASK (0x7UL << NMM_ALLOC_MT_PGSHIFT)

/* Bits 24..27: order + 1 of a block while it is allocated (0 when free or never allocated), so
 * a free with the wrong order or of a page that is not allocated is caught and reported. */
#define NMM_ALLOC_ORDER_PGSHIFT 24
#define NMM_ALLOC_ORDER_MASK (0xfUL << NMM_ALLOC_ORDER_PGSHIFT)

static inline unsigned int nmm_page_alloc_order1(const struct page *p)
{
	return (unsigned int)((p->flags & NMM_ALLOC_ORDER_MASK) >> NMM_ALLOC_ORDER_PGSHIFT);
}

static inline void nmm_set_page_alloc_order1(struct page *p, unsigned int order1)
{
	/* Relaxed atomic stores: a neighbour's free reads our flags (PageBuddy) without our lock;
	 * the kernel tolerates that race, TSan needs it spelled out. Non-__ non-RMW: no cost. */
	__atomic_store_n(&p->flags, (p->flags & ~NMM_ALLOC_ORDER_MASK) | ((unsigned long)order1 << NMM_ALLOC_ORDER_PGSHIFT),
			 __ATOMIC_RELAXED);
}

/* Where node, zone and section live in page->flags. */
#define NMM_SECTIONS_WIDTH 20
#define NMM_ZONES_WIDTH 2
#define NMM_NODES_WIDTH 10
#define NMM_NODES_PGSHIFT (64 - NMM_NODES_WIDTH)
#define NMM_ZONES_PGSHIFT (NMM_NODES_PGSHIFT - NMM_ZONES_WIDTH)
#define NMM_SECTIONS_PGSHIFT (NMM_ZONES_PGSHIFT - NMM_SECTIONS_WIDTH)
#define NMM_NODES_MASK ((1UL << NMM_NODES_WIDTH) - 1)
#define NMM_ZONES_MASK ((1UL << NMM_ZONES_WIDTH) - 1)
#define NMM_SECTIONS_MASK ((1UL << NMM_SECTIONS_WIDTH) - 1)

_Static_assert(NMM_SECTIONS_PGSHIFT >= NMM_ALLOC_ORDER_PGSHIFT + 4, "alloc order overlaps the section field");
_Static_assert(NMM_ALLOC_MT_PGSHIFT >= NR_PAGEFLAGS, "page flags overlap the alloc migratetype field");
_Static_assert(NMM_ALLOC_ORDER_PGSHIFT >= NMM_ALLOC_MT_PGSHIFT + 3, "alloc fields overlap");

#endif
