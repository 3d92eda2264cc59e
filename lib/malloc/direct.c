/* lib/malloc/direct.c - sizes above MALLOC_KMALLOC_MAX: one anonymous mapping each (as glibc
 * does above its mmap threshold), so free gives the memory straight back (munmap: RSS drops)
 * and realloc moves by mremap without copying. The registry, an open-addressing hash of the
 * mappings by address under one spinlock, is how free knows a pointer is one of them without
 * reading the memory in front of it (a foreign pointer must be reported, not followed).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define PAGE 4096UL

struct direct_map { uintptr_t addr; size_t len; };   /* addr 0: empty; 1: deleted */
#define SLOT_DELETED 1

static struct direct_map *table;
static size_t table_size;                            /* slots, a power of two */
static size_t table_used;                            /* live + deleted */
static struct direct_stats stats;
static int direct_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&direct_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock(void) { __atomic_store_n(&direct_lock, 0, __ATOMIC_RELEASE); }

static size_t slot_of(uintptr_t addr, size_t size)
{
	uint64_t h = (addr >> 12) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 20) & (size - 1);
}

static void insert_slot(struct direct_map *t, size_t size, uintptr_t addr, size_t len)
{
	size_t i = slot_of(addr, size);
	while (t[i].addr > SLOT_DELETED)
		i = (i + 1) & (size - 1);
	t[i].addr = addr;
	t[i].len = len;
}

/* Room for one more: rebuild at twice the size (or the same, to drop deleted slots). */
static int table_reserve(void)
{
	if (table && (table_used + 1) * 2 <= table_size)
		return 0;
	size_t nsize = table_size ? table_size : 256;
	if ((stats.nr + 1) * 2 > nsize / 2)
		nsize *= 2;
	struct direct_map *t = mmap(NULL, nsize * sizeof(*t), PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return -ENOMEM;
	for (size_t i = 0; i < table_size; i++)
		if (table[i].addr > SLOT_DELETED)
			insert_slot(t, nsize, table[i].addr, table[i].len);
	if (table)
		munmap(table, table_size * sizeof(*table));
	table = t;
	table_size = nsize;
	table_used = stats.nr;
	return 0;
}

static struct direct_map *find(uintptr_t addr)
{
	if (!table)
		return NULL;
	size_t i = slot_of(addr, table_size);
	while (table[i].addr) {
		if (table[i].addr == addr)
			return &table[i];
		i = (i + 1) & (table_size - 1);
	}
	return NULL;
}

static int record(uintptr_t addr, size_t len)
{
	lock();
	int e = table_reserve();
	if (!e) {
		insert_slot(table, table_size, addr, len);
		table_used++;
		stats.nr++;
		stats.bytes += len;
		if (stats.bytes > stats.peak_bytes)
			stats.peak_bytes = stats.bytes;
	}
	unlock();
	return e;
}

void *direct_alloc(size_t size, size_t align, bool zero)
{
	(void)zero;                                  /* fresh anonymous pages are zero */
	if (size > SIZE_MAX - 2 * PAGE || align > (SIZE_MAX >> 2))
		return NULL;
	size_t len = (size + PAGE - 1) & ~(PAGE - 1);
	if (!len)
		len = PAGE;
	size_t extra = align > PAGE ? align - PAGE : 0;
	if (len + extra < len)
		return NULL;
	char *m = mmap(NULL, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	char *p = m;
	if (extra) {
		p = (char *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
		if (p > m)
			munmap(m, (size_t)(p - m));
		size_t tail = (size_t)((m + len + extra) - (p + len));
		if (tail)
			munmap(p + len, tail);
	}
	if (record((uintptr_t)p, len)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

bool direct_lookup(const void *p, size_t *len)
{
	if ((uintptr_t)p & (PAGE - 1))
		return false;
	lock();
	struct direct_map *m = find((uintptr_t)p);
	if (m && len)
		*len = m->len;
	unlock();
	return m != NULL;
}

int direct_free(void *p)
{
	if ((uintptr_t)p & (PAGE - 1))
		return -ENOENT;
	lock();
	struct direct_map *m = find((uintptr_t)p);
	if (!m) {
		unlock();
		return -ENOENT;
	}
	size_t len = m->len;
	m->addr = SLOT_DELETED;
	stats.nr--;
	stats.bytes -= len;
	unlock();
	munmap(p, len);
	return 0;
}

void *direct_realloc(void *p, size_t size)
{
	size_t len = (size + PAGE - 1) & ~(PAGE - 1);
	if (len < size)
		return NULL;
	lock();
	struct direct_map *m = table_reserve() ? NULL : find((uintptr_t)p);  /* room for a move */
	if (!m) {
		unlock();
		return NULL;
	}
	size_t old = m->len;
	void *q = old == len ? p : mremap(p, old, len, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		unlock();
		return NULL;
	}
	if (q == p) {
		m->len = len;
	} else {
		m->addr = SLOT_DELETED;
		insert_slot(table, table_size, (uintptr_t)q, len);
		table_used++;
	}
	stats.bytes += len - old;
	if (stats.bytes > stats.peak_bytes)
		stats.peak_bytes = stats.bytes;
	unlock();
	return q;
}

void direct_get_stats(struct direct_stats *st)
{
	lock();
	*st = stats;
	unlock();
}

void direct_atfork_prepare(void) { lock(); }
void direct_atfork_parent(void) { unlock(); }
void direct_atfork_child(void) { unlock(); }
