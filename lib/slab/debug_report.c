/* lib/slab/debug_report.c - the slab debug layer's reports, shaped like mm/slub.c's slab_bug(),
 * print_trailer(), print_track() and print_section(), so a numamm report reads like a kernel one:
 *
 *   =============================================================================
 *   BUG kmalloc-64 (Not tainted): Right Redzone overwritten
 *   -----------------------------------------------------------------------------
 *
 *   INFO: 0x7f..48-0x7f..48 @offset=64..64. First byte 0x0 instead of 0xcc
 *   INFO: Allocated in my_function+0x2c/0x120 age=3 cpu=1 pid=4242
 *   INFO: Freed in my_function+0x51/0x120 age=0 cpu=1 pid=4242
 *   INFO: Slab 0x7f..00 objects=42 used=3
 *   INFO: Object 0x7f..08 @offset=8
 *
 *   Redzone  00007f....00: bb bb bb bb bb bb bb bb                          ........
 *   Object   00007f....08: 5a 5a 5a ...                                     ZZZZZZZZZZZZZZZZ
 *   Redzone  00007f....48: 00 cc cc cc cc cc cc cc                          ........
 *   FIX kmalloc-64: Object at 0x7f..08 not freed, kept out of circulation
 *
 * Differences from the kernel, on purpose: @offset counts from the object pointer (negative in
 * the left redzone) and gives the last bad byte too; age is in milliseconds (HZ=1000 jiffies);
 * pid is the thread id; call sites are resolved with dladdr1(), so a function shows by name
 * only when it is in a dynamic symbol table (shared libraries, executables linked -rdynamic),
 * otherwise as its address and the object file offset (feed that to addr2line).
 */
#include <dlfcn.h>
#include <link.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "debug.h"

/* A dump never shows more than this much of an object: enough to see its head and any
 * pattern; the report's INFO lines give exact offsets for the rest. */
#define DUMP_OBJECT_MAX 256
#define DUMP_PAD_MAX    64

struct slab_debug_counters slab_debug_counters[NMM_SLAB_MAX_CACHES];

/**
 * slab_debug_site - a call site as "function+0xoff/0xsize", for reports.
 * @addr: a return address (0: "(unknown)")
 * @buf: where the text goes
 * @len: its size
 *
 * Context: any thread; takes the dynamic linker's lock (dladdr).
 * Return: @buf.
 */
const char *slab_debug_site(unsigned long addr, char *buf, size_t len)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (!addr) {
		snprintf(buf, len, "(unknown)");
		return buf;
	}
	if (dladdr1((void *)addr, &info, (void **)&sym, RTLD_DL_SYMENT) && info.dli_sname && info.dli_saddr) {
		unsigned long off = addr - (unsigned long)info.dli_saddr;
		if (sym && sym->st_size)
			snprintf(buf, len, "%s+0x%lx/0x%lx", info.dli_sname, off, (unsigned long)sym->st_size);
		else
			snprintf(buf, len, "%s+0x%lx", info.dli_sname, off);
	} else if (dladdr((void *)addr, &info) && info.dli_fname && info.dli_fbase) {
		const char *base = strrchr(info.dli_fname, '/');
		snprintf(buf, len, "0x%lx (%s+0x%lx)", addr, base ? base + 1 : info.dli_fname,
			 addr - (unsigned long)info.dli_fbase);
	} else {
		snprintf(buf, len, "0x%lx", addr);
	}
	return buf;
}

static unsigned long report_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000000000UL + (unsigned long)ts.tv_nsec;
}

/* print_track: one "INFO: Allocated in ..." line; nothing for a track never written. */
static void print_track(const char *what, const struct slab_track *t, unsigned long now, FILE *out)
{
	char site[256];
	if (!t->addr)
		return;
	unsigned long age_ms = now > t->when_ns ? (now - t->when_ns) / 1000000UL : 0;
	fprintf(out, "INFO: %s in %s age=%lu cpu=%d pid=%d\n", what,
		slab_debug_site(t->addr, site, sizeof(site)), age_ms, t->cpu, t->pid);
}

/* print_section: @len bytes from @p, 16 a line, hex then printable ASCII (print_hex_dump with
 * DUMP_PREFIX_ADDRESS, rowsize 16, groupsize 1). */
static void print_section(FILE *out, const char *text, const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i += 16) {
		char hex[16 * 3 + 1], asc[17];
		size_t n = len - i < 16 ? len - i : 16, h = 0;
		for (size_t j = 0; j < n; j++) {
			unsigned char c = b[i + j];
			h += (size_t)snprintf(hex + h, sizeof(hex) - h, "%s%02x", j ? " " : "", c);
			asc[j] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		hex[h] = '\0';
		asc[n] = '\0';
		fprintf(out, "%s%016lx: %-47s  %s\n", text, (unsigned long)(b + i), hex, asc);
	}
}

/* Where the slot's metadata ends (free pointer, tracks); the rest up to s->size is padding. */
static unsigned int metadata_end(const struct kmem_cache *s)
{
	unsigned int end = s->inuse;
	if (s->offset >= s->inuse)
		end = s->offset + (unsigned int)sizeof(void *);
	if (s->track_offset)
		end = s->track_offset + 2 * (unsigned int)sizeof(struct slab_track);
	return end;
}

/* print_slab_info: the slab's counters, read once (a back end may change them meanwhile). */
static void print_slab_info(struct kmem_cache *s, void *obj, FILE *out)
{
	struct slab *slab = virt_addr_valid(obj) ? virt_to_slab(obj) : NULL;
	if (!slab) {
		fprintf(out, "INFO: Object %p is not in a slab page\n", obj);
		return;
	}
	char *base = slab_address(slab);
	struct slab snap = { 0 };
	snap.counters = __atomic_load_n(&slab->counters, __ATOMIC_RELAXED);
	if (slab->slab_cache == s)
		fprintf(out, "INFO: Slab %p objects=%u used=%u\n", (void *)base, snap.objects, snap.inuse);
	else
		fprintf(out, "INFO: Slab %p (a page shared by several caches)\n", (void *)base);
	fprintf(out, "INFO: Object %p @offset=%td\n\n", obj, (char *)obj - base);
}

/**
 * slab_debug_print_object - what debug knows about one object of a debug cache.
 * @s: the cache
 * @obj: an object pointer of @s
 * @out: where to print
 *
 * Prints the allocation and free tracks (SLAB_STORE_USER), the slab, and a dump of the left
 * redzone, the object's head, the right redzone and the slot's padding (print_trailer shape).
 * Context: any thread; reads the object without locks (a report, not a check).
 */
void slab_debug_print_object(struct kmem_cache *s, void *obj, FILE *out)
{
	unsigned char *p = obj;
	if (s->track_offset) {
		const struct slab_track *t = (const struct slab_track *)(p + s->track_offset);
		unsigned long now = report_now_ns();
		print_track("Allocated", &t[0], now, out);
		print_track("Freed", &t[1], now, out);
	}
	print_slab_info(s, obj, out);
	if (s->red_left_pad)
		print_section(out, "Redzone  ", p - s->red_left_pad, s->red_left_pad);
	unsigned int n = s->object_size < DUMP_OBJECT_MAX ? s->object_size : DUMP_OBJECT_MAX;
	print_section(out, "Object   ", p, n);
	if (n < s->object_size)
		fprintf(out, "Object   ... %u more bytes not shown\n", s->object_size - n);
	if ((s->flags & SLAB_RED_ZONE) && s->inuse > s->object_size)
		print_section(out, "Redzone  ", p + s->object_size, s->inuse - s->object_size);
	unsigned int end = metadata_end(s), slot_end = s->size - s->red_left_pad;
	if (slot_end > end) {
		unsigned int pad = slot_end - end < DUMP_PAD_MAX ? slot_end - end : DUMP_PAD_MAX;
		print_section(out, "Padding  ", p + end, pad);
	}
}

void slab_report_begin(struct kmem_cache *s, const char *what)
{
	flockfile(stderr);
	fprintf(stderr, "=============================================================================\n");
	fprintf(stderr, "BUG %s (Not tainted): %s\n", s->name, what);
	fprintf(stderr, "-----------------------------------------------------------------------------\n\n");
}

void slab_report_bad_range(struct kmem_cache *s, void *obj, const struct slab_bad_range *r)
{
	const unsigned char *p = obj;
	fprintf(stderr, "INFO: %p-%p @offset=%td..%td. First byte 0x%x instead of 0x%x\n",
		(const void *)r->first, (const void *)r->last, r->first - p, r->last - p, *r->first, r->expect);
	/* The dump shows the object's head only: show the damage when it lies further in. */
	if (r->first >= p + DUMP_OBJECT_MAX && r->first < p + s->object_size) {
		const unsigned char *from = p + ((size_t)(r->first - p) & ~(size_t)15);
		size_t len = (size_t)(p + s->object_size - from) < 32 ? (size_t)(p + s->object_size - from) : 32;
		print_section(stderr, "Object   ", from, len);
	}
}

void slab_report_end(struct kmem_cache *s, const char *fix, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fix);
	vsnprintf(msg, sizeof(msg), fix, ap);
	va_end(ap);
	fprintf(stderr, "FIX %s: %s\n\n", s->name, msg);
	fflush(stderr);
	__atomic_fetch_add(&slab_debug_counters[s->id].reports, 1, __ATOMIC_RELAXED);
	funlockfile(stderr);
}

/**
 * slab_debug_reports - how many BUG reports debug made about @s since it was created.
 * Return: the count (0 for a cache without debug flags).
 */
unsigned long slab_debug_reports(const struct kmem_cache *s)
{
	return __atomic_load_n(&slab_debug_counters[s->id].reports, __ATOMIC_RELAXED);
}

/**
 * slab_debug_leaked - objects of @s that debug found corrupted and keeps out of circulation.
 * Return: the count; the back end counts them as allocated.
 */
unsigned long slab_debug_leaked(const struct kmem_cache *s)
{
	return __atomic_load_n(&slab_debug_counters[s->id].leaked, __ATOMIC_RELAXED);
}
