/* numamm/cpu.h - which CPU am I on, in a few instructions (numa/ layer fast path).
 *
 * Follows the kernel's rseq ABI (include/uapi/linux/rseq.h, kernel/rseq.c): since glibc 2.35
 * every thread has a struct rseq registered with the kernel at __rseq_offset from the thread
 * pointer, and the kernel stores the current CPU in its cpu_id field before returning to user
 * space after any migration. Reading it is one load, against a vDSO or syscall for
 * sched_getcpu(). When glibc did not register rseq (__rseq_size == 0, e.g. under
 * GLIBC_TUNABLES=glibc.pthread.rseq=0, or an older glibc) or registration failed (cpu_id < 0),
 * we fall back to sched_getcpu().
 *
 * The value can be stale the instant it is read (the thread may migrate); per-CPU users must
 * tolerate that (as the kernel's raw_smp_processor_id() users do) or use an rseq critical section.
 */
#ifndef NUMAMM_CPU_H
#define NUMAMM_CPU_H

#include <sched.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35)) && \
	__has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define NMM_HAVE_GLIBC_RSEQ 1
#else
#define NMM_HAVE_GLIBC_RSEQ 0
#endif

#if !defined(_GNU_SOURCE) && !defined(__cplusplus)
extern int sched_getcpu(void);
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* nmm_cpu_current_slow - the sched_getcpu() path, for threads without a usable rseq area. */
static inline int nmm_cpu_current_slow(void)
{
	return sched_getcpu();
}

/* Per-thread cache of sched_getcpu() for nmm_cpu_current_hint() when there is no rseq. */
struct nmm_cpu_hint_cache {
	int cpu;
	unsigned int countdown;
};
extern __thread struct nmm_cpu_hint_cache nmm_cpu_hint __attribute__((tls_model("initial-exec")));
#define NMM_CPU_HINT_REFRESH 64

/* nmm_cpu_hint_refresh - ask sched_getcpu() and restart the countdown (out of line, rare). */
int nmm_cpu_hint_refresh(void);

static inline int nmm_cpu_current_hint_slow(void)
{
	if (__builtin_expect(nmm_cpu_hint.countdown != 0, 1)) {
		nmm_cpu_hint.countdown--;
		return nmm_cpu_hint.cpu;
	}
	return nmm_cpu_hint_refresh();
}

#if NMM_HAVE_GLIBC_RSEQ
/* This thread's rseq area. glibc keeps it in every thread's TCB even when it did not register
 * it with the kernel (__rseq_size == 0); cpu_id then stays negative (RSEQ_CPU_ID_UNINITIALIZED
 * or RSEQ_CPU_ID_REGISTRATION_FAILED). */
static inline struct rseq *nmm_rseq_area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}
#endif

/* nmm_cpu_rseq_id - the CPU from rseq, or a negative value when this thread has no rseq. The
 * kernel writes cpu_id behind our back: a volatile-strength load. */
static inline int nmm_cpu_rseq_id(void)
{
#if NMM_HAVE_GLIBC_RSEQ
	return (int)__atomic_load_n(&nmm_rseq_area()->cpu_id, __ATOMIC_RELAXED);
#else
	return -1;
#endif
}

/**
 * nmm_cpu_current - the CPU the calling thread is running on.
 *
 * Fast path: one load of rseq->cpu_id. Slow path: sched_getcpu().
 *
 * Context: any thread; never blocks, async-signal-safe on the fast path.
 * Return: a CPU id (0 .. possible CPUs - 1), or -1 if even sched_getcpu() fails.
 */
static inline int nmm_cpu_current(void)
{
	int cpu = nmm_cpu_rseq_id();
	return __builtin_expect(cpu >= 0, 1) ? cpu : nmm_cpu_current_slow();
}

/**
 * nmm_cpu_current_hint - the CPU the calling thread is probably running on, for per-CPU caches.
 *
 * With rseq this is nmm_cpu_current(). Without it, sched_getcpu() is asked once every
 * NMM_CPU_HINT_REFRESH calls and cached per thread in between, so a thread that migrated keeps
 * using its old CPU's cache for a while: callers must be correct for any CPU id (the page
 * allocator's pcp lists and the slab per-CPU caches take a per-CPU lock), it only costs locality.
 * Return: a CPU id, or -1 if sched_getcpu() fails.
 */
static inline int nmm_cpu_current_hint(void)
{
	int cpu = nmm_cpu_rseq_id();
	return __builtin_expect(cpu >= 0, 1) ? cpu : nmm_cpu_current_hint_slow();
}

/* nmm_cpu_has_rseq - true when nmm_cpu_current() takes the rseq fast path in this thread. */
static inline int nmm_cpu_has_rseq(void)
{
	return nmm_cpu_rseq_id() >= 0;
}

#ifdef __cplusplus
}
#endif
#endif
