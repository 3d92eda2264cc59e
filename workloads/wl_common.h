/* workloads/wl_common.h - what the realistic workloads share: latency histograms with
 * percentiles, a zipfian key generator, a clock, a small PRNG, and the one-iteration-per-run
 * shape they use inside Google Benchmark.
 *
 * A workload is a Google Benchmark binary (build/workloads/workload-<name>) like the ones in
 * bench/, so tools/numamm-bench runs it, records its JSON and compares it with the same code.
 * Each benchmark is one whole run of the workload: gbench_iterations(1), manual time = the
 * run's wall time, and counters for throughput and latency percentiles (ns). Repetitions
 * repeat the run; the run length is NUMAMM_WORKLOAD_SECONDS (default 1 s in quick mode, 5 s in
 * full mode: tools/numamm-bench sets NUMAMM_BENCH_MODE).
 */
#ifndef NUMAMM_WORKLOADS_WL_COMMON_H
#define NUMAMM_WORKLOADS_WL_COMMON_H

#include <stdint.h>
#include <time.h>

#include "gbench.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline uint64_t wl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: per-thread, seeded by the caller. */
static inline uint64_t wl_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/*
 * struct wl_hist - a log-linear latency histogram: 8 sub-buckets per power of two from 1 ns to
 * 2^40 ns (±6% resolution). One per thread, merged after the run; no locks, no allocation.
 */
#define WL_HIST_SUB 8
#define WL_HIST_BUCKETS (41 * WL_HIST_SUB)
struct wl_hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t bucket[WL_HIST_BUCKETS];
};

void wl_hist_add(struct wl_hist *h, uint64_t ns);
void wl_hist_merge(struct wl_hist *into, const struct wl_hist *from);
/* The @p-quantile (0 < p < 1) in ns: the upper edge of the bucket that holds it; 0 when empty. */
double wl_hist_quantile(const struct wl_hist *h, double p);
/* Counters <prefix>_p50_ns, _p90_ns, _p99_ns, _p999_ns, _max_ns, _mean_ns on @st. */
void wl_hist_report(gbench_state *st, const char *prefix, const struct wl_hist *h);

/*
 * struct wl_zipf - keys 0..n-1 with P(k) ~ 1/(k+1)^theta (Gray et al., "Quickly generating
 * billion-record synthetic databases", as YCSB does), then scattered by a multiplicative hash so
 * that hot keys do not sit next to each other. theta < 1.
 */
struct wl_zipf {
	uint64_t n;
	double theta, alpha, zetan, eta, half_pow;
};

void wl_zipf_init(struct wl_zipf *z, uint64_t n, double theta);
uint64_t wl_zipf_next(const struct wl_zipf *z, uint64_t *rng);

/* Run length in seconds: NUMAMM_WORKLOAD_SECONDS, else 1 (quick) or 5 (NUMAMM_BENCH_MODE=full). */
double wl_run_seconds(void);

/* Pin the calling thread to PU @i (mod the PUs there are), as bench/ does. */
int wl_pin(int i);

#ifdef __cplusplus
}
#endif
#endif
