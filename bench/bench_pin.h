/* bench/bench_pin.h - pin benchmark threads to processing units with hwloc.
 *
 * Thread i of a benchmark goes to PU (i mod nr_pus) in hwloc's logical order, so runs with the
 * same thread count land on the same PUs every time and the numbers are comparable.
 */
#ifndef NUMAMM_BENCH_PIN_H
#define NUMAMM_BENCH_PIN_H

#include "gbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bench_nr_pus - processing units hwloc sees (at least 1). */
int bench_nr_pus(void);

/* bench_pin_thread - bind the calling thread to PU (@i mod bench_nr_pus()).
 * Return: the PU's OS index, or a negative errno when binding failed (the thread runs unpinned). */
int bench_pin_thread(int i);

/* bench_pin - bench_pin_thread(gbench_thread_index(@st)). */
int bench_pin(gbench_state *st);

/* bench_unpin - give the calling thread back the CPU set the process started with. Call it after
 * the loop: Google Benchmark runs thread 0 of every benchmark on the main thread. */
void bench_unpin(void);

#ifdef __cplusplus
}
#endif
#endif
