/* bench/gbench.h - a C API over Google Benchmark, so numamm's benchmarks are plain C.
 *
 * The shape follows IREE's benchmark.h: an opaque state handed to the run function, a
 * registration call that returns a handle with setters, and gbench_main() in place of
 * BENCHMARK_MAIN(). Everything behind it lives in the one C++ file bench/gbench.cc.
 *
 *	static void bm_touch(gbench_state *st, void *user)
 *	{
 *		size_t len = gbench_range_x(st, 0);
 *		while (gbench_keep_running(st)) {
 *			...
 *		}
 *		gbench_set_bytes_processed(st, gbench_iterations(st) * len);
 *	}
 *	GBENCH_CONSTRUCTOR(register_touch)
 *	{
 *		gbench_b *b = gbench_register("touch/anon", bm_touch, NULL);
 *		gbench_range(b, 1 << 20, 1 << 30);
 *		gbench_unit(b, GBENCH_MS);
 *	}
 *	int main(int argc, char **argv) { return gbench_main(argc, argv); }
 *
 * Cost: gbench_keep_running() is an out-of-line call (~1-2 ns). For operations of a few
 * nanoseconds use gbench_keep_running_batch(st, N) and do N operations per call.
 *
 * Threads: with gbench_threads(b, n) the run function runs in n threads at once. Code before
 * the loop in thread 0 happens before every thread's loop starts, and code after the loop in
 * thread 0 runs after every thread has finished it (Google Benchmark puts a barrier at both).
 */
#ifndef NUMAMM_BENCH_GBENCH_H
#define NUMAMM_BENCH_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gbench_state gbench_state;   /* benchmark::State */
typedef struct gbench_b gbench_b;           /* benchmark::internal::Benchmark */
typedef void (*gbench_fn)(gbench_state *st, void *user);

enum gbench_unit { GBENCH_NS, GBENCH_US, GBENCH_MS, GBENCH_S };

/* Counter flags: the same bits as benchmark::Counter::Flags. Counters of all threads are summed,
 * then these apply. */
enum gbench_counter_flags {
	GBENCH_COUNTER_DEFAULT = 0,
	GBENCH_COUNTER_RATE = 1 << 0,              /* divide by the CPU (or real) time: per second */
	GBENCH_COUNTER_AVG_THREADS = 1 << 1,       /* divide by the number of threads */
	GBENCH_COUNTER_AVG_THREADS_RATE = (1 << 0) | (1 << 1),
	GBENCH_COUNTER_ITER_INVARIANT = 1 << 2,    /* multiply by the iterations */
	GBENCH_COUNTER_ITER_INVARIANT_RATE = (1 << 0) | (1 << 2),
	GBENCH_COUNTER_AVG_ITERATIONS = 1 << 3,    /* divide by the iterations: per iteration */
	GBENCH_COUNTER_AVG_ITERATIONS_RATE = (1 << 0) | (1 << 3),
	GBENCH_COUNTER_INVERT = (int)(1U << 31),          /* report 1/value (with RATE: seconds per item) */
};

/* ---- registration (before gbench_main; from a constructor or main) ---- */

/* gbench_register - register @fn under @name; @user is passed to every call.
 * Return: the handle for the setters below (never NULL). */
gbench_b *gbench_register(const char *name, gbench_fn fn, void *user);

gbench_b *gbench_arg(gbench_b *b, int64_t v);
gbench_b *gbench_args_n(gbench_b *b, size_t n, const int64_t *v);
/* gbench_args(b, 1, 2, 3): one run with range(0)=1, range(1)=2, range(2)=3. */
#define gbench_args(b, ...) \
	gbench_args_n((b), sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t), \
		      (int64_t[]){ __VA_ARGS__ })
gbench_b *gbench_arg_name(gbench_b *b, const char *name);
gbench_b *gbench_arg_names_n(gbench_b *b, size_t n, const char *const *names);
#define gbench_arg_names(b, ...) \
	gbench_arg_names_n((b), sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *), \
			   (const char *[]){ __VA_ARGS__ })
/* Powers of the range multiplier (default 8) from @lo to @hi, both included. */
gbench_b *gbench_range(gbench_b *b, int64_t lo, int64_t hi);
gbench_b *gbench_range_multiplier(gbench_b *b, int mult);
gbench_b *gbench_dense_range(gbench_b *b, int64_t lo, int64_t hi, int step);
gbench_b *gbench_threads(gbench_b *b, int n);
/* 1, 2, 4, ... up to @hi (and @hi itself). */
gbench_b *gbench_thread_range(gbench_b *b, int lo, int hi);
gbench_b *gbench_dense_thread_range(gbench_b *b, int lo, int hi, int stride);
gbench_b *gbench_thread_per_cpu(gbench_b *b);
gbench_b *gbench_use_real_time(gbench_b *b);
/* Time comes from gbench_set_iteration_time() instead of the clock. */
gbench_b *gbench_use_manual_time(gbench_b *b);
gbench_b *gbench_measure_process_cpu_time(gbench_b *b);
gbench_b *gbench_unit(gbench_b *b, enum gbench_unit unit);
gbench_b *gbench_repetitions(gbench_b *b, int n);
gbench_b *gbench_min_time(gbench_b *b, double seconds);
gbench_b *gbench_iterations(gbench_b *b, int64_t n);

/* ---- inside the run function ---- */

bool gbench_keep_running(gbench_state *st);
/* Counts @n iterations per call; may overshoot the target by up to @n. */
bool gbench_keep_running_batch(gbench_state *st, int64_t n);
void gbench_pause_timing(gbench_state *st);
void gbench_resume_timing(gbench_state *st);
int64_t gbench_range_x(gbench_state *st, size_t i);
int gbench_thread_index(gbench_state *st);
int gbench_threads_count(gbench_state *st);
/* Iterations this thread has run so far (after the loop: all of them). */
int64_t gbench_iterations_done(gbench_state *st);
void gbench_set_items_processed(gbench_state *st, int64_t items);
void gbench_set_bytes_processed(gbench_state *st, int64_t bytes);
void gbench_set_iteration_time(gbench_state *st, double seconds);
void gbench_set_label(gbench_state *st, const char *label);
/* gbench_counter - set the user counter @name to @value (this thread's share). */
void gbench_counter(gbench_state *st, const char *name, double value,
		    enum gbench_counter_flags flags);
/* gbench_skip - report @msg as this benchmark's error and end it: the loop does not run (or
 * stops at the next keep_running). Call it at most once; return right after. */
void gbench_skip(gbench_state *st, const char *msg);
bool gbench_skipped(gbench_state *st);

/* The compiler must assume *@p is read and may be written: its computation is kept. */
static inline void gbench_do_not_optimize(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}
/* Keep the computation of an integer value (without forcing it to memory). */
#define gbench_do_not_optimize_value(v) __asm__ volatile("" : "+r"(v))
static inline void gbench_clobber_memory(void)
{
	__asm__ volatile("" : : : "memory");
}

/* ---- main ---- */

/* gbench_add_context - a key/value for the "context" block of the JSON and console output.
 * May be called before gbench_main() or from a run function (then it shows in the JSON file
 * only if set before the run starts). */
void gbench_add_context(const char *key, const char *value);

/* gbench_main - Initialize, report unknown flags, run what --benchmark_filter selects, Shutdown.
 * Adds numamm_version and numamm_boot ($NUMAMM_BOOT) to the context.
 * Return: 0, or 1 for an unknown command-line flag. */
int gbench_main(int argc, char **argv);

/* Run @name's body at load time: the place for gbench_register() calls in a bench file. */
#define GBENCH_CONSTRUCTOR(name) \
	static void __attribute__((constructor)) name(void)

#ifdef __cplusplus
}
#endif
#endif
