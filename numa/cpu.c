/* numa/cpu.c - the out-of-line nmm_numa_current_cpu() for callers that do not include
 * <numamm/cpu.h>; the fast path itself (glibc's rseq area, as the kernel's rseq ABI in
 * include/uapi/linux/rseq.h defines it) lives there as a static inline.
 */
#include <numamm/cpu.h>
#include <numamm/topology.h>

__thread struct nmm_cpu_hint_cache nmm_cpu_hint __attribute__((tls_model("initial-exec")));

/**
 * nmm_numa_current_cpu - the CPU this thread runs on.
 *
 * Reads cpu_id from the rseq area glibc registered for this thread; falls back to
 * sched_getcpu() when glibc did not register one (__rseq_size == 0) or registration failed.
 *
 * Context: any thread; never blocks.
 * Return: the CPU id, or -1 if sched_getcpu() fails on the fallback path.
 */
int nmm_numa_current_cpu(void)
{
	return nmm_cpu_current();
}

int nmm_cpu_hint_refresh(void)
{
	nmm_cpu_hint.cpu = sched_getcpu();
	nmm_cpu_hint.countdown = NMM_CPU_HINT_REFRESH - 1;
	return nmm_cpu_hint.cpu;
}
