/* bench/bench_faults.c - page-fault counters for benchmarks (see bench_faults.h). */
#include "bench_faults.h"

#include <sys/resource.h>

void bench_faults_now(struct bench_faults *f)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru)) {
		f->minflt = f->majflt = 0;
		return;
	}
	f->minflt = ru.ru_minflt;
	f->majflt = ru.ru_majflt;
}

void bench_faults_since(const struct bench_faults *start, struct bench_faults *delta)
{
	bench_faults_now(delta);
	delta->minflt -= start->minflt;
	delta->majflt -= start->majflt;
}

void bench_faults_report(gbench_state *st, const struct bench_faults *start)
{
	struct bench_faults d;

	bench_faults_since(start, &d);
	gbench_counter(st, "faults", (double)d.minflt, GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "majfaults", (double)d.majflt, GBENCH_COUNTER_AVG_ITERATIONS);
}
