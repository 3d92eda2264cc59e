/* fuzz_malloc_ops: the input is a program of malloc-family calls, run against a model.
 *
 * The drop-in malloc runs here under its nmm_dropin_* names (numamm_malloc_dropin: the same code
 * as libnumamm-malloc.so beside this process's own malloc, which is ASan's in the fuzz build).
 * It boots at the first call with $NMM_FUZZ_BOOT (default "mem=64M numa=fake=2 backing=thp
 * hugepages=off thp_defer=4M": the drop-in's boot on two nodes). Each input is read as
 * operations, an opcode byte and its argument bytes (zeros once the input runs out):
 *   malloc, calloc (products that overflow too), realloc of a held block (to 0, smaller, bigger,
 *   across the 128 KiB line between kmalloc and direct mappings), realloc(NULL), reallocarray
 *   (overflowing too), memalign, aligned_alloc and posix_memalign with good and bad alignments,
 *   valloc, pvalloc, free (and free(NULL)), malloc and free on a second thread pinned to
 *   another CPU (so to the other node: remote frees), malloc_trim, mallinfo2, and the allocator
 *   failing on and off (fail_malloc, or failslab with fail_page_alloc, at probability 100).
 * Sizes run from 0 through a few MiB, plus impossible ones (2^52 and up) that must fail.
 * The model holds every block handed out with its size, usable size and a seed its bytes were
 * written from. It checks that a block is aligned (16, or the alignment asked for), that
 * malloc_usable_size covers the request and stays put, that no two blocks overlap, that calloc
 * zeroes, that realloc keeps the bytes both sizes share and leaves the block alone when it
 * fails, that every failure is NULL with errno ENOMEM (EINVAL for bad alignments;
 * posix_memalign returns them and leaves errno and *out alone), that nothing fails unless a
 * fault point is armed or the size is impossible, that under fail_malloc nothing new is handed
 * out, that malloc_trim loses no byte of a live block, and that mallinfo2's hblks/hblkhd count
 * exactly the held direct mappings. Blocks of up to 8 KiB are written and checked whole;
 * bigger ones in their first and last 4 KiB and one byte in every 64 KiB (a fault per page
 * would dominate). At the end every block goes back and, with the caches trimmed, the free page
 * count is back where it started and no direct mapping is left.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <numamm/fault_inject.h>
#include <numamm/numamm.h>

#include "malloc/dropin.h"
#include "slab/slab.h"
#include "fuzz_common.h"

#define MAX_HELD 128
#define MAX_OPS 400
#define KMALLOC_MAX (128UL << 10)      /* lib/malloc/internal.h's MALLOC_KMALLOC_MAX */
#define SMALL_BUDGET (16UL << 20)      /* live arena blocks: far below mem=64M */
#define BIG_BUDGET (256UL << 20)       /* live direct mappings (touched sparsely) */
#define IMPOSSIBLE (1UL << 52)         /* above any x86-64 user address space */
#define PAGE 4096UL

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_malloc_ops: " __VA_ARGS__);                   \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

struct blk {
	unsigned char *p;
	size_t n;                 /* asked for */
	size_t usable;            /* malloc_usable_size at allocation: written whole (sampled) */
	uint8_t seed;
	bool big;                 /* a direct mapping (outside the arena) */
};

enum fault_mode { FAULT_NONE, FAULT_MALLOC, FAULT_SLAB };

static struct blk held[MAX_HELD];
static int nheld;
static size_t live_small, live_big;
static enum fault_mode fault;
static uint8_t seedseq = 1;

static const size_t size_table[] = {
	0, 1, 15, 16, 17, 31, 33, 64, 65, 96, 192, 256, 257, 4095, 4096, 8192, 8193, 131071,
	KMALLOC_MAX, KMALLOC_MAX + 1, 262144, 1UL << 20, (3UL << 20) + 5, 4UL << 20,
	SIZE_MAX, SIZE_MAX - 4095, SIZE_MAX / 2, IMPOSSIBLE,
};

static size_t pick_size(struct cursor *c)
{
	unsigned s = next8(c);
	switch (s >> 6) {
	case 0:
		return next8(c);
	case 1:
		return next16(c) % 8193;
	case 2:
		return (size_t)next16(c) * 4 + next8(c) % 4;          /* 0 .. 256 KiB */
	default:
		return size_table[next8(c) % (sizeof(size_table) / sizeof(size_table[0]))];
	}
}

static const size_t align_table[] = {
	0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 4096, 8192, 12288, 65536, 1UL << 21,
	3, 24, 48, 100, 4097, 1UL << 62, 1UL << 63, SIZE_MAX / 2 + 2, SIZE_MAX,
};

static size_t pick_align(struct cursor *c)
{
	return align_table[next8(c) % (sizeof(align_table) / sizeof(align_table[0]))];
}

static bool is_pow2(size_t a) { return a && !(a & (a - 1)); }

/* ---- the bytes of a block ---- */

static uint8_t pat(uint8_t seed, size_t off)
{
	return (uint8_t)(seed ^ (off * 0x9d) ^ (off >> 9));
}

/* The offsets the model writes and checks in a block of @n bytes. */
static bool sampled(size_t off, size_t n)
{
	return n <= 8192 || off < 4096 || off >= n - 4096 || !(off & 65535);
}

static size_t next_off(size_t off, size_t n)
{
	off++;
	if (sampled(off, n))
		return off;
	size_t next = (off + 65535) & ~(size_t)65535;
	return next < n - 4096 ? next : n - 4096;
}

static void fill(struct blk *b)
{
	for (size_t o = 0; o < b->usable; o = next_off(o, b->usable))
		b->p[o] = pat(b->seed, o);
}

/* @len bytes from the start of @p hold what @seed wrote into a block of @written bytes. */
static void check_bytes(const unsigned char *p, size_t len, uint8_t seed, size_t written, const char *what)
{
	for (size_t o = 0; o < len; o = next_off(o, len))
		if (sampled(o, written) && p[o] != pat(seed, o))
			FAIL("%s: block %p byte %zu is %#x, not %#x", what, (const void *)p, o, p[o], pat(seed, o));
}

static void check_blk(const struct blk *b, const char *what)
{
	size_t u = nmm_dropin_malloc_usable_size(b->p);
	if (u != b->usable)
		FAIL("%s: malloc_usable_size(%p) changed from %zu to %zu", what, (void *)b->p, b->usable, u);
	check_bytes(b->p, b->usable, b->seed, b->usable, what);
}

static void check_all(const char *what)
{
	for (int i = 0; i < nheld; i++)
		check_blk(&held[i], what);
}

/* ---- the model's blocks ---- */

/* Room for @n bytes at alignment @align? (Operations that would not fit are skipped.) */
static bool room_for(size_t n, size_t align, bool new_slot)
{
	if (new_slot && nheld == MAX_HELD)
		return false;
	size_t need = n + (align > 16 ? align : 0);
	if (need < n)
		return false;
	return need <= KMALLOC_MAX ? live_small + need <= SMALL_BUDGET : live_big + need <= BIG_BUDGET;
}

static void drop(int i)
{
	if (held[i].big)
		live_big -= held[i].usable;
	else
		live_small -= held[i].usable;
	held[i] = held[--nheld];
}

/* A block @fn handed out for @n bytes at @align (0: the default 16): check it and hold it. */
static void adopt(void *ptr, size_t n, size_t align, bool zeroed, const char *fn)
{
	unsigned char *p = ptr;
	size_t want = align > 16 ? align : 16;
	if ((uintptr_t)p & (want - 1))
		FAIL("%s(%zu, align %zu) = %p: not aligned to %zu", fn, n, align, ptr, want);
	size_t u = nmm_dropin_malloc_usable_size(p);
	if (u < n)
		FAIL("%s(%zu) = %p: malloc_usable_size %zu", fn, n, ptr, u);
	size_t lo = (uintptr_t)p, hi = lo + (u ? u : 1);
	for (int i = 0; i < nheld; i++) {
		size_t qlo = (uintptr_t)held[i].p, qhi = qlo + (held[i].usable ? held[i].usable : 1);
		if (lo < qhi && qlo < hi)
			FAIL("%s(%zu) = %p (+%zu) overlaps held %p (+%zu)", fn, n, ptr, u, (void *)held[i].p,
			     held[i].usable);
	}
	if (zeroed)
		for (size_t o = 0; o < n; o = next_off(o, n))
			if (p[o])
				FAIL("%s(%zu) = %p: byte %zu is %#x, not zero", fn, n, ptr, o, p[o]);
	struct blk *b = &held[nheld++];
	*b = (struct blk){ .p = p, .n = n, .usable = u, .seed = seedseq++, .big = !virt_addr_valid(p) };
	if (b->big)
		live_big += u;
	else
		live_small += u;
	fill(b);
}

/* The result of an allocating call: a block to adopt, or a failure that must be allowed. */
static bool outcome(void *r, int err, size_t n, bool impossible, const char *fn)
{
	if (impossible) {
		if (r)
			FAIL("%s(%zu) = %p: an impossible size succeeded", fn, n, r);
	} else if (!r && fault == FAULT_NONE) {
		FAIL("%s(%zu) failed (errno %d) with no fault armed", fn, n, err);
	} else if (r && fault == FAULT_MALLOC) {
		FAIL("%s(%zu) = %p under fail_malloc", fn, n, r);
	}
	if (!r && err != ENOMEM)
		FAIL("%s(%zu) = NULL with errno %d, not ENOMEM", fn, n, err);
	return r != NULL;
}

/* ---- a second thread, pinned to another CPU ---- */

enum { REQ_IDLE, REQ_MALLOC, REQ_FREE, REQ_SETTLE, REQ_DONE };
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_cv = PTHREAD_COND_INITIALIZER;
static int helper_req;
static size_t helper_n;
static void *helper_p;
static int helper_errno;

static void pin(pthread_t t, int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(t, sizeof(set), &set);      /* best effort: one CPU is fine too */
}

static void *helper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&helper_lock);
	for (;;) {
		while (helper_req == REQ_IDLE || helper_req == REQ_DONE)
			pthread_cond_wait(&helper_cv, &helper_lock);
		if (helper_req == REQ_MALLOC) {
			errno = 0;
			helper_p = nmm_dropin_malloc(helper_n);
			helper_errno = errno;
		} else if (helper_req == REQ_FREE) {
			nmm_dropin_free(helper_p);
		} else {
			kmalloc_caches_settle();   /* without rseq, SLUB's caches are per thread */
		}
		helper_req = REQ_DONE;
		pthread_cond_broadcast(&helper_cv);
	}
	return NULL;
}

static void *on_helper(int req, size_t n, void *p, int *err)
{
	pthread_mutex_lock(&helper_lock);
	helper_req = req;
	helper_n = n;
	helper_p = p;
	pthread_cond_broadcast(&helper_cv);
	while (helper_req != REQ_DONE)
		pthread_cond_wait(&helper_cv, &helper_lock);
	helper_req = REQ_IDLE;
	void *r = helper_p;
	if (err)
		*err = helper_errno;
	pthread_mutex_unlock(&helper_lock);
	return r;
}

/* ---- the operations ---- */

static void set_fault(enum fault_mode m)
{
	struct nmm_fault_attr a = { .probability = 100, .times = -1 };
	if (nmm_fault_set(NMM_FAULT_MALLOC, m == FAULT_MALLOC ? &a : NULL) ||
	    nmm_fault_set(NMM_FAULT_SLAB, m == FAULT_SLAB ? &a : NULL) ||
	    nmm_fault_set(NMM_FAULT_PAGE_ALLOC, m == FAULT_SLAB ? &a : NULL))
		FAIL("nmm_fault_set failed");
	fault = m;
}

static void op_malloc(struct cursor *c)
{
	size_t n = pick_size(c);
	bool imp = n >= IMPOSSIBLE;
	if (!imp && !room_for(n, 0, true))
		return;
	errno = 0;
	void *r = nmm_dropin_malloc(n);
	if (outcome(r, errno, n, imp, "malloc"))
		adopt(r, n, 0, false, "malloc");
}

static void op_calloc(struct cursor *c)
{
	static const size_t nmembs[] = { 0, 1, 2, 3, 7, 16, 100, 1000, 4096, 1UL << 32, SIZE_MAX / 2 + 1, SIZE_MAX };
	size_t nmemb = nmembs[next8(c) % (sizeof(nmembs) / sizeof(nmembs[0]))];
	size_t size = pick_size(c), n;
	bool imp = __builtin_mul_overflow(nmemb, size, &n) || n >= IMPOSSIBLE;
	if (!imp && !room_for(n, 0, true))
		return;
	errno = 0;
	void *r = nmm_dropin_calloc(nmemb, size);
	if (outcome(r, errno, imp ? SIZE_MAX : n, imp, "calloc"))
		adopt(r, n, 0, true, "calloc");
}

/* realloc (or reallocarray with @nmemb members; 0: plain realloc) of held block @i (-1: NULL). */
static void do_realloc(int i, size_t nmemb, size_t size)
{
	size_t n = size;
	bool overflow = nmemb && __builtin_mul_overflow(nmemb, size, &n);
	bool imp = overflow || n >= IMPOSSIBLE;
	const char *fn = nmemb ? "reallocarray" : "realloc";
	if (!imp && !room_for(n, 0, i < 0))
		return;
	struct blk old = i >= 0 ? held[i] : (struct blk){ 0 };
	errno = 0;
	void *r = nmemb ? nmm_dropin_reallocarray(old.p, nmemb, size) : nmm_dropin_realloc(old.p, size);
	int err = errno;
	if (i >= 0 && !n && !imp) {                         /* glibc: realloc(p, 0) frees p */
		if (r)
			FAIL("%s(%p, 0) = %p, not NULL", fn, (void *)old.p, r);
		drop(i);
		return;
	}
	/* the same block back (in place, or mremap growing it where it is) is no new memory: it
	 * may happen under fail_malloc too */
	bool same = i >= 0 && r == old.p;
	if (!same && !outcome(r, err, n, imp, fn)) {
		if (i >= 0)
			check_blk(&held[i], "failed realloc");
		return;
	}
	if (i >= 0) {
		size_t keep = old.usable < n ? old.usable : n;
		check_bytes(r, keep, old.seed, old.usable, same ? "realloc in place" : "realloc's copy");
		drop(i);
	}
	adopt(r, n, 0, false, fn);
}

static void op_realloc(struct cursor *c, bool array)
{
	unsigned sel = next8(c);
	int i = nheld && sel % 8 ? (int)(next8(c) % nheld) : -1;
	size_t nmemb = 0;
	if (array) {
		static const size_t nmembs[] = { 1, 2, 3, 16, 1000, 0, SIZE_MAX / 2 + 1, 1UL << 40 };
		nmemb = nmembs[next8(c) % (sizeof(nmembs) / sizeof(nmembs[0]))];
	}
	do_realloc(i, nmemb, pick_size(c));
}

enum aligned_fn { AL_MEMALIGN, AL_ALIGNED_ALLOC, AL_POSIX_MEMALIGN, AL_VALLOC, AL_PVALLOC };

static void op_aligned(struct cursor *c)
{
	static const char *const names[] = { "memalign", "aligned_alloc", "posix_memalign", "valloc", "pvalloc" };
	enum aligned_fn fn = next8(c) % 5;
	size_t align = fn >= AL_VALLOC ? PAGE : pick_align(c);
	size_t n = pick_size(c);
	/* What the function makes of @align: EINVAL, or the alignment it gives. */
	bool einval;
	size_t eff = align;
	switch (fn) {
	case AL_MEMALIGN:
		einval = align > SIZE_MAX / 2 + 1;
		if (!einval && align && !is_pow2(align))
			eff = (size_t)1 << (64 - __builtin_clzl(align));
		break;
	case AL_ALIGNED_ALLOC:
		einval = !is_pow2(align);
		break;
	case AL_POSIX_MEMALIGN:
		einval = !is_pow2(align) || align % sizeof(void *);
		break;
	default:
		einval = false;
		break;
	}
	size_t want = n;
	if (fn == AL_PVALLOC)
		want = n > SIZE_MAX - PAGE ? SIZE_MAX : (n + PAGE - 1) & ~(PAGE - 1);
	bool imp = !einval && (want >= IMPOSSIBLE || eff >= (1UL << 62));
	if (!einval && !imp && !room_for(want, eff, true))
		return;
	void *r = NULL, *out = (void *)0x5a5a;
	int err, ret = 0;
	errno = 0;
	switch (fn) {
	case AL_MEMALIGN:
		r = nmm_dropin_memalign(align, n);
		break;
	case AL_ALIGNED_ALLOC:
		r = nmm_dropin_aligned_alloc(align, n);
		break;
	case AL_POSIX_MEMALIGN:
		errno = 12345;
		ret = nmm_dropin_posix_memalign(&out, align, n);
		if (ret ? out != (void *)0x5a5a : errno != 12345)
			FAIL("posix_memalign(%zu, %zu) = %d: %s", align, n, ret,
			     ret ? "*out written" : "errno changed on success");
		r = ret ? NULL : out;
		errno = ret;
		break;
	case AL_VALLOC:
		r = nmm_dropin_valloc(n);
		break;
	case AL_PVALLOC:
		r = nmm_dropin_pvalloc(n);
		break;
	}
	err = errno;
	if (einval) {
		if (r || err != EINVAL)
			FAIL("%s(%zu, %zu) = %p, errno %d: a bad alignment must be EINVAL", names[fn], align, n, r, err);
		return;
	}
	if (outcome(r, err, want, imp, names[fn]))
		adopt(r, want, eff, false, names[fn]);
}

static void op_free(struct cursor *c)
{
	unsigned sel = next8(c);
	if (!nheld || !(sel % 16)) {
		nmm_dropin_free(NULL);
		return;
	}
	int i = (int)(next8(c) % nheld);
	check_blk(&held[i], "before free");
	nmm_dropin_free(held[i].p);
	drop(i);
}

static void op_remote(struct cursor *c)
{
	unsigned sel = next8(c);
	if (nheld && sel & 1) {
		int i = (int)(next8(c) % nheld);
		check_blk(&held[i], "before remote free");
		on_helper(REQ_FREE, 0, held[i].p, NULL);
		drop(i);
		return;
	}
	size_t n = pick_size(c);
	bool imp = n >= IMPOSSIBLE;
	if (!imp && !room_for(n, 0, true))
		return;
	int err;
	void *r = on_helper(REQ_MALLOC, n, NULL, &err);
	if (outcome(r, err, n, imp, "malloc on the other CPU"))
		adopt(r, n, 0, false, "malloc on the other CPU");
}

static void op_mallinfo(void)
{
	struct mallinfo2 mi = nmm_dropin_mallinfo2();
	size_t nr = 0, bytes = 0;
	for (int i = 0; i < nheld; i++)
		if (held[i].big)
			nr++, bytes += held[i].usable;
	if (mi.hblks != nr || mi.hblkhd != bytes)
		FAIL("mallinfo2: hblks %zu hblkhd %zu; %zu direct blocks of %zu bytes are held", mi.hblks,
		     mi.hblkhd, nr, bytes);
	if (mi.uordblks > mi.arena || mi.fordblks > mi.arena)
		FAIL("mallinfo2: uordblks %zu fordblks %zu above arena %zu", mi.uordblks, mi.fordblks, mi.arena);
}

static unsigned long settled_free_pages(void)
{
	on_helper(REQ_SETTLE, 0, NULL, NULL);
	nmm_dropin_malloc_trim(0);       /* the per-CPU object caches back to their slabs */
	return fuzz_settled_free_pages();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("NUMAMM_MALLOC_BOOT", fuzz_boot_line("mem=64M numa=fake=2 backing=thp hugepages=off thp_defer=4M"), 1);
	nmm_dropin_free(nmm_dropin_malloc(1));
	if (!nmm_booted())
		FAIL("numamm did not boot (NUMAMM_MALLOC_BOOT=%s)", getenv("NUMAMM_MALLOC_BOOT"));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pin(pthread_self(), 0);
	pthread_t t;
	if (pthread_create(&t, NULL, helper_main, NULL))
		FAIL("pthread_create failed");
	pin(t, ncpu > 1 ? 1 : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialised;
	if (!initialised) {
		initialised = true;
		if (!nmm_booted())
			LLVMFuzzerInitialize(NULL, NULL);
	}
	unsigned long start = settled_free_pages();
	struct cursor c = { data, data + size };
	for (int step = 0; step < MAX_OPS && c.p < c.end; step++) {
		switch (next8(&c) % 16) {
		case 0:
		case 1:
		case 2:
			op_malloc(&c);
			break;
		case 3:
			op_calloc(&c);
			break;
		case 4:
		case 5:
			op_realloc(&c, false);
			break;
		case 6:
			op_realloc(&c, true);
			break;
		case 7:
			op_aligned(&c);
			break;
		case 8:
		case 9:
		case 10:
			op_free(&c);
			break;
		case 11:
			op_remote(&c);
			break;
		case 12:
			nmm_dropin_malloc_trim(next8(&c));
			check_all("after malloc_trim");
			break;
		case 13:
			op_mallinfo();
			break;
		case 14:
			set_fault((enum fault_mode)(next8(&c) % 3));
			break;
		case 15:
			if (nheld)
				check_blk(&held[next8(&c) % nheld], "check");
			break;
		}
	}
	set_fault(FAULT_NONE);
	check_all("at the end");
	op_mallinfo();
	while (nheld) {
		nmm_dropin_free(held[nheld - 1].p);
		drop(nheld - 1);
	}
	struct mallinfo2 mi = nmm_dropin_mallinfo2();
	if (mi.hblks || mi.hblkhd)
		FAIL("%zu direct mappings (%zu bytes) left after every block went back", mi.hblks, mi.hblkhd);
	unsigned long end = settled_free_pages();
	if (end != start)
		FAIL("free pages %lu at the start, %lu at the end", start, end);
	return 0;
}
