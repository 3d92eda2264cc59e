/* lib/malloc/early.c - the early heap: for allocations made before numamm's arena exists and
 * for those numamm makes itself (internal.h says when). It needs no arena: a static region in
 * .bss (untouched pages cost nothing) and, once that is used up, 1 MiB chunks from mmap, carved
 * by a bump pointer. Like memblock it never gives memory back to the OS, but it reuses what is
 * freed: block sizes are powers of two (16 B .. 512 KiB) and a freed block waits on its size's
 * free list for the next request of that size. hwloc's topology discovery at boot frees most of
 * what it allocates (about 530 of 540 blocks); without reuse that was 450 KiB of RSS for good.
 *
 * Every block has a 16-byte header (its size; a magic that tells live from free) so realloc,
 * malloc_usable_size and double frees work on it. Thread-safe: one spinlock, taken only on this
 * rare path.
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
#define EARLY_FREE_MAGIC 0x6e6d6d6566726565UL /* "nmmefree" */
#define EARLY_MIN_SHIFT 4
#define EARLY_CLASSES 16                      /* 16 B << 0 .. 15: up to EARLY_CHUNK / 2 */
_Static_assert((16UL << (EARLY_CLASSES - 1)) == EARLY_CHUNK / 2, "classes end at half a chunk");

static char early_static[EARLY_STATIC] __attribute__((aligned(4096)));
static struct { uintptr_t start, end; } chunks[EARLY_MAX_CHUNKS + 1] = {
	{ (uintptr_t)early_static, (uintptr_t)early_static + EARLY_STATIC } };
static int nr_chunks = 1;
static uintptr_t cur = (uintptr_t)early_static, cur_end = (uintptr_t)early_static + EARLY_STATIC;
static int early_lock;
static struct early_stats stats;
static void *free_list[EARLY_CLASSES];       /* freed blocks; the link is their first word */

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
	unsigned c = size <= 16 ? 0 : 64 - __builtin_clzl(size - 1) - EARLY_MIN_SHIFT;
	size = 16UL << c;
	lock();
	if (align <= MALLOC_ALIGNMENT && free_list[c]) {
		void **b = free_list[c];
		free_list[c] = *b;
		struct early_hdr *h = (struct early_hdr *)b - 1;
		h->magic = EARLY_MAGIC;
		stats.in_use += size;
		stats.reused++;
		unlock();
		memset(b, 0, size);                 /* callers count on zeroed memory (calloc) */
		return b;
	}
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
	stats.in_use += size;
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

enum early_free_result early_free(void *p)
{
	struct early_hdr *h = (struct early_hdr *)p - 1;
	if ((uintptr_t)p & (MALLOC_ALIGNMENT - 1))
		return EARLY_FREE_BAD;
	lock();
	enum early_free_result r = EARLY_FREED;
	if (h->magic == EARLY_FREE_MAGIC) {
		r = EARLY_FREE_TWICE;
	} else if (h->magic != EARLY_MAGIC || h->size < 16 || h->size > EARLY_CHUNK / 2 ||
		   (h->size & (h->size - 1))) {
		r = EARLY_FREE_BAD;                 /* inside a block, not at its start */
	} else {
		unsigned c = (unsigned)__builtin_ctzl(h->size) - EARLY_MIN_SHIFT;
		h->magic = EARLY_FREE_MAGIC;
		*(void **)p = free_list[c];
		free_list[c] = p;
		stats.in_use -= h->size;
		stats.frees++;
	}
	unlock();
	return r;
}

void early_get_stats(struct early_stats *st)
{
	lock();
	*st = stats;
	unlock();
}
