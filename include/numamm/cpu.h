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

/**
 * nmm_cpu_current - the CPU the calling thread is running on.
 *
 * Fast path: one load of rseq->cpu_id (plus the __rseq_size test, which is constant for the
 * process). Slow path: sched_getcpu().
 *
 * Context: any thread; never blocks, async-signal-safe on the fast path.
 * Return: a CPU id (0 .. possible CPUs - 1), or -1 if even sched_getcpu() fails.
 */
static inline int nmm_cpu_current(void)
{
#if NMM_HAVE_GLIBC_RSEQ
	if (__builtin_expect(__rseq_size != 0, 1)) {
		const struct rseq *rs = (const struct rseq *)
			((const char *)__builtin_thread_pointer() + __rseq_offset);
		/* The kernel writes cpu_id behind our back: a volatile-strength load. */
		int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);

		if (__builtin_expect(cpu >= 0, 1))
			return cpu;
	}
#endif
	return nmm_cpu_current_slow();
}

/* nmm_cpu_has_rseq - true when nmm_cpu_current() takes the rseq fast path in this thread. */
static inline int nmm_cpu_has_rseq(void)
{
#if NMM_HAVE_GLIBC_RSEQ
	if (__rseq_size != 0) {
		const struct rseq *rs = (const struct rseq *)
			((const char *)__builtin_thread_pointer() + __rseq_offset);
		return (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED) >= 0;
	}
#endif
	return 0;
}

#ifdef __cplusplus
}
#endif
#endif
