/* lib/malloc/early.c - the early heap: a bump allocator for allocations made before numamm's
 * arena exists and for those numamm makes itself (internal.h says when). Like memblock at kernel
 * boot, it never gives memory back; unlike memblock it needs no arena: a static region in .bss
 * (untouched pages cost nothing) and, once that is used up, 1 MiB chunks from mmap.
 *
 * Every block has a 16-byte header (its size) so realloc and malloc_usable_size work on it.
 * Thread-safe: one spinlock, taken only on this rare path.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define EARLY_STATIC (4UL << 20)
#define EARLY_CHUNK (1UL << 20)
#define EARLY_MAX_CHUNKS 64

struct early_hdr { size_t size; size_t magic; };
#define EARLY_MAGIC 0x6e6d6d6561726c79UL      /* "nmmearly" */

static char early_static[EARLY_STATIC] __attribute__((aligned(4096)));
static struct { uintptr_t start, end; } chunks[EARLY_MAX_CHUNKS + 1] = {
	{ (uintptr_t)early_static, (uintptr_t)early_static + EARLY_STATIC } };
static int nr_chunks = 1;
static uintptr_t cur = (uintptr_t)early_static, cur_end = (uintptr_t)early_static + EARLY_STATIC;
static int early_lock;
static struct early_stats stats;

static void lock(void)
{
	while (__atomic_exchange_n(&early_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock(void) { __atomic_store_n(&early_lock, 0, __ATOMIC_RELEASE); }

void *early_alloc(size_t size, size_t align)
{
	if (align < MALLOC_ALIGNMENT)
		align = MALLOC_ALIGNMENT;
	if (size > EARLY_CHUNK / 2 || align > 4096)
		return direct_alloc(size, align, false);   /* big: a mapping of its own */
	size = (size + 15) & ~15UL;
	lock();
	uintptr_t p = (cur + sizeof(struct early_hdr) + align - 1) & ~(align - 1);
	if (p + size > cur_end) {
		if (nr_chunks == EARLY_MAX_CHUNKS + 1) {
			unlock();
			return direct_alloc(size, align, false);
		}
		void *m = mmap(NULL, EARLY_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			unlock();
			return NULL;
		}
		cur = (uintptr_t)m;
		cur_end = cur + EARLY_CHUNK;
		chunks[nr_chunks].start = cur;
		__atomic_store_n(&chunks[nr_chunks].end, cur_end, __ATOMIC_RELEASE);
		__atomic_store_n(&nr_chunks, nr_chunks + 1, __ATOMIC_RELEASE);
		p = (cur + sizeof(struct early_hdr) + align - 1) & ~(align - 1);
	}
	struct early_hdr *h = (struct early_hdr *)p - 1;
	h->size = size;
	h->magic = EARLY_MAGIC;
	cur = p + size;
	stats.bytes += size;
	stats.allocs++;
	unlock();
	return (void *)p;
}

bool early_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	int n = __atomic_load_n(&nr_chunks, __ATOMIC_ACQUIRE);
	for (int i = 0; i < n; i++)
		if (a >= chunks[i].start && a < chunks[i].end)
			return true;
	return false;
}

size_t early_usable_size(const void *p)
{
	const struct early_hdr *h = (const struct early_hdr *)p - 1;
	return h->magic == EARLY_MAGIC ? h->size : 0;
}

void early_free(void *p)
{
	(void)p;
	__atomic_fetch_add(&stats.frees, 1, __ATOMIC_RELAXED);
}

void early_get_stats(struct early_stats *st)
{
	lock();
	*st = stats;
	unlock();
}
