/* lib/highmem/pkmap.c - kmap()/kunmap(): the persistent kmap window (mm/highmem.c: kmap_high,
 * map_new_virtual, flush_all_zero_pkmaps, kunmap_high).
 *
 * DOC: pkmap
 * One PROT_NONE reservation of nr slots, made at the first kmap after each boot. Each slot maps
 * one chunk (see internal.h) and has a count of kmap users:
 *   count > 0   busy: the chunk is mapped, page->virtual of each kmapped page points into it
 *   count == 0  idle: on the LRU idle list; it may still map its last chunk (key != NO_KEY),
 *               which a later kmap of that chunk takes back without a system call
 * kmap finds a chunk's slot through a hash of keys (page->virtual cannot: on hugetlb a slot
 * serves 512 pages, and idle slots have no page_address), else takes the least recently idle
 * slot and remaps it (MAP_FIXED over the old mapping is the kernel's lazy TLB flush), else
 * sleeps on pkmap_map_wait until a kunmap makes a slot idle.
 *
 * Differences from the kernel, on purpose: page_address() of a highmem page is set exactly
 * while it has kmap users (the kernel leaves it set on idle slots until the next flush), so
 * page_address() never returns an address that a concurrent kmap may be remapping; and the
 * count of users is per page as well as per slot (they differ only on hugetlb slots).
 *
 * Invariants (under pkmap_lock): slot.count == sum of page_count[] of the slot's pages;
 * a slot is on the idle list iff count == 0; it is in the hash iff key != NO_KEY.
 * The mmap that remaps a slot runs under pkmap_lock, as the kernel sets the PTE under kmap_lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define PKMAP_MAX_SLOTS 65536

struct pkmap_slot {
	uint64_t key;          /* chunk mapped here, NMM_HIGHMEM_NO_KEY if none */
	unsigned int count;    /* kmap users of the slot's pages */
	int hnext;             /* next slot in the same hash bucket, -1 */
	int prev, next;        /* idle list, -1 ends */
};

static pthread_mutex_t pkmap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pkmap_map_wait = PTHREAD_COND_INITIALIZER;

static struct {
	char *base;                 /* NULL: no window yet */
	size_t slot_size;
	unsigned int nr;
	unsigned int pages_per_slot;
	struct pkmap_slot *slot;
	unsigned int *page_count;   /* [slot * pages_per_slot + page]: kmap users of each page */
	int *hash;                  /* buckets of slot indexes */
	unsigned int hash_mask;
	int idle_head, idle_tail;
} pk;

unsigned long nmm_pkmap_waits, nmm_pkmap_remaps, nmm_pkmap_reuses;

static unsigned int pkmap_slots_wanted(void)
{
	const char *s = getenv("NUMAMM_LAST_PKMAP");
	if (!s || !*s)
		return LAST_PKMAP;
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (*end || v < 1 || v > PKMAP_MAX_SLOTS) {
		fprintf(stderr, "numamm: highmem: bad NUMAMM_LAST_PKMAP='%s' (1..%d), using %d\n", s,
			PKMAP_MAX_SLOTS, LAST_PKMAP);
		return LAST_PKMAP;
	}
	return (unsigned int)v;
}

unsigned int nmm_pkmap_slots(void)
{
	pthread_mutex_lock(&pkmap_lock);
	unsigned int nr = pk.base ? pk.nr : pkmap_slots_wanted();
	pthread_mutex_unlock(&pkmap_lock);
	return nr;
}

static void idle_del(int s)
{
	struct pkmap_slot *sl = &pk.slot[s];
	if (sl->prev >= 0)
		pk.slot[sl->prev].next = sl->next;
	else
		pk.idle_head = sl->next;
	if (sl->next >= 0)
		pk.slot[sl->next].prev = sl->prev;
	else
		pk.idle_tail = sl->prev;
	sl->prev = sl->next = -1;
}

static void idle_add_tail(int s)
{
	struct pkmap_slot *sl = &pk.slot[s];
	sl->next = -1;
	sl->prev = pk.idle_tail;
	if (pk.idle_tail >= 0)
		pk.slot[pk.idle_tail].next = s;
	else
		pk.idle_head = s;
	pk.idle_tail = s;
}

static unsigned int hash_bucket(uint64_t key)
{
	return (unsigned int)((key * 0x9e3779b97f4a7c15ULL) >> 32) & pk.hash_mask;
}

static int hash_find(uint64_t key)
{
	for (int s = pk.hash[hash_bucket(key)]; s >= 0; s = pk.slot[s].hnext)
		if (pk.slot[s].key == key)
			return s;
	return -1;
}

static void hash_add(int s)
{
	unsigned int b = hash_bucket(pk.slot[s].key);
	pk.slot[s].hnext = pk.hash[b];
	pk.hash[b] = s;
}

static void hash_del(int s)
{
	int *pp = &pk.hash[hash_bucket(pk.slot[s].key)];
	while (*pp != s)
		pp = &pk.slot[*pp].hnext;
	*pp = pk.slot[s].hnext;
	pk.slot[s].hnext = -1;
}

/* Create the window for the current boot. pkmap_lock held. Return: 0 or -ENOMEM (reported). */
static int pkmap_window_create(void)
{
	unsigned int nr = pkmap_slots_wanted(), buckets = 1;
	size_t slot_size = nmm_highmem_slot_size();
	while (buckets < 2 * nr)
		buckets <<= 1;
	pk.pages_per_slot = (unsigned int)(slot_size / PAGE_SIZE);
	pk.slot = calloc(nr, sizeof(*pk.slot));
	pk.page_count = calloc((size_t)nr * pk.pages_per_slot, sizeof(*pk.page_count));
	pk.hash = malloc(buckets * sizeof(*pk.hash));
	pk.base = nmm_highmem_reserve((size_t)nr * slot_size, slot_size);
	if (!pk.slot || !pk.page_count || !pk.hash || !pk.base) {
		fprintf(stderr, "numamm: highmem: cannot reserve the pkmap window (%u slots of %zu KiB)\n",
			nr, slot_size >> 10);
		if (pk.base)
			munmap(pk.base, (size_t)nr * slot_size);
		free(pk.slot);
		free(pk.page_count);
		free(pk.hash);
		memset(&pk, 0, sizeof(pk));
		return -ENOMEM;
	}
	pk.nr = nr;
	pk.slot_size = slot_size;
	pk.hash_mask = buckets - 1;
	for (unsigned int b = 0; b < buckets; b++)
		pk.hash[b] = -1;
	pk.idle_head = pk.idle_tail = -1;
	for (unsigned int s = 0; s < nr; s++) {
		pk.slot[s].key = NMM_HIGHMEM_NO_KEY;
		pk.slot[s].hnext = -1;
		idle_add_tail((int)s);
	}
	return 0;
}

static void set_page_address(struct page *page, void *virtual)
{
	__atomic_store_n(&page->virtual, virtual, __ATOMIC_RELEASE);
	if (virtual)
		SetPageHighMemMapped(page);
	else
		ClearPageHighMemMapped(page);
}

/* Give @c a slot: its own (busy or idle) or the least recently idle one, remapped; sleeps when
 * every slot is busy. pkmap_lock held. Return: the slot, or -errno (reported). */
static int map_new_virtual(const struct nmm_highmem_chunk *c, unsigned long pfn)
{
	for (;;) {
		int s = hash_find(c->key);
		if (s >= 0) {
			if (!pk.slot[s].count) {
				idle_del(s);
				nmm_pkmap_reuses++;
			}
			return s;
		}
		s = pk.idle_head;
		if (s >= 0) {
			idle_del(s);
			if (pk.slot[s].key != NMM_HIGHMEM_NO_KEY)
				hash_del(s);
			pk.slot[s].key = NMM_HIGHMEM_NO_KEY;
			int e = nmm_highmem_map_chunk(pk.base + (size_t)s * pk.slot_size, pk.slot_size, c);
			if (e) {
				idle_add_tail(s);
				fprintf(stderr, "numamm: highmem: kmap: cannot map pfn %#lx: %s\n", pfn,
					strerror(-e));
				return e;
			}
			pk.slot[s].key = c->key;
			hash_add(s);
			nmm_pkmap_remaps++;
			return s;
		}
		/* Every slot has users: sleep until a kunmap frees one (the kernel's pkmap_map_wait). */
		nmm_pkmap_waits++;
		pthread_cond_wait(&pkmap_map_wait, &pkmap_lock);
	}
}

/**
 * kmap_high - map a highmem page into the pkmap window (the slow half of kmap()).
 * @page: a ZONE_HIGHMEM page
 *
 * Context: may sleep until a slot is free.
 * Return: the page's address in the window, or NULL (reported) when it cannot be mapped.
 */
void *kmap_high(struct page *page)
{
	struct nmm_highmem_chunk c;
	if (nmm_highmem_chunk_of(page, &c)) {
		fprintf(stderr, "numamm: highmem: kmap: page %p (pfn %#lx) is not highmem of a booted node\n",
			(void *)page, page_to_pfn(page));
		return NULL;
	}
	pthread_mutex_lock(&pkmap_lock);
	if (unlikely(!pk.base) && pkmap_window_create()) {
		pthread_mutex_unlock(&pkmap_lock);
		return NULL;
	}
	int s = map_new_virtual(&c, page_to_pfn(page));
	if (s < 0) {
		pthread_mutex_unlock(&pkmap_lock);
		return NULL;
	}
	char *addr = pk.base + (size_t)s * pk.slot_size + c.inner;
	pk.slot[s].count++;
	if (pk.page_count[(size_t)s * pk.pages_per_slot + c.inner / PAGE_SIZE]++ == 0)
		set_page_address(page, addr);
	pthread_mutex_unlock(&pkmap_lock);
	return addr;
}

/**
 * kunmap_high - drop one kmap user of a highmem page (the slow half of kunmap()).
 * @page: a page kmap() mapped
 *
 * The last user clears page_address(); the slot stays mapped until it is reused.
 * Context: any; never sleeps (wakes kmap callers waiting for a slot).
 */
void kunmap_high(struct page *page)
{
	pthread_mutex_lock(&pkmap_lock);
	char *addr = __atomic_load_n(&page->virtual, __ATOMIC_RELAXED);
	if (!pk.base || !PageHighMemMapped(page) || !addr || addr < pk.base ||
	    addr >= pk.base + (size_t)pk.nr * pk.slot_size) {
		pthread_mutex_unlock(&pkmap_lock);
		fprintf(stderr, "numamm: highmem: kunmap: page %p (pfn %#lx) is not kmapped\n",
			(void *)page, page_to_pfn(page));
		return;
	}
	size_t s = (size_t)(addr - pk.base) / pk.slot_size;
	size_t inner = (size_t)(addr - pk.base) % pk.slot_size;
	if (--pk.page_count[s * pk.pages_per_slot + inner / PAGE_SIZE] == 0)
		set_page_address(page, NULL);
	if (--pk.slot[s].count == 0) {
		idle_add_tail((int)s);
		pthread_cond_broadcast(&pkmap_map_wait);
	}
	pthread_mutex_unlock(&pkmap_lock);
}

void nmm_pkmap_release(void)
{
	pthread_mutex_lock(&pkmap_lock);
	if (pk.base)
		munmap(pk.base, (size_t)pk.nr * pk.slot_size);
	free(pk.slot);
	free(pk.page_count);
	free(pk.hash);
	memset(&pk, 0, sizeof(pk));
	nmm_pkmap_waits = nmm_pkmap_remaps = nmm_pkmap_reuses = 0;
	pthread_mutex_unlock(&pkmap_lock);
}
