/* linux/gfp.h - GFP flags and the page allocator's API, with Linux 6.1's names and values
 * (the kernel Debian 12 ships), so "mode:0xcc0(GFP_KERNEL)" means here what it means there.
 *
 * Zone modifiers pick the highest zone an allocation may use (gfp_zone()); the zonelist of the
 * preferred node is walked from that zone down. Reclaim modifiers say what the allocator may do
 * when memory is short: __GFP_KSWAPD_RECLAIM wakes the node's background reclaimer,
 * __GFP_DIRECT_RECLAIM lets the caller run the shrinkers itself (and sleep), __GFP_IO/__GFP_FS
 * tell shrinkers which work they may start. __GFP_HIGH and __GFP_ATOMIC dip below the min
 * watermark; __GFP_NOFAIL never returns NULL.
 */
#ifndef NUMAMM_LINUX_GFP_H
#define NUMAMM_LINUX_GFP_H

#include "../ktypes.h"
#include "mm.h"
#include "mmzone.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ___GFP_DMA            0x01u
#define ___GFP_HIGHMEM        0x02u
#define ___GFP_DMA32          0x04u
#define ___GFP_MOVABLE        0x08u
#define ___GFP_RECLAIMABLE    0x10u
#define ___GFP_HIGH           0x20u
#define ___GFP_IO             0x40u
#define ___GFP_FS             0x80u
#define ___GFP_ZERO           0x100u
#define ___GFP_ATOMIC         0x200u
#define ___GFP_DIRECT_RECLAIM 0x400u
#define ___GFP_KSWAPD_RECLAIM 0x800u
#define ___GFP_WRITE          0x1000u
#define ___GFP_NOWARN         0x2000u
#define ___GFP_RETRY_MAYFAIL  0x4000u
#define ___GFP_NOFAIL         0x8000u
#define ___GFP_NORETRY        0x10000u
#define ___GFP_MEMALLOC       0x20000u
#define ___GFP_COMP           0x40000u
#define ___GFP_NOMEMALLOC     0x80000u
#define ___GFP_HARDWALL       0x100000u
#define ___GFP_THISNODE       0x200000u
#define ___GFP_ACCOUNT        0x400000u

#define __GFP_DMA            ((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM        ((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32          ((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE        ((gfp_t)___GFP_MOVABLE)
#define GFP_ZONEMASK         (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define __GFP_RECLAIMABLE    ((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_WRITE          ((gfp_t)___GFP_WRITE)
#define __GFP_HARDWALL       ((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE       ((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT        ((gfp_t)___GFP_ACCOUNT)
#define __GFP_ATOMIC         ((gfp_t)___GFP_ATOMIC)
#define __GFP_HIGH           ((gfp_t)___GFP_HIGH)
#define __GFP_MEMALLOC       ((gfp_t)___GFP_MEMALLOC)
#define __GFP_NOMEMALLOC     ((gfp_t)___GFP_NOMEMALLOC)
#define __GFP_IO             ((gfp_t)___GFP_IO)
#define __GFP_FS             ((gfp_t)___GFP_FS)
#define __GFP_DIRECT_RECLAIM ((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM ((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM        (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define __GFP_RETRY_MAYFAIL  ((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL         ((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY        ((gfp_t)___GFP_NORETRY)
#define __GFP_NOWARN         ((gfp_t)___GFP_NOWARN)
#define __GFP_COMP           ((gfp_t)___GFP_COMP)
#define __GFP_ZERO           ((gfp_t)___GFP_ZERO)
#define __GFP_BITS_SHIFT     23
#define __GFP_BITS_MASK      ((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))

#define GFP_ATOMIC           (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL           (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT   (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT           (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO             (__GFP_RECLAIM)
#define GFP_NOFS             (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER             (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA              __GFP_DMA
#define GFP_DMA32            __GFP_DMA32
#define GFP_HIGHUSER         (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

#define GFP_MOVABLE_MASK     (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT    3

/* Migrate types: free lists per type per order, pageblocks owned by one type. */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,                 /* the types with per-CPU lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

static inline int gfp_migratetype(gfp_t gfp)
{
	return (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return !!(gfp & __GFP_DIRECT_RECLAIM);
}

/**
 * gfp_zone - the highest zone an allocation with @flags may use.
 * __GFP_DMA → DMA, __GFP_DMA32 → DMA32, __GFP_HIGHMEM (with or without __GFP_MOVABLE) →
 * HIGHMEM, otherwise NORMAL. Contradictory modifiers (two of DMA, DMA32, HIGHMEM) return -1;
 * the allocator reports them and fails.
 */
static inline int gfp_zone(gfp_t flags)
{
	gfp_t z = flags & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	if (likely(!z))
		return ZONE_NORMAL;
	if (z == __GFP_DMA)
		return ZONE_DMA;
	if (z == __GFP_DMA32)
		return ZONE_DMA32;
	if (z == __GFP_HIGHMEM)
		return ZONE_HIGHMEM;
	return -1;
}

/* The page allocator (lib/page_alloc/). Orders 0..MAX_ORDER; node -1 (NUMA_NO_NODE) = local. */
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid, void *nodemask);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
/* alloc_page/__free_page: the order-0 entry points, without the order test. */
struct page *nmm_alloc_page(gfp_t gfp);
void nmm_free_page(struct page *page);
#define alloc_page(gfp) nmm_alloc_page(gfp)
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
#define __get_free_page(gfp) __get_free_pages((gfp), 0)
void *alloc_pages_exact(size_t size, gfp_t gfp);
void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp);
void free_pages_exact(void *virt, size_t size);
void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
#define __free_page(page) nmm_free_page(page)
#define free_page(addr) free_pages((addr), 0)
void split_page(struct page *page, unsigned int order);
void get_page(struct page *page);
void put_page(struct page *page);
unsigned long nr_free_pages(void);

/* drain_all_pages - give every CPU's pcp pages of @zone (all zones when NULL) back to the buddy
 * lists, as the kernel does before reporting or on memory pressure. */
void drain_all_pages(struct zone *zone);

/* Boot parameters of the page allocator (also settable before boot via the command line). */
extern int min_free_kbytes;
extern int watermark_scale_factor;
extern int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];
/* setup_per_zone_wmarks - recompute watermarks and lowmem reserves after changing the above. */
void setup_per_zone_wmarks(void);

#ifdef __cplusplus
}
#endif
#endif
