/* lib/boot/memmap.c - the memory map: a struct page for every 4 KiB page (mm/sparse.c).
 *
 * Classic SPARSEMEM: physical memory is cut into 128 MiB sections; a section with any memory
 * gets a struct page array allocated from memblock on the section's own node, so a node's page
 * metadata is local to it, and sections that are all hole cost nothing but a table slot. The
 * table entry stores (mem_map - section_start_pfn) so pfn_to_page() is one load and an add.
 * Every page starts PageReserved with a reference, as in the kernel: the page allocator's
 * memblock_free_all() releases the free ones later.
 * The map is written in MAX_ORDER blocks (4 MiB of memory, 64 KiB of struct pages): a buddy is
 * always in its block, so every page the allocator may look at has a struct page, and
 * nmm_section_blocks[] (a bit per block) tells pfn_valid() which blocks have theirs. A boot
 * section whose memory ends before the section does (mem=64M fills half of one) has its map
 * written only up to that end; the rest is address space never touched, so a small process is
 * not charged for struct pages of memory it does not have (the kernel's subsections).
 * memmap_defer=SIZE goes further, as the kernel's deferred struct page init: at boot only the
 * blocks holding memblock-reserved memory get struct pages, then each zone lowest block first
 * until it has SIZE; lib/page_alloc/deferred.c initialises the rest a block at a time when a
 * zone runs short (memblock_free_all frees only what is initialised).
 * The section table covers the hot-add windows too (empty slots until hotplug.c publishes a
 * section whose memory map lives in its own first 2 MiB: memmap_on_memory).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>

#include "boot.h"

uintptr_t nmm_linear_base;
uintptr_t *nmm_section_map;
uint32_t *nmm_section_blocks;
unsigned long nmm_nr_sections;
unsigned long max_pfn;
phys_addr_t nmm_lowmem_limit;
void *high_memory;

int nmm_pfn_zone(unsigned long pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);
	if (pa >= nmm_lowmem_limit)
		return ZONE_HIGHMEM;
	if (pa < (16ULL << 20))
		return ZONE_DMA;
	if (pa < (4ULL << 30))
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/* The node owning the first memory of section @sec, or -1 when it is all hole; *@end: the
 * physical end of the section's last memory (of any node). */
static int section_nid(unsigned long sec, uint64_t *end)
{
	uint64_t s = PFN_PHYS(sec << PFN_SECTION_SHIFT), e = s + (1ULL << SECTION_SIZE_BITS);
	int best = -1;
	uint64_t best_start = ~0ULL;
	*end = s;
	for (int n = 0; n < nmm_layout.nr_nodes; n++) {
		const struct nmm_arena *a = &nmm_layout.arena[n];
		for (int r = 0; r < a->nr_ranges; r++) {
			uint64_t rs = a->range[r].start, re = a->range[r].end;
			if (rs < e && re > s) {
				uint64_t first = rs > s ? rs : s, last = re < e ? re : e;
				if (last > *end)
					*end = last;
				if (first < best_start) {
					best_start = first;
					best = n;
				}
			}
		}
	}
	return best;
}

#define BLOCKS_PER_SECTION (PAGES_PER_SECTION / MAX_ORDER_NR_PAGES)
_Static_assert(BLOCKS_PER_SECTION == 32, "a 32-bit mask of blocks per section");

/* Struct pages [@first, @first + @nr) of section @sec (offsets in the section), node @nid. */
static void init_pages(struct page *map, unsigned long sec, int nid, unsigned long first, unsigned long nr)
{
	unsigned long pfn0 = sec << PFN_SECTION_SHIFT;
	for (unsigned long i = first; i < first + nr; i++) {
		struct page *page = &map[i];
		unsigned long pfn = pfn0 + i;
		int zone = nmm_pfn_zone(pfn);
		page->flags = 1UL << PG_reserved;
		set_page_node_zone_section(page, nid, (enum zone_type)zone, sec);
		INIT_LIST_HEAD(&page->lru);
		page->mapping = NULL;
		page->index = 0;
		page->private = 0;
		page->_mapcount.counter = -1;
		page->_refcount.counter = 1;
		page->virtual = zone == ZONE_HIGHMEM ? NULL : __va(PFN_PHYS(pfn));
	}
}

void nmm_memmap_init_section(struct page *map, unsigned long sec, int nid)
{
	init_pages(map, sec, nid, 0, PAGES_PER_SECTION);
}

static struct page *section_map(unsigned long sec)
{
	return (struct page *)(nmm_section_map[sec] + (sec << PFN_SECTION_SHIFT) * sizeof(struct page));
}

void nmm_memmap_init_block(unsigned long pfn, int nid)
{
	unsigned long sec = nmm_pfn_section(pfn), first = pfn & (PAGES_PER_SECTION - 1) & ~(MAX_ORDER_NR_PAGES - 1);
	struct page *map = section_map(sec);
	/* one call faults the block's 64 KiB of struct pages in, not 16 traps */
	madvise(map + first, MAX_ORDER_NR_PAGES * sizeof(struct page), MADV_POPULATE_WRITE);
	init_pages(map, sec, nid, first, MAX_ORDER_NR_PAGES);
	__atomic_fetch_or(&nmm_section_blocks[sec], 1U << (first / MAX_ORDER_NR_PAGES), __ATOMIC_RELEASE);
}

int nmm_memmap_init(char *err, size_t errlen)
{
	max_pfn = (unsigned long)PFN_UP(nmm_layout.hotplug_end);   /* hot-add windows included */
	nmm_lowmem_limit = nmm_layout.lowmem_limit;
	high_memory = __va(nmm_lowmem_limit);
	unsigned long nr = (max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	if (nr > (1UL << NMM_SECTIONS_WIDTH)) {
		snprintf(err, errlen, "memory ends at %#llx: beyond %lu sections of the memory map",
			 (unsigned long long)nmm_layout.hotplug_end, 1UL << NMM_SECTIONS_WIDTH);
		return -EINVAL;
	}
	uintptr_t *table = memblock_alloc(nr * sizeof(*table), 64);
	uint32_t *blocks = table ? memblock_alloc(nr * sizeof(*blocks), 64) : NULL;
	if (!blocks) {
		snprintf(err, errlen, "no lowmem for the section table (%lu sections)", nr);
		return -ENOMEM;
	}
	for (unsigned long sec = 0; sec < nr; sec++) {
		uint64_t end;
		int nid = section_nid(sec, &end);
		if (nid < 0)
			continue;
		double t0 = nmm_now_ms();
		unsigned long nr_valid = (unsigned long)PFN_UP(end) - (sec << PFN_SECTION_SHIFT);
		nr_valid = (nr_valid + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
		if (nr_valid > PAGES_PER_SECTION)
			nr_valid = PAGES_PER_SECTION;
		/* The whole section's worth of address space (pfn_to_page() indexes it), of which
		 * only the first nr_valid entries are ever written or read. */
		size_t bytes = PAGES_PER_SECTION * sizeof(struct page);
		size_t used = (nr_valid * sizeof(struct page) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		struct page *map = NULL;
		bool defer = nmm_layout.arena[nid].thp_deferred;
		if (nmm_params.memmap_defer)
			used = 0;                   /* written block by block (nmm_deferred_init) */
		if (defer) {
			/* thp_defer= node: its 4 KiB faults are for what a small process touches
			 * here and there; the memory map is written right now, so the 2 MiB extents
			 * it fills take 2 MiB pages (one fault per 2 MiB, not 512) in 2 MiB aligned
			 * memory. A part-filled last extent stays 4 KiB pages: RSS as written. */
			map = memblock_alloc_try_nid_raw(bytes, NMM_HUGE_2M, MEMBLOCK_LOW_LIMIT,
							 MEMBLOCK_ALLOC_ACCESSIBLE, nid);
			if (map && used >= NMM_HUGE_2M)
				madvise(map, used & ~(NMM_HUGE_2M - 1), MADV_HUGEPAGE);
		}
		if (!map)
			map = memblock_alloc_try_nid_raw(bytes, PAGE_SIZE, MEMBLOCK_LOW_LIMIT,
							 MEMBLOCK_ALLOC_ACCESSIBLE, nid);
		if (!map) {
			snprintf(err, errlen, "no lowmem for the memory map of section %lu (node %d, %zu KiB)",
				 sec, nid, bytes >> 10);
			return -ENOMEM;
		}
		table[sec] = (uintptr_t)map - (sec << PFN_SECTION_SHIFT) * sizeof(struct page);
		if (used) {
			/* Fault the part to be written in with one call, not one trap per page (a
			 * no-op where the node is populated already; older kernels: EINVAL, faults). */
			madvise(map, used, MADV_POPULATE_WRITE);
			init_pages(map, sec, nid, 0, nr_valid);
			blocks[sec] = nr_valid == PAGES_PER_SECTION ? ~0U : (1U << (nr_valid / MAX_ORDER_NR_PAGES)) - 1;
		}
		nmm_layout.arena[nid].memmap_ms += nmm_now_ms() - t0;
	}
	nmm_section_map = table;
	nmm_section_blocks = blocks;
	nmm_nr_sections = nr;
	return 0;
}

void nmm_memmap_publish_section(unsigned long sec, struct page *map)
{
	__atomic_store_n(&nmm_section_map[sec], (uintptr_t)map - (sec << PFN_SECTION_SHIFT) * sizeof(struct page),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&nmm_section_blocks[sec], ~0U, __ATOMIC_RELEASE);
}

void nmm_memmap_release(void)
{
	/* The table and the maps live in node memory, which goes with the arenas. */
	nmm_section_map = NULL;
	nmm_section_blocks = NULL;
	nmm_nr_sections = 0;
	max_pfn = 0;
	nmm_lowmem_limit = 0;
	high_memory = NULL;
}
