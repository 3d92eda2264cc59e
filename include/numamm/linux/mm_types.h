/* linux/mm_types.h - struct page: one per 4 KiB page of numamm memory, 64 bytes.
 *
 * The memory map is allocated from memblock on the page's own node (lib/boot/memmap.c). Each
 * user of a page overlays its own fields on the union, as the kernel does: the buddy allocator
 * keeps the order in `private` and links free pages through `lru`; the slab layer overlays its
 * struct slab (lib/slab/). Invariant: sizeof(struct page) == 64, checked at compile time.
 */
#ifndef NUMAMM_LINUX_MM_TYPES_H
#define NUMAMM_LINUX_MM_TYPES_H

#include "../ktypes.h"
#include "list.h"

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK (~(PAGE_SIZE - 1))
#endif

struct page {
	unsigned long flags;           /* PG_* bits, section, zone, node: see page-flags.h */
	union {
		struct {
			struct list_head lru;  /* buddy / pcp free lists, or the owner's lists */
			void *mapping;
			unsigned long index;
			unsigned long private; /* buddy: order of a free block */
		};
		struct {
			unsigned long compound_head; /* tail pages: head page | 1 */
			unsigned char compound_order;
			unsigned char _pad[7];
			unsigned long _compound_pad[3];
		};
		unsigned long _overlay[5];     /* room for slab's struct slab overlay */
	};
	atomic_t _mapcount;
	atomic_t _refcount;
	void *virtual;                 /* kernel virtual address: linear map, kmap slot, or NULL */
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");

#endif
