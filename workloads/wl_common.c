/* workloads/wl_common.c - latency histograms, zipfian keys, run length (wl_common.h). */
#include "wl_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_pin.h"

static unsigned int bucket_of(uint64_t ns)
{
	if (ns < WL_HIST_SUB)
		return (unsigned int)ns;
	unsigned int log = 63u - (unsigned int)__builtin_clzll(ns);          /* >= 3 */
	unsigned int sub = (unsigned int)(ns >> (log - 3)) & (WL_HIST_SUB - 1);
	unsigned int b = (log - 2) * WL_HIST_SUB + sub;
	return b < WL_HIST_BUCKETS ? b : WL_HIST_BUCKETS - 1;
}

/* The largest ns that falls in bucket @b. */
static double bucket_top(unsigned int b)
{
	if (b < WL_HIST_SUB)
		return b;
	unsigned int log = b / WL_HIST_SUB + 2, sub = b % WL_HIST_SUB;
	return (double)(((uint64_t)(WL_HIST_SUB + sub + 1) << (log - 3)) - 1);
}

void wl_hist_add(struct wl_hist *h, uint64_t ns)
{
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->bucket[bucket_of(ns)]++;
}

void wl_hist_merge(struct wl_hist *into, const struct wl_hist *from)
{
	into->count += from->count;
	into->sum_ns += from->sum_ns;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
	for (unsigned int b = 0; b < WL_HIST_BUCKETS; b++)
		into->bucket[b] += from->bucket[b];
}

double wl_hist_quantile(const struct wl_hist *h, double p)
{
	if (!h->count)
		return 0;
	uint64_t want = (uint64_t)ceil(p * (double)h->count), seen = 0;
	if (want < 1)
		want = 1;
	for (unsigned int b = 0; b < WL_HIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= want) {
			double top = bucket_top(b);
			return top < (double)h->max_ns ? top : (double)h->max_ns;
		}
	}
	return (double)h->max_ns;
}

void wl_hist_report(gbench_state *st, const char *prefix, const struct wl_hist *h)
{
	static const struct { const char *name; double p; } q[] = {
		{ "p50", 0.50 }, { "p90", 0.90 }, { "p99", 0.99 }, { "p999", 0.999 },
	};
	char name[64];
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s_ns", prefix, q[i].name);
		gbench_counter(st, name, wl_hist_quantile(h, q[i].p), GBENCH_COUNTER_DEFAULT);
	}
	snprintf(name, sizeof(name), "%s_max_ns", prefix);
	gbench_counter(st, name, (double)h->max_ns, GBENCH_COUNTER_DEFAULT);
	snprintf(name, sizeof(name), "%s_mean_ns", prefix);
	gbench_counter(st, name, h->count ? (double)h->sum_ns / (double)h->count : 0, GBENCH_COUNTER_DEFAULT);
}

static double zeta(uint64_t n, double theta)
{
	double sum = 0;
	for (uint64_t i = 1; i <= n; i++)
		sum += 1.0 / pow((double)i, theta);
	return sum;
}

void wl_zipf_init(struct wl_zipf *z, uint64_t n, double theta)
{
	z->n = n;
	z->theta = theta;
	z->alpha = 1.0 / (1.0 - theta);
	z->zetan = zeta(n, theta);
	double zeta2 = zeta(2, theta);
	z->eta = (1.0 - pow(2.0 / (double)n, 1.0 - theta)) / (1.0 - zeta2 / z->zetan);
	z->half_pow = 1.0 + pow(0.5, theta);
}

uint64_t wl_zipf_next(const struct wl_zipf *z, uint64_t *rng)
{
	double u = (double)(wl_rand(rng) >> 11) * (1.0 / 9007199254740992.0);
	double uz = u * z->zetan;
	uint64_t rank;
	if (uz < 1.0)
		rank = 0;
	else if (uz < z->half_pow)
		rank = 1;
	else
		rank = (uint64_t)((double)z->n * pow(z->eta * u - z->eta + 1.0, z->alpha));
	if (rank >= z->n)
		rank = z->n - 1;
	/* Scatter the ranks over the key space (odd multiplier: a bijection mod 2^64, then mod n
	 * is close enough to one for n far below 2^64). */
	return (rank * 0x9e3779b97f4a7c15ull) % z->n;
}

double wl_run_seconds(void)
{
	const char *s = getenv("NUMAMM_WORKLOAD_SECONDS");
	if (s && *s) {
		double v = atof(s);
		if (v > 0)
			return v;
	}
	s = getenv("NUMAMM_BENCH_MODE");
	return s && !strcmp(s, "full") ? 5.0 : 1.0;
}

int wl_pin(int i)
{
	return bench_pin_thread(i);
}
