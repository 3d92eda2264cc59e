// bench/gbench.cc - the C++ side of bench/gbench.h: each C call forwards to Google Benchmark.
//
// gbench_state is a benchmark::State and gbench_b a benchmark::internal::Benchmark, cast through
// opaque C types, so the wrapper adds no allocation and no indirection beyond the call itself.
// This is the only C++ file in bench/.

#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <numamm/numamm.h>

using benchmark::Counter;
using benchmark::State;
using benchmark::internal::Benchmark;

static_assert((int)GBENCH_COUNTER_RATE == (int)Counter::kIsRate, "counter flag bits");
static_assert((int)GBENCH_COUNTER_AVG_THREADS == (int)Counter::kAvgThreads, "counter flag bits");
static_assert((int)GBENCH_COUNTER_ITER_INVARIANT == (int)Counter::kIsIterationInvariant, "counter flag bits");
static_assert((int)GBENCH_COUNTER_AVG_ITERATIONS == (int)Counter::kAvgIterations, "counter flag bits");
static_assert((unsigned)GBENCH_COUNTER_INVERT == (unsigned)Counter::kInvert, "counter flag bits");

static inline State *S(gbench_state *st) { return reinterpret_cast<State *>(st); }
static inline Benchmark *B(gbench_b *b) { return reinterpret_cast<Benchmark *>(b); }
static inline gbench_b *H(Benchmark *b) { return reinterpret_cast<gbench_b *>(b); }

// Context set before gbench_main(); a function-local static because C constructors may run
// before this file's static initialisers.
static std::vector<std::pair<std::string, std::string>> &pending_context()
{
	static std::vector<std::pair<std::string, std::string>> v;
	return v;
}
static bool context_open = false;   // true once Initialize() ran: AddCustomContext directly

extern "C" {

gbench_b *gbench_register(const char *name, gbench_fn fn, void *user)
{
	return H(benchmark::RegisterBenchmark(name, [fn, user](State &st) {
		fn(reinterpret_cast<gbench_state *>(&st), user);
	}));
}

gbench_b *gbench_arg(gbench_b *b, int64_t v) { return H(B(b)->Arg(v)); }

gbench_b *gbench_args_n(gbench_b *b, size_t n, const int64_t *v)
{
	return H(B(b)->Args(std::vector<int64_t>(v, v + n)));
}

gbench_b *gbench_arg_name(gbench_b *b, const char *name) { return H(B(b)->ArgName(name)); }

gbench_b *gbench_arg_names_n(gbench_b *b, size_t n, const char *const *names)
{
	return H(B(b)->ArgNames(std::vector<std::string>(names, names + n)));
}

gbench_b *gbench_range(gbench_b *b, int64_t lo, int64_t hi) { return H(B(b)->Range(lo, hi)); }
gbench_b *gbench_range_multiplier(gbench_b *b, int mult) { return H(B(b)->RangeMultiplier(mult)); }

gbench_b *gbench_dense_range(gbench_b *b, int64_t lo, int64_t hi, int step)
{
	return H(B(b)->DenseRange(lo, hi, step));
}

gbench_b *gbench_threads(gbench_b *b, int n) { return H(B(b)->Threads(n)); }
gbench_b *gbench_thread_range(gbench_b *b, int lo, int hi) { return H(B(b)->ThreadRange(lo, hi)); }

gbench_b *gbench_dense_thread_range(gbench_b *b, int lo, int hi, int stride)
{
	return H(B(b)->DenseThreadRange(lo, hi, stride));
}

gbench_b *gbench_thread_per_cpu(gbench_b *b) { return H(B(b)->ThreadPerCpu()); }
gbench_b *gbench_use_real_time(gbench_b *b) { return H(B(b)->UseRealTime()); }
gbench_b *gbench_use_manual_time(gbench_b *b) { return H(B(b)->UseManualTime()); }
gbench_b *gbench_measure_process_cpu_time(gbench_b *b) { return H(B(b)->MeasureProcessCPUTime()); }

gbench_b *gbench_unit(gbench_b *b, enum gbench_unit unit)
{
	static const benchmark::TimeUnit map[] = { benchmark::kNanosecond, benchmark::kMicrosecond,
						   benchmark::kMillisecond, benchmark::kSecond };
	return H(B(b)->Unit(map[unit]));
}

gbench_b *gbench_repetitions(gbench_b *b, int n) { return H(B(b)->Repetitions(n)); }
gbench_b *gbench_min_time(gbench_b *b, double seconds) { return H(B(b)->MinTime(seconds)); }
gbench_b *gbench_iterations(gbench_b *b, int64_t n) { return H(B(b)->Iterations(n)); }

bool gbench_keep_running(gbench_state *st) { return S(st)->KeepRunning(); }
bool gbench_keep_running_batch(gbench_state *st, int64_t n) { return S(st)->KeepRunningBatch(n); }
void gbench_pause_timing(gbench_state *st) { S(st)->PauseTiming(); }
void gbench_resume_timing(gbench_state *st) { S(st)->ResumeTiming(); }
int64_t gbench_range_x(gbench_state *st, size_t i) { return S(st)->range(i); }
int gbench_thread_index(gbench_state *st) { return S(st)->thread_index(); }
int gbench_threads_count(gbench_state *st) { return S(st)->threads(); }
int64_t gbench_iterations_done(gbench_state *st) { return S(st)->iterations(); }
void gbench_set_items_processed(gbench_state *st, int64_t items) { S(st)->SetItemsProcessed(items); }
void gbench_set_bytes_processed(gbench_state *st, int64_t bytes) { S(st)->SetBytesProcessed(bytes); }
void gbench_set_iteration_time(gbench_state *st, double seconds) { S(st)->SetIterationTime(seconds); }
void gbench_set_label(gbench_state *st, const char *label) { S(st)->SetLabel(label); }

void gbench_counter(gbench_state *st, const char *name, double value,
		    enum gbench_counter_flags flags)
{
	S(st)->counters[name] = Counter(value, static_cast<Counter::Flags>(flags));
}

void gbench_skip(gbench_state *st, const char *msg) { S(st)->SkipWithError(msg); }
bool gbench_skipped(gbench_state *st) { return S(st)->error_occurred(); }

void gbench_add_context(const char *key, const char *value)
{
	if (context_open)
		benchmark::AddCustomContext(key, value);
	else
		pending_context().emplace_back(key, value);
}

int gbench_main(int argc, char **argv)
{
	const char *boot = std::getenv("NUMAMM_BOOT");

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	context_open = true;
	auto &ctx = pending_context();
	auto have = [&ctx](const char *key) {
		for (auto &kv : ctx)
			if (kv.first == key)
				return true;
		return false;
	};
	// A bench that boots with its own line says so; otherwise it is what $NUMAMM_BOOT says.
	if (!have("numamm_version"))
		ctx.emplace_back("numamm_version", NUMAMM_VERSION);
	if (!have("numamm_boot"))
		ctx.emplace_back("numamm_boot", boot ? boot : "");
	for (auto &kv : ctx)
		benchmark::AddCustomContext(kv.first, kv.second);
	ctx.clear();
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}

} // extern "C"
