/* lib/page_alloc/page_asan.h - free pages as AddressSanitizer sees them (ASan builds only).
 *
 * The page allocator's free memory is ordinary mapped memory to ASan: a write through a page
 * after __free_pages() would go unseen. In builds with -fsanitize=address the allocator poisons
 * a block's memory when its last reference goes (before the block is published on a magazine,
 * a pcp list or a free list) and unpoisons it when the block is handed out again (the order-0
 * fast path and prep_new_page()), the way KASAN's page hooks do. So ASan reports a read or
 * write of a freed page with its usual stack traces.
 *
 * Left out, on purpose:
 *   - pages that have never been allocated: boot's memblock_free_all() and memory hot-add give
 *     the buddy allocator whole nodes at once; poisoning them would cost a shadow write for
 *     every 8 bytes of every node at every boot. A page is poisoned from its first free on;
 *   - highmem pages: they have no address of their own in the linear map (kmap maps them
 *     elsewhere), so there is nothing to poison.
 * nmm_shutdown() unpoisons every node's memory before it unmaps it (slab_asan.h's objects
 * included), so a later boot at the same addresses starts clean.
 * Elsewhere every function here is empty and costs nothing.
 */
#ifndef NUMAMM_LIB_PAGE_ALLOC_PAGE_ASAN_H
#define NUMAMM_LIB_PAGE_ALLOC_PAGE_ASAN_H

#include "../sanitize.h"
#include <numamm/linux/mm.h>

static __always_inline void page_asan_poison(struct page *page, unsigned int order)
{
#if NMM_ASAN
	if (!PageHighMem(page))
		ASAN_POISON_MEMORY_REGION(page_address(page), PAGE_SIZE << order);
#else
	(void)page, (void)order;
#endif
}

static __always_inline void page_asan_unpoison(struct page *page, unsigned int order)
{
#if NMM_ASAN
	if (!PageHighMem(page))
		ASAN_UNPOISON_MEMORY_REGION(page_address(page), PAGE_SIZE << order);
#else
	(void)page, (void)order;
#endif
}

#endif
