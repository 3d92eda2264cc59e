/* lib/fault/fault.h - the injection points' side of failure injection (lib/fault/fault_inject.c;
 * the public face is <numamm/fault_inject.h>).
 *
 * Zero cost when off. Every point tests one bit of nmm_fault_armed, a read-mostly word alone in
 * its cache line, on a slow path: a predicted-not-taken branch. The page and slab fast paths test
 * nothing new: arming fail_page_alloc or failslab also raises the USDT semaphores those fast
 * paths already test (mm_page_alloc; kmem_cache_alloc and kmalloc), which sends every allocation
 * to the full path, where the bit is tested (the kernel's static-key idea, done with a word the
 * fast path reads anyway). The cost of that detour is paid only while a point is armed.
 */
#ifndef NUMAMM_LIB_FAULT_FAULT_H
#define NUMAMM_LIB_FAULT_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <numamm/fault_inject.h>
#include <numamm/linux/compiler.h>
#include <numamm/linux/gfp.h>

struct nmm_fault_armed {
	unsigned int mask;              /* bit 1 << point: the point is armed */
} __attribute__((aligned(64)));
extern struct nmm_fault_armed nmm_fault_armed __attribute__((visibility("hidden")));

static __always_inline bool nmm_fault_on(int point)
{
#ifdef __SANITIZE_THREAD__
	return unlikely(__atomic_load_n(&nmm_fault_armed.mask, __ATOMIC_RELAXED) & (1U << point));
#else
	return unlikely(*(volatile unsigned int *)&nmm_fault_armed.mask & (1U << point));
#endif
}

/* nmm_should_fail - the kernel's should_fail(): decide one call of @point (armed) of @size
 * bytes from @caller; @quiet suppresses the verbose line (__GFP_NOWARN). */
bool nmm_should_fail(int point, size_t size, uintptr_t caller, bool quiet);

/* should_fail_alloc_page - fail_page_alloc's GFP and order tests, then nmm_should_fail. */
bool should_fail_alloc_page(gfp_t gfp, unsigned int order, uintptr_t caller);

/* should_failslab - failslab's GFP tests, then nmm_should_fail for an object of @size. */
bool should_failslab(size_t size, gfp_t gfp, uintptr_t caller);

/* Boot: apply the boot line's fail_* settings (nmm_boot_params.fault[]). */
struct nmm_fault_boot {
	bool given;
	struct nmm_fault_attr attr;
};
void nmm_fault_apply_boot(const struct nmm_fault_boot *fb);

/* nmm_fault_parse - one boot token's value "<interval>,<probability>,<space>,<times>[,flag...]"
 * for @point into @out. @why receives what is wrong. Return: 0 or -EINVAL. */
int nmm_fault_parse(int point, const char *val, struct nmm_fault_attr *out, char *why, size_t whylen);

/* nmm_fault_point_by_name - the point named @name (a boot token), or -1. */
int nmm_fault_point_by_name(const char *name);

/* Layers whose fast paths test no semaphore hear of their point being armed or disarmed and
 * divert those fast paths themselves: SLAB's array caches (failslab), the drop-in malloc
 * (fail_malloc). Called with the fault lock held, after the point's bit changed. */
extern void (*nmm_fault_divert_hook[NMM_NR_FAULT_POINTS])(bool armed);

#endif
