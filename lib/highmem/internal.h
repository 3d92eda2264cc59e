/* lib/highmem/internal.h - what the files of lib/highmem/ share (mm/highmem.c split by concept).
 *
 *   highmem.c     where a highmem page lives in its node's memfd (the "chunk" a slot maps),
 *                 slot mapping, window reservations, release at shutdown, range reports
 *   pkmap.c       kmap()/kunmap(): the shared pkmap window, per-slot counts, waiting
 *   kmap_local.c  kmap_local_page()/kmap_atomic(): per-thread stacks of slots
 *
 * A slot maps one chunk of a node's memfd: the 4 KiB page itself on shmem nodes, the whole
 * 2 MiB hugepage holding it on hugetlb nodes (hugetlb files can only be mapped 2 MiB at a time).
 * All slots of a window are nmm_highmem_slot_size() apart, so slot n is at base + n * size and
 * the page is at offset `inner` inside it. Lock order: pkmap_lock, then kmap_local's registry
 * lock (only release takes both).
 */
#ifndef NUMAMM_LIB_HIGHMEM_INTERNAL_H
#define NUMAMM_LIB_HIGHMEM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <numamm/linux/highmem.h>

#define NMM_HIGHMEM_NO_KEY (~(uint64_t)0)

/* One mappable piece of a node's memfd holding a highmem page. */
struct nmm_highmem_chunk {
	uint64_t key;          /* node and file offset: equal keys map the same memory */
	int fd;                /* the node's memfd */
	int phys_node;
	bool huge;             /* hugetlb: bind the new mapping to the node (no shared policy) */
	uint64_t file_off;     /* chunk start in the memfd */
	size_t size;           /* PAGE_SIZE or 2 MiB */
	size_t inner;          /* the page's offset inside the chunk */
};

/* Bumped by nmm_highmem_release(): every thread's cached kmap_local state is stale. */
extern unsigned long nmm_highmem_gen;

/* Return: 0 and *@c, or -EINVAL when @page is not highmem of a booted node with a memfd. */
int nmm_highmem_chunk_of(const struct page *page, struct nmm_highmem_chunk *c);
/* Slot size of a window created now: 2 MiB when a hugetlb node has highmem, else PAGE_SIZE. */
size_t nmm_highmem_slot_size(void);
/* A PROT_NONE reservation of @len bytes aligned to @align. Return: it, or NULL. */
void *nmm_highmem_reserve(size_t len, size_t align);
/* Map chunk @c at @slot (MAP_FIXED). On failure the slot is PROT_NONE again. Return: 0 or -errno. */
int nmm_highmem_map_chunk(void *slot, size_t slot_size, const struct nmm_highmem_chunk *c);
/* Drop the mappings in [addr, addr+len) and keep the address range reserved. */
void nmm_highmem_unmap_keep(void *addr, size_t len);

/* pkmap.c counters (under pkmap_lock, reset by release): kmap calls that slept for a slot,
 * remapped an idle slot to a new chunk, took back an idle slot still mapping their chunk. */
extern unsigned long nmm_pkmap_waits, nmm_pkmap_remaps, nmm_pkmap_reuses;
/* kmap_local.c counters (all threads, atomic): mmaps done, out-of-order or bad unmaps. */
extern unsigned long nmm_kmap_local_maps, nmm_kmap_local_bad_unmaps;

/* pkmap.c / kmap_local.c, called by nmm_highmem_release() */
void nmm_pkmap_release(void);
void nmm_kmap_local_release(void);

#endif
