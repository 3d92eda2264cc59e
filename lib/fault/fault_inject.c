/* lib/fault/fault_inject.c - failure injection: the kernel's should_fail() with its attributes
 * (lib/fault-inject.c: probability, interval, times, space, verbose, task-filter, the
 * require-start/require-end call-site filter) and the GFP filters of fail_page_alloc and
 * failslab (mm/fail_page_alloc.c, mm/failslab.c), for numamm's injection points.
 *
 * Each point keeps its attributes, read by the injection sites with relaxed loads, and its live
 * counters (interval count, space and times left, statistics), changed with atomics, so any
 * number of threads may pass a point while one thread sets it. Arming a point sets its bit in
 * nmm_fault_armed and diverts the fast paths that bypass the point (see fault.h); disarming
 * undoes both.
 *
 * The call-site filter looks at one frame: the return address of the API entry point the
 * allocation came in through (alloc_pages(), kmalloc(), vmalloc(), malloc(), ...), which those
 * entries pass down. A walk of deeper frames would need frame pointers or an unwinder that may
 * itself allocate; the kernel's stacktrace-depth is not offered.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../trace/events.h"
#include "../trace/slab_events.h"
#include "fault.h"

struct nmm_fault_armed nmm_fault_armed;
void (*nmm_fault_divert_hook[NMM_NR_FAULT_POINTS])(bool armed);

enum { HAS_GFP = 1, HAS_HIGHMEM = 2, HAS_ORDER = 4 };

struct fault_point {
	const char *name;
	unsigned int has;                /* HAS_*: the point's own attributes */
	struct nmm_fault_attr attr;      /* as set; read with relaxed loads */
	unsigned long count;             /* eligible calls, for @interval */
	long space;                      /* bytes still to pass */
	int times;                       /* failures left, -1 = no limit */
	unsigned long calls, injected;
	uintptr_t last_caller;
};

static struct fault_point points[NMM_NR_FAULT_POINTS] = {
	[NMM_FAULT_PAGE_ALLOC] = { .name = "fail_page_alloc", .has = HAS_GFP | HAS_HIGHMEM | HAS_ORDER },
	[NMM_FAULT_SLAB] = { .name = "failslab", .has = HAS_GFP },
	[NMM_FAULT_VMALLOC] = { .name = "fail_vmalloc" },
	[NMM_FAULT_VMAP_AREA] = { .name = "fail_vmap_area" },
	[NMM_FAULT_MALLOC] = { .name = "fail_malloc" },
	[NMM_FAULT_ARENA] = { .name = "fail_arena" },
};

static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool make_it_fail;
static __thread uint64_t rnd_state;

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

const char *nmm_fault_name(int point)
{
	return point >= 0 && point < NMM_NR_FAULT_POINTS ? points[point].name : NULL;
}

int nmm_fault_point_by_name(const char *name)
{
	for (int i = 0; i < NMM_NR_FAULT_POINTS; i++)
		if (!strcmp(name, points[i].name))
			return i;
	return -1;
}

bool nmm_fault_make_it_fail(bool on)
{
	bool old = make_it_fail;
	make_it_fail = on;
	return old;
}

/* A percent draw, 0..99: xorshift64* per thread (prandom's job in the kernel). */
static unsigned int random_percent(void)
{
	uint64_t x = rnd_state;
	if (!x) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)(uintptr_t)&rnd_state ^ (uint64_t)ts.tv_sec;
		x |= 1;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	return (unsigned int)(((x * 0x2545F4914F6CDD1DULL) >> 32) % 100);
}

/* times: take one failure unless none are left (atomic_dec_not_zero; -1 stays -1); *@was gets
 * the count before, which the verbose line shows as the kernel's does. */
static bool take_one(int *times, int *was)
{
	int t = LD(*times);
	while (t != 0) {
		*was = t;
		if (t == -1)
			return true;
		if (__atomic_compare_exchange_n(times, &t, t - 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

static void fail_dump(const struct fault_point *p, uintptr_t caller, long space, int times)
{
	Dl_info di;
	char where[160] = "";
	if (caller && dladdr((void *)caller, &di) && di.dli_sname)
		snprintf(where, sizeof(where), " (%s+%#lx)", di.dli_sname,
			 (unsigned long)(caller - (uintptr_t)di.dli_saddr));
	fprintf(stderr, "numamm: FAULT_INJECTION: forcing a failure. name %s, interval %lu, probability %u, "
		"space %ld, times %d, caller %#lx%s\n", p->name, LD(p->attr.interval), LD(p->attr.probability),
		space, times, (unsigned long)caller, where);
}

bool nmm_should_fail(int point, size_t size, uintptr_t caller, bool quiet)
{
	struct fault_point *p = &points[point];
	unsigned int prob = LD(p->attr.probability);
	if (!prob)
		return false;
	if (LD(p->attr.task_filter) && !make_it_fail)
		return false;
	if (!LD(p->times))
		return false;
	uintptr_t rs = LD(p->attr.require_start), re = LD(p->attr.require_end);
	if (re && (caller < rs || caller >= re))
		return false;
	/* space: a budget of bytes that pass first; a call larger than what is left fails. */
	long sp = LD(p->space);
	while (sp > 0 && (size_t)sp > size) {
		if (__atomic_compare_exchange_n(&p->space, &sp, sp - (long)size, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return false;
	}
	__atomic_fetch_add(&p->calls, 1, __ATOMIC_RELAXED);
	unsigned long interval = LD(p->attr.interval);
	if (interval > 1 && (__atomic_add_fetch(&p->count, 1, __ATOMIC_RELAXED) % interval))
		return false;
	if (prob < 100 && random_percent() >= prob)
		return false;
	int times;
	if (!take_one(&p->times, &times))
		return false;
	__atomic_fetch_add(&p->injected, 1, __ATOMIC_RELAXED);
	ST(p->last_caller, caller);
	if (LD(p->attr.verbose) && !quiet)
		fail_dump(p, caller, sp, times);
	return true;
}

bool should_fail_alloc_page(gfp_t gfp, unsigned int order, uintptr_t caller)
{
	const struct fault_point *p = &points[NMM_FAULT_PAGE_ALLOC];
	if (gfp & __GFP_NOFAIL)
		return false;
	if (LD(p->attr.ignore_gfp_highmem) && (gfp & __GFP_HIGHMEM))
		return false;
	if (LD(p->attr.ignore_gfp_wait) && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	if (order < LD(p->attr.min_order))
		return false;
	/* The kernel counts fail_page_alloc's space in pages. */
	return nmm_should_fail(NMM_FAULT_PAGE_ALLOC, (size_t)1 << order, caller, gfp & __GFP_NOWARN);
}

bool should_failslab(size_t size, gfp_t gfp, uintptr_t caller)
{
	const struct fault_point *p = &points[NMM_FAULT_SLAB];
	if (gfp & __GFP_NOFAIL)
		return false;
	if (LD(p->attr.ignore_gfp_wait) && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	return nmm_should_fail(NMM_FAULT_SLAB, size, caller, gfp & __GFP_NOWARN);
}

/* Send the fast paths that bypass @point through it (+1) or let them run again (-1). */
static void divert(int point, int delta)
{
	switch (point) {
	case NMM_FAULT_PAGE_ALLOC:
		__atomic_add_fetch(&NMM_TRACE_SEMAPHORE(mm_page_alloc), delta, __ATOMIC_SEQ_CST);
		break;
	case NMM_FAULT_SLAB:
		__atomic_add_fetch(&NMM_TRACE_SEMAPHORE(kmem_cache_alloc), delta, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&NMM_TRACE_SEMAPHORE(kmalloc), delta, __ATOMIC_SEQ_CST);
		break;
	default:
		break;   /* vmalloc, vmap areas, arenas: no fast path */
	}
	if (nmm_fault_divert_hook[point])
		nmm_fault_divert_hook[point](delta > 0);
}

static int check_attr(const struct fault_point *p, const struct nmm_fault_attr *a)
{
	if (a->probability > 100 || a->times < -1 || a->space < 0)
		return -EINVAL;
	if (a->require_end && a->require_end <= a->require_start)
		return -EINVAL;
	if (!(p->has & HAS_GFP) && a->ignore_gfp_wait)
		return -EINVAL;
	if (!(p->has & HAS_HIGHMEM) && a->ignore_gfp_highmem)
		return -EINVAL;
	if (!(p->has & HAS_ORDER) && a->min_order)
		return -EINVAL;
	if (a->min_order > 10)
		return -EINVAL;
	return 0;
}

int nmm_fault_set(int point, const struct nmm_fault_attr *attr)
{
	if (point < 0 || point >= NMM_NR_FAULT_POINTS)
		return -EINVAL;
	struct fault_point *p = &points[point];
	struct nmm_fault_attr off = { 0 };
	if (!attr)
		attr = &off;
	int e = check_attr(p, attr);
	if (e)
		return e;
	pthread_mutex_lock(&fault_lock);
	unsigned int bit = 1U << point;
	bool was = __atomic_load_n(&nmm_fault_armed.mask, __ATOMIC_RELAXED) & bit;
	bool now = attr->probability > 0;
	/* Disarmed while the attributes change: a call in flight sees old or new fields, and a
	 * zero probability (read first) stops it. */
	ST(p->attr.probability, 0u);
	__atomic_and_fetch(&nmm_fault_armed.mask, ~bit, __ATOMIC_SEQ_CST);
	ST(p->attr.interval, attr->interval);
	ST(p->attr.times, attr->times);
	ST(p->attr.space, attr->space);
	ST(p->attr.verbose, attr->verbose);
	ST(p->attr.task_filter, attr->task_filter);
	ST(p->attr.require_start, attr->require_start);
	ST(p->attr.require_end, attr->require_end);
	ST(p->attr.ignore_gfp_wait, attr->ignore_gfp_wait);
	ST(p->attr.ignore_gfp_highmem, attr->ignore_gfp_highmem);
	ST(p->attr.min_order, attr->min_order);
	ST(p->count, 0UL);
	ST(p->space, attr->space);
	ST(p->times, attr->times);
	if (now) {
		/* Statistics restart when a point is armed; turned off, it keeps them for reading. */
		ST(p->calls, 0UL);
		ST(p->injected, 0UL);
		ST(p->last_caller, (uintptr_t)0);
		__atomic_store_n(&p->attr.probability, attr->probability, __ATOMIC_RELEASE);
		__atomic_or_fetch(&nmm_fault_armed.mask, bit, __ATOMIC_SEQ_CST);
	}
	if (now != was)
		divert(point, now ? 1 : -1);
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

int nmm_fault_get(int point, struct nmm_fault_attr *attr)
{
	if (point < 0 || point >= NMM_NR_FAULT_POINTS || !attr)
		return -EINVAL;
	const struct fault_point *p = &points[point];
	memset(attr, 0, sizeof(*attr));
	attr->probability = LD(p->attr.probability);
	attr->interval = LD(p->attr.interval);
	attr->times = LD(p->attr.times);
	attr->space = LD(p->attr.space);
	attr->verbose = LD(p->attr.verbose);
	attr->task_filter = LD(p->attr.task_filter);
	attr->require_start = LD(p->attr.require_start);
	attr->require_end = LD(p->attr.require_end);
	attr->ignore_gfp_wait = LD(p->attr.ignore_gfp_wait);
	attr->ignore_gfp_highmem = LD(p->attr.ignore_gfp_highmem);
	attr->min_order = LD(p->attr.min_order);
	return 0;
}

int nmm_fault_stats(int point, struct nmm_fault_stats *st)
{
	if (point < 0 || point >= NMM_NR_FAULT_POINTS || !st)
		return -EINVAL;
	const struct fault_point *p = &points[point];
	st->calls = LD(p->calls);
	st->injected = LD(p->injected);
	st->last_caller = LD(p->last_caller);
	return 0;
}

unsigned long nmm_fault_injected(int point)
{
	struct nmm_fault_stats st;
	return nmm_fault_stats(point, &st) ? 0 : st.injected;
}

void nmm_fault_reset(void)
{
	for (int i = 0; i < NMM_NR_FAULT_POINTS; i++) {
		nmm_fault_set(i, NULL);
		ST(points[i].calls, 0UL);
		ST(points[i].injected, 0UL);
		ST(points[i].last_caller, (uintptr_t)0);
	}
}

void nmm_fault_apply_boot(const struct nmm_fault_boot *fb)
{
	for (int i = 0; i < NMM_NR_FAULT_POINTS; i++)
		if (fb[i].given)
			nmm_fault_set(i, &fb[i].attr);
}

/* "<interval>,<probability>,<space>,<times>" as the kernel's setup_fault_attr() reads it, then
 * numamm's optional flags: verbose=N, task-filter, ignore-gfp-wait, ignore-gfp-highmem,
 * min-order=N. */
int nmm_fault_parse(int point, const char *val, struct nmm_fault_attr *out, char *why, size_t whylen)
{
	char buf[256];
	if (point < 0 || point >= NMM_NR_FAULT_POINTS || strlen(val) >= sizeof(buf)) {
		snprintf(why, whylen, "value too long");
		return -EINVAL;
	}
	strcpy(buf, val);
	memset(out, 0, sizeof(*out));
	out->verbose = 1;
	const char *field[4] = { "interval", "probability", "space", "times" };
	int n = 0;
	char *save, *item = strtok_r(buf, ",", &save);
	for (; item && n < 4; item = strtok_r(NULL, ",", &save), n++) {
		char *end;
		errno = 0;
		long long v = strtoll(item, &end, 10);
		if (errno || end == item || *end) {
			snprintf(why, whylen, "%s '%s' is not a number", field[n], item);
			return -EINVAL;
		}
		switch (n) {
		case 0:
			if (v < 0) {
				snprintf(why, whylen, "interval must be >= 0");
				return -EINVAL;
			}
			out->interval = (unsigned long)v;
			break;
		case 1:
			if (v < 0 || v > 100) {
				snprintf(why, whylen, "probability must be 0..100 (percent)");
				return -EINVAL;
			}
			out->probability = (unsigned int)v;
			break;
		case 2:
			if (v < 0 || v > (1LL << 50)) {
				snprintf(why, whylen, "space must be 0..2^50");
				return -EINVAL;
			}
			out->space = (long)v;
			break;
		case 3:
			if (v < -1 || v > (1LL << 30)) {
				snprintf(why, whylen, "times must be -1 (no limit) or 0..2^30");
				return -EINVAL;
			}
			out->times = (int)v;
			break;
		}
	}
	if (n < 4) {
		snprintf(why, whylen, "expected <interval>,<probability>,<space>,<times>");
		return -EINVAL;
	}
	for (; item; item = strtok_r(NULL, ",", &save)) {
		char *end;
		if (!strncmp(item, "verbose=", 8)) {
			long v = strtol(item + 8, &end, 10);
			if (end == item + 8 || *end || v < 0 || v > 2) {
				snprintf(why, whylen, "verbose must be 0..2");
				return -EINVAL;
			}
			out->verbose = (int)v;
		} else if (!strcmp(item, "task-filter")) {
			out->task_filter = true;
		} else if (!strcmp(item, "ignore-gfp-wait")) {
			out->ignore_gfp_wait = true;
		} else if (!strcmp(item, "ignore-gfp-highmem")) {
			out->ignore_gfp_highmem = true;
		} else if (!strncmp(item, "min-order=", 10)) {
			long v = strtol(item + 10, &end, 10);
			if (end == item + 10 || *end || v < 0 || v > 10) {
				snprintf(why, whylen, "min-order must be 0..10");
				return -EINVAL;
			}
			out->min_order = (unsigned int)v;
		} else {
			snprintf(why, whylen, "unknown flag '%s' (verbose=N, task-filter, ignore-gfp-wait, "
				 "ignore-gfp-highmem, min-order=N)", item);
			return -EINVAL;
		}
	}
	if (check_attr(&points[point], out)) {
		snprintf(why, whylen, "%s has no such attribute (ignore-gfp-wait: pages and slab; "
			 "ignore-gfp-highmem, min-order: pages)", points[point].name);
		return -EINVAL;
	}
	return 0;
}
