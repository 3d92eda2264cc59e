/* bench/bench_faults.h - page faults per iteration, from getrusage(RUSAGE_THREAD) deltas.
 *
 * Page faults dominate the cost of first touch on this kind of VM (a 4 KiB shmem fault is
 * ~15 us), so every benchmark that touches fresh memory reports them next to its time.
 * Faults are counted per thread: take the start snapshot in the thread that touches.
 */
#ifndef NUMAMM_BENCH_FAULTS_H
#define NUMAMM_BENCH_FAULTS_H

#include "gbench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bench_faults {
	long minflt;   /* minor faults: page found or allocated without I/O */
	long majflt;   /* major faults: needed I/O */
};

/* bench_faults_now - the calling thread's fault counts so far. */
void bench_faults_now(struct bench_faults *f);

/* bench_faults_since - faults of the calling thread since @start (a bench_faults_now result). */
void bench_faults_since(const struct bench_faults *start, struct bench_faults *delta);

/* bench_faults_report - set the counters "faults" and "majfaults" (per iteration, summed over
 * threads) from the calling thread's faults since @start. Call after the loop. */
void bench_faults_report(gbench_state *st, const struct bench_faults *start);

#ifdef __cplusplus
}
#endif
#endif
