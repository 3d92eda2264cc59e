/* numamm/fault_inject.h - failure injection: make chosen allocations fail on purpose, so every
 * caller's failure path can be tested (the kernel's fault-injection framework:
 * Documentation/fault-injection/fault-injection.rst, fail_page_alloc and failslab).
 *
 * Off by default; set from the boot line (fail_page_alloc=<interval>,<probability>,<space>,
 * <times>, failslab=..., fail_vmalloc=..., fail_vmap_area=..., fail_malloc=..., fail_arena=...)
 * or at run time with nmm_fault_set(). docs/fault-injection.md says what each point covers and
 * what its callers do on failure.
 */
#ifndef NUMAMM_FAULT_INJECT_H
#define NUMAMM_FAULT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The injection points. The boot-line token of each is nmm_fault_name(point). */
enum nmm_fault_point {
	NMM_FAULT_PAGE_ALLOC,   /* fail_page_alloc: __alloc_pages() and every page API over it */
	NMM_FAULT_SLAB,         /* failslab: kmem_cache_alloc*, kmalloc* up to 8 KiB, every back end */
	NMM_FAULT_VMALLOC,      /* fail_vmalloc: one page of a vmalloc area's page array */
	NMM_FAULT_VMAP_AREA,    /* fail_vmap_area: the virtual area of vmalloc/vmap */
	NMM_FAULT_MALLOC,       /* fail_malloc: the malloc family of libnumamm-malloc.so */
	NMM_FAULT_ARENA,        /* fail_arena: mapping a node's memory at boot or hot-add */
	NMM_NR_FAULT_POINTS
};

/**
 * struct nmm_fault_attr - when a point fails (the kernel's fault_attr, same names).
 * @probability: percent of eligible calls that fail, 0..100; 0 turns the point off.
 * @interval: only every @interval-th eligible call may fail (0 and 1: every call).
 * @times: failures left; -1 = no limit, 0 = no more failures.
 * @space: how much is allocated before any failure: each call spends its size, and a call
 *         bigger than what is left may fail. In pages for page_alloc (as the kernel), in
 *         bytes for every other point.
 * @verbose: 0 silent, 1 (or more) one "FAULT_INJECTION: forcing a failure." line per failure.
 * @task_filter: fail only in threads that called nmm_fault_make_it_fail(true).
 * @require_start: with @require_end: fail only calls whose caller (the return address of the
 *                 API entry point, e.g. of alloc_pages()) is in [@require_start, @require_end).
 * @require_end: 0 = no call-site filter.
 * @ignore_gfp_wait: page_alloc and slab only: never fail allocations that may direct-reclaim
 *                   (__GFP_DIRECT_RECLAIM, as GFP_KERNEL).
 * @ignore_gfp_highmem: page_alloc only: never fail __GFP_HIGHMEM allocations.
 * @min_order: page_alloc only: never fail allocations of a smaller order.
 *
 * Eligible calls pass, in this order, the GFP/order tests, @task_filter, @times != 0, the
 * call-site filter and @space; then @interval, then @probability decide. __GFP_NOFAIL
 * allocations never fail.
 */
struct nmm_fault_attr {
	unsigned int probability;
	unsigned long interval;
	int times;
	long space;
	int verbose;
	bool task_filter;
	uintptr_t require_start, require_end;
	bool ignore_gfp_wait;
	bool ignore_gfp_highmem;
	unsigned int min_order;
};

/* struct nmm_fault_stats - what a point did since it was last armed. */
struct nmm_fault_stats {
	unsigned long calls;      /* eligible calls that reached the interval/probability test */
	unsigned long injected;   /* failures forced */
	uintptr_t last_caller;    /* caller of the last forced failure, 0 = none */
};

/**
 * nmm_fault_set - configure a point; its counters restart, and so do its statistics when it
 * is armed (turned off, it keeps them, so a test can read them afterwards).
 * @point: an enum nmm_fault_point
 * @attr: the attributes, or NULL to turn the point off
 * Context: any thread, before or after boot; a call in flight at another thread may still see
 *          the old attributes.
 * Return: 0, or -EINVAL for an unknown point or a bad attribute (probability > 100, times < -1,
 *         space < 0, an attribute the point does not have).
 */
int nmm_fault_set(int point, const struct nmm_fault_attr *attr);

/* nmm_fault_get - the point's attributes as set (zero when off). Return: 0 or -EINVAL. */
int nmm_fault_get(int point, struct nmm_fault_attr *attr);

/* nmm_fault_stats - the point's counts. Return: 0 or -EINVAL. */
int nmm_fault_stats(int point, struct nmm_fault_stats *st);

/* nmm_fault_injected - failures forced at @point since it was armed (0 for a bad point). */
unsigned long nmm_fault_injected(int point);

/* nmm_fault_reset - every point off, every count zero. */
void nmm_fault_reset(void);

/* nmm_fault_make_it_fail - this thread's /proc/self/make-it-fail: with @task_filter set, only
 * threads that opted in see failures. Return: the previous setting. */
bool nmm_fault_make_it_fail(bool on);

/* nmm_fault_name - the point's name ("fail_page_alloc", "failslab", ...), NULL if unknown. */
const char *nmm_fault_name(int point);

#ifdef __cplusplus
}
#endif
#endif
