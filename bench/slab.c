/* bench/slab.c - the slab layer (issue 5): SLUB, SLAB and SLOB side by side with glibc malloc,
 * jemalloc, tcmalloc and mimalloc, in one process and one run.
 *
 * Allocators (<who> in the names): slub, slab, slob — numamm booted with slab=<who>, so one
 * binary compares the three back ends; glibc, jemalloc, tcmalloc, mimalloc — each through its own
 * malloc/free (bench_peers.h: dlopen RTLD_LOCAL, verified to own what it returns). A back end
 * that is not built skips with nmm_boot's message ("slab=slob: this back end is not built"); a
 * peer that cannot be loaded skips with the reason.
 *
 * One iteration is one alloc+free pair (one object for xthread). Threads are pinned (bench_pin.h).
 * cpu_time is one thread's CPU time per pair; real_time is 1 / the wall-clock throughput of all
 * threads together, so 2-thread scaling = real_time(1 thread) / real_time(2 threads).
 *
 *   cache/<who>/size:S/batch:N       kmem_cache_alloc(GFP_KERNEL) N times, then kmem_cache_free
 *                                    them in the same order, on a cache of S-byte objects
 *                                    (kmem_cache_create("bench-S", S, 0, 0, NULL), created per
 *                                    run, destroyed after it); peers: malloc(S) / free. N=1 is
 *                                    the tight pair; 64 and 1000 go past the per-CPU caches
 *                                    (SLUB's CPU slab, SLAB's array cache, the peers' thread
 *                                    caches) into the shared structures. 1 and 2 threads.
 *   kmalloc/<who>/size:S             kmalloc(S, GFP_KERNEL) + kfree, S = 8 .. 8192 (the kmalloc
 *                                    classes) and 16384 (straight from the page allocator); peers
 *                                    malloc(S) + free. 1 thread, and 2 threads for the scaling
 *                                    table (sizes 64, 512, 4096 in the quick matrix, all in full).
 *   xthread/<who>/size:S             producer/consumer: thread 0 (PU 0) allocates and passes each
 *                                    object through a single-producer ring to thread 1 (PU 1),
 *                                    which frees it: every free is a cross-thread (and, pinned,
 *                                    cross-CPU) free. Wall time; items_per_second = objects/s.
 *   node/<backend>/local|remote/size:64/batch:N
 *                                    booted with numa=fake=2; one thread pinned to a CPU of node
 *                                    0; kmem_cache_alloc_node(node 0 | node 1) N times, then
 *                                    kmem_cache_free them (a remote free for node 1). Counters:
 *                                    cpu, cpu_node, wrong_node (objects checked after the loop
 *                                    that are not on the node asked for). On one real node both
 *                                    fake nodes are the same DRAM: the software path only.
 *   compute_ceiling                  a pure register loop (page_alloc.c's xorshift64* loop) at 1
 *                                    and 2 threads: how far 2 threads can scale on these CPUs at
 *                                    all, the reference for the 2-thread kmalloc scaling.
 *
 * Matrix: NUMAMM_BENCH_MODE=full (tools/numamm-bench --full sets it) registers the 2-thread
 * kmalloc runs at every size and xthread at 16..1024 B; otherwise the quick matrix above.
 *
 * Boot: $NUMAMM_BOOT, or "mem=256M hugepages=off", plus " slab=<backend>" (and " numa=fake=2" for
 * node/). The first thread of a run (re)boots when the line differs from the current boot, before
 * any thread's timed loop; peers' runs leave numamm as it is. Objects are not touched by the
 * benchmark: the figures are the allocators' own work (including what they write into free
 * objects), not the application's.
 */
#include "bench_faults.h"
#include "bench_peers.h"
#include "bench_pin.h"
#include "gbench.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/cpu.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#define KR_PAIRS 256          /* pairs per gbench_keep_running_batch() call (tight pairs) */
#define MAX_BATCH 1000        /* largest cache/ batch */
#define RING_SIZE 1024        /* xthread ring slots (a power of two) */

enum who { W_SLUB, W_SLAB, W_SLOB, W_GLIBC, W_JEMALLOC, W_TCMALLOC, W_MIMALLOC, NR_WHO };

static const char *const who_name[NR_WHO] = { "slub", "slab", "slob", "glibc", "jemalloc",
					       "tcmalloc", "mimalloc" };
static const enum bench_peer_id who_peer[NR_WHO] = {
	[W_GLIBC] = BENCH_PEER_GLIBC, [W_JEMALLOC] = BENCH_PEER_JEMALLOC,
	[W_TCMALLOC] = BENCH_PEER_TCMALLOC, [W_MIMALLOC] = BENCH_PEER_MIMALLOC,
};

static bool is_numamm(enum who w)
{
	return w <= W_SLOB;
}

enum family { F_CACHE, F_KMALLOC, F_XTHREAD, F_NODE };

struct bcase {
	enum family fam;
	enum who who;
	bool remote;          /* node/: allocate on node 1 instead of node 0 */
};

/* ---------------------------------------------------------------- boot and set-up */

static char run_error[700];
static int run_ok;                      /* written by thread 0 before the loops start */
static struct kmem_cache *run_cache;    /* cache/, xthread/, node/: this run's cache */
static void *(*run_malloc)(size_t);     /* peers: this run's entry points */
static void (*run_free)(void *);

static const char *base_line(void)
{
	const char *line = getenv("NUMAMM_BOOT");

	return line && *line ? line : "mem=256M hugepages=off";
}

/* ensure_boot - boot numamm with back end @w (and numa=fake=2 when @fake2) unless already booted
 * so. Return: true when booted; false with run_error set. */
static bool ensure_boot(enum who w, bool fake2)
{
	char line[400];
	int err;

	snprintf(line, sizeof(line), "%s slab=%s%s", base_line(), who_name[w],
		 fake2 ? " numa=fake=2" : "");
	if (nmm_booted() && !strcmp(nmm_boot_cmdline(), line))
		return true;
	if (nmm_booted())
		nmm_shutdown();
	err = nmm_boot(line);
	if (err) {
		snprintf(run_error, sizeof(run_error), "nmm_boot(\"%s\"): %s: %s", line,
			 strerror(-err), nmm_boot_strerror());
		return false;
	}
	return true;
}

/* setup - thread 0, before the loop: boot or find the peer, create the cache of @size bytes
 * when @cache. Return: true, or false after gbench_skip() with the reason. */
static bool setup(gbench_state *st, const struct bcase *c, unsigned int size, bool cache)
{
	char name[32];

	run_ok = 0;
	run_cache = NULL;
	run_malloc = NULL;
	run_free = NULL;
	if (!is_numamm(c->who)) {
		const struct bench_peer *pr = bench_peer(who_peer[c->who]);

		if (!pr->malloc) {
			snprintf(run_error, sizeof(run_error), "%s: %s", pr->name, pr->error);
			gbench_skip(st, run_error);
			return false;
		}
		run_malloc = pr->malloc;
		run_free = pr->free;
		run_ok = 1;
		return true;
	}
	if (!ensure_boot(c->who, c->fam == F_NODE)) {
		gbench_skip(st, run_error);
		return false;
	}
	if (c->fam == F_NODE && nr_node_ids < 2) {
		snprintf(run_error, sizeof(run_error), "numa=fake=2 booted %d node(s)", nr_node_ids);
		gbench_skip(st, run_error);
		return false;
	}
	if (cache) {
		snprintf(name, sizeof(name), "bench-%u", size);
		run_cache = kmem_cache_create(name, size, 0, 0, NULL);
		if (!run_cache) {
			snprintf(run_error, sizeof(run_error), "kmem_cache_create(\"%s\", %u) failed",
				 name, size);
			gbench_skip(st, run_error);
			return false;
		}
	}
	run_ok = 1;
	return true;
}

/* teardown - thread 0, after the loop (every thread is past it). */
static void teardown(void)
{
	if (run_cache)
		kmem_cache_destroy(run_cache);
	run_cache = NULL;
}

/* A loop body can only look at run_ok once every thread is past the start barrier. */
#define CHECK_READY(st)                                              \
	if (unlikely(!run_ok)) {                                     \
		if (gbench_thread_index(st) != 0)                    \
			gbench_skip(st, "set-up failed (thread 0)"); \
		continue;                                            \
	}

static void report_common(gbench_state *st, const struct bench_faults *f0, long failed)
{
	bench_faults_report(st, f0);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

/* ---------------------------------------------------------------- pairs: cache/ and kmalloc/ */

/* PAIRS - the timed loop for @n-object batches of ALLOC then FREE. Each allocator gets its own
 * copy of the loop, calling its entry points the way a program linked to it would: numamm and
 * glibc directly (glibc through the PLT), the dlopen()ed peers through their function pointers.
 * LOAD picks up what thread 0 set up: only valid once past the start barrier, which is inside
 * the first keep_running call, so it runs at the top of every batch (one load per batch). */
#define PAIRS(LOAD, ALLOC, FREE)                                                    \
	do {                                                                        \
		while (gbench_keep_running_batch(st, per_call)) {                   \
			CHECK_READY(st);                                            \
			LOAD;                                                       \
			if (n == 1) {                                               \
				for (int r_ = 0; r_ < KR_PAIRS; r_++) {             \
					void *p = (ALLOC);                          \
					gbench_do_not_optimize(p);                  \
					failed += !p;                               \
					FREE;                                       \
				}                                                   \
				continue;                                           \
			}                                                           \
			for (int r_ = 0; r_ < rounds; r_++) {                       \
				for (int i_ = 0; i_ < n; i_++) {                    \
					objs[i_] = (ALLOC);                         \
					gbench_do_not_optimize(objs[i_]);           \
				}                                                   \
				for (int i_ = 0; i_ < n; i_++) {                    \
					void *p = objs[i_];                         \
					failed += !p;                               \
					FREE;                                       \
				}                                                   \
			}                                                           \
		}                                                                   \
	} while (0)

static void bm_pairs(gbench_state *st, void *user)
{
	const struct bcase *c = user;
	size_t size = (size_t)gbench_range_x(st, 0);
	int n = c->fam == F_CACHE ? (int)gbench_range_x(st, 1) : 1;
	int rounds = n >= KR_PAIRS ? 1 : KR_PAIRS / n;
	int64_t per_call = n == 1 ? KR_PAIRS : (int64_t)rounds * n;
	void *objs[MAX_BATCH];
	struct bench_faults f0;
	long failed = 0;

	if (gbench_thread_index(st) == 0)
		setup(st, c, (unsigned int)size, c->fam == F_CACHE);
	bench_pin(st);
	bench_faults_now(&f0);
	struct kmem_cache *s;
	void *(*pm)(size_t);
	void (*pf)(void *);

	if (c->who == W_GLIBC)
		PAIRS((void)0, malloc(size), free(p));
	else if (!is_numamm(c->who))
		PAIRS((pm = run_malloc, pf = run_free), pm(size), pf(p));
	else if (c->fam == F_KMALLOC)
		PAIRS((void)0, kmalloc(size, GFP_KERNEL), kfree(p));
	else
		PAIRS(s = run_cache, kmem_cache_alloc(s, GFP_KERNEL), kmem_cache_free(s, p));
	bench_unpin();
	if (gbench_thread_index(st) == 0)
		teardown();
	report_common(st, &f0, failed);
}

/* ---------------------------------------------------------------- xthread: producer/consumer */

/* A single-producer single-consumer ring: head is written by the producer only, tail by the
 * consumer only, each on its own cache line; each side keeps a copy of the other's index and
 * reloads it only when the ring looks full (empty), so the ring itself moves few cache lines and
 * the figure is mostly the allocator's. */
static struct {
	void *slot[RING_SIZE];
	_Alignas(64) unsigned long head;
	unsigned long tail_seen;        /* producer's copy of tail */
	_Alignas(64) unsigned long tail;
	unsigned long head_seen;        /* consumer's copy of head */
	_Alignas(64) int stop;          /* a thread left its loop early: the other must not wait */
} ring;

/* Wait for @cond, politely: on 2 vCPUs shared with other work the other side may not be running. */
#define SPIN_UNTIL(cond)                                                        \
	do {                                                                    \
		for (unsigned spins_ = 0; !(cond); spins_++) {                  \
			if (__atomic_load_n(&ring.stop, __ATOMIC_RELAXED))       \
				break;                                          \
			if (spins_ < 4096)                                      \
				cpu_relax();                                    \
			else                                                    \
				sched_yield();                                  \
		}                                                               \
	} while (0)

/* Return: false when the ring stays full because the consumer stopped (the caller frees @p). */
static inline bool ring_push(void *p)
{
	unsigned long h = ring.head;

	if (unlikely(h - ring.tail_seen >= RING_SIZE)) {
		SPIN_UNTIL(h - (ring.tail_seen = __atomic_load_n(&ring.tail, __ATOMIC_ACQUIRE)) <
			   RING_SIZE);
		if (h - ring.tail_seen >= RING_SIZE)
			return false;
	}
	ring.slot[h & (RING_SIZE - 1)] = p;
	__atomic_store_n(&ring.head, h + 1, __ATOMIC_RELEASE);
	return true;
}

/* Return: the next object, or NULL when the ring stays empty because the producer stopped. */
static inline void *ring_pop(void)
{
	unsigned long t = ring.tail;
	void *p;

	if (unlikely(ring.head_seen == t)) {
		SPIN_UNTIL((ring.head_seen = __atomic_load_n(&ring.head, __ATOMIC_ACQUIRE)) != t);
		if (ring.head_seen == t)
			return NULL;
	}
	p = ring.slot[t & (RING_SIZE - 1)];
	__atomic_store_n(&ring.tail, t + 1, __ATOMIC_RELEASE);
	return p;
}

/* Both threads run the same number of iterations (Google Benchmark gives every thread the same
 * count, and both batch by KR_PAIRS), so every object pushed is popped before the loops end. */
#define XTHREAD(LOAD, ALLOC, FREE)                                              \
	do {                                                                    \
		while (gbench_keep_running_batch(st, KR_PAIRS)) {               \
			CHECK_READY(st);                                        \
			LOAD;                                                   \
			if (producer) {                                         \
				for (int r_ = 0; r_ < KR_PAIRS; r_++) {         \
					void *p = (ALLOC);                      \
					failed += !p;                           \
					if (unlikely(!ring_push(p)))            \
						FREE;                           \
				}                                               \
			} else {                                                \
				for (int r_ = 0; r_ < KR_PAIRS; r_++) {         \
					void *p = ring_pop();                   \
					FREE;                                   \
				}                                               \
			}                                                       \
		}                                                               \
	} while (0)

static void bm_xthread(gbench_state *st, void *user)
{
	const struct bcase *c = user;
	size_t size = (size_t)gbench_range_x(st, 0);
	bool producer = gbench_thread_index(st) == 0;
	struct bench_faults f0;
	long failed = 0;

	if (producer) {
		ring.head = ring.tail = ring.tail_seen = ring.head_seen = 0;
		ring.stop = 0;
		setup(st, c, (unsigned int)size, true);
	}
	bench_pin(st);
	bench_faults_now(&f0);
	struct kmem_cache *s;
	void *(*pm)(size_t);
	void (*pf)(void *);

	if (c->who == W_GLIBC)
		XTHREAD((void)0, malloc(size), free(p));
	else if (!is_numamm(c->who))
		XTHREAD((pm = run_malloc, pf = run_free), pm(size), pf(p));
	else
		XTHREAD(s = run_cache, kmem_cache_alloc(s, GFP_KERNEL), kmem_cache_free(s, p));
	__atomic_store_n(&ring.stop, 1, __ATOMIC_RELAXED);
	bench_unpin();
	if (producer) {
		/* Only after a skip can objects be left in the ring. */
		while (ring.tail != ring.head) {
			void *p = ring.slot[ring.tail++ & (RING_SIZE - 1)];

			if (run_cache)
				kmem_cache_free(run_cache, p);
			else if (run_free)
				run_free(p);
		}
		teardown();
	}
	bench_faults_report(st, &f0);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	/* Objects moved: the producer's iterations (the consumer's are the same objects). */
	gbench_set_items_processed(st, producer ? gbench_iterations_done(st) : 0);
}

/* ---------------------------------------------------------------- node: local vs remote */

/* The first CPU this process may use that numamm puts on node 0, or -1. */
static int node0_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE && cpu < NMM_MAX_CPUS; cpu++)
		if (CPU_ISSET(cpu, &set) && cpu_to_node(cpu) == 0)
			return cpu;
	return -1;
}

static void bm_node(gbench_state *st, void *user)
{
	const struct bcase *c = user;
	int n = (int)gbench_range_x(st, 1);
	int rounds = n >= KR_PAIRS ? 1 : KR_PAIRS / n;
	int64_t per_call = n == 1 ? KR_PAIRS : (int64_t)rounds * n;
	int nid = c->remote ? 1 : 0, cpu = -1;
	void *objs[MAX_BATCH];
	struct bench_faults f0;
	long failed = 0, wrong = 0;

	if (setup(st, c, (unsigned int)gbench_range_x(st, 0), true)) {
		cpu_set_t set;

		cpu = node0_cpu();
		CPU_ZERO(&set);
		if (cpu >= 0)
			CPU_SET(cpu, &set);
		if (cpu < 0 || pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
			snprintf(run_error, sizeof(run_error), "cannot pin to a CPU of node 0 (cpu %d)",
				 cpu);
			gbench_skip(st, run_error);
			run_ok = 0;
		}
	}
	bench_faults_now(&f0);
	struct kmem_cache *s = run_cache;

	PAIRS((void)0, kmem_cache_alloc_node(s, GFP_KERNEL, nid), kmem_cache_free(s, p));
	if (run_ok) {
		/* Where the objects came from, outside the timed loop. */
		for (int i = 0; i < 64; i++) {
			objs[i] = kmem_cache_alloc_node(s, GFP_KERNEL, nid);
			wrong += objs[i] && page_to_nid(virt_to_page(objs[i])) != nid;
		}
		for (int i = 0; i < 64; i++)
			kmem_cache_free(s, objs[i]);
		gbench_counter(st, "cpu", cpu, GBENCH_COUNTER_DEFAULT);
		gbench_counter(st, "cpu_node", numa_node_id(), GBENCH_COUNTER_DEFAULT);
		gbench_counter(st, "node", nid, GBENCH_COUNTER_DEFAULT);
		gbench_counter(st, "wrong_node", (double)wrong, GBENCH_COUNTER_DEFAULT);
	}
	bench_unpin();
	teardown();
	report_common(st, &f0, failed);
}

/* ---------------------------------------------------------------- compute_ceiling */

/* The same xorshift64* loop as bench/page_alloc.c's compute_ceiling, so the two compare. */
static void bm_compute(gbench_state *st, void *user)
{
	uint64_t a = 0x9e3779b97f4a7c15ULL + (uint64_t)gbench_thread_index(st), b = a * 3;

	(void)user;
	bench_pin(st);
	while (gbench_keep_running_batch(st, 1024)) {
		for (int i = 0; i < 1024; i++) {
			a ^= a >> 12;
			a ^= a << 25;
			a ^= a >> 27;
			b += a * 0x2545F4914F6CDD1DULL;
		}
		gbench_do_not_optimize_value(a);
		gbench_do_not_optimize_value(b);
	}
	bench_unpin();
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

/* ---------------------------------------------------------------- registration */

static const unsigned int cache_sizes[] = { 16, 64, 256, 1024 };
static const int cache_batches[] = { 1, 64, 1000 };
static const unsigned int kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024,
					      2048, 4096, 8192, 16384 };
static struct bcase cases[4][NR_WHO][2];

static bool full_matrix(void)
{
	const char *m = getenv("NUMAMM_BENCH_MODE");

	return m && !strcmp(m, "full");
}

static bool kmalloc_2t(unsigned int size)
{
	return full_matrix() || size == 64 || size == 512 || size == 4096;
}

GBENCH_CONSTRUCTOR(register_slab)
{
	char name[64];
	gbench_b *b;

	for (int f = 0; f < 4; f++)
		for (int w = 0; w < NR_WHO; w++)
			for (int r = 0; r < 2; r++)
				cases[f][w][r] = (struct bcase){ (enum family)f, (enum who)w, r };

	b = gbench_register("compute_ceiling", bm_compute, NULL);
	gbench_threads(b, 1);
	gbench_threads(b, 2);

	/* Allocators next to each other at every size, so they run close together in time. */
	for (size_t bi = 0; bi < sizeof(cache_batches) / sizeof(cache_batches[0]); bi++)
		for (size_t si = 0; si < sizeof(cache_sizes) / sizeof(cache_sizes[0]); si++)
			for (int w = 0; w < NR_WHO; w++) {
				snprintf(name, sizeof(name), "cache/%s", who_name[w]);
				b = gbench_register(name, bm_pairs, &cases[F_CACHE][w][0]);
				gbench_arg_names(b, "size", "batch");
				gbench_args(b, cache_sizes[si], cache_batches[bi]);
				gbench_threads(b, 1);
				gbench_threads(b, 2);
			}
	for (size_t si = 0; si < sizeof(kmalloc_sizes) / sizeof(kmalloc_sizes[0]); si++)
		for (int w = 0; w < NR_WHO; w++) {
			snprintf(name, sizeof(name), "kmalloc/%s", who_name[w]);
			b = gbench_register(name, bm_pairs, &cases[F_KMALLOC][w][0]);
			gbench_arg_name(b, "size");
			gbench_arg(b, kmalloc_sizes[si]);
			gbench_threads(b, 1);
			if (kmalloc_2t(kmalloc_sizes[si]))
				gbench_threads(b, 2);
		}
	for (size_t si = 0; si < sizeof(cache_sizes) / sizeof(cache_sizes[0]); si++) {
		if (cache_sizes[si] != 64 && !full_matrix())
			continue;
		for (int w = 0; w < NR_WHO; w++) {
			snprintf(name, sizeof(name), "xthread/%s", who_name[w]);
			b = gbench_register(name, bm_xthread, &cases[F_XTHREAD][w][0]);
			gbench_arg_name(b, "size");
			gbench_arg(b, cache_sizes[si]);
			gbench_use_real_time(b);
			gbench_threads(b, 2);
		}
	}
	for (int n = 1; n <= 64; n *= 64)
		for (int w = W_SLUB; w <= W_SLOB; w++)
			for (int r = 0; r < 2; r++) {
				snprintf(name, sizeof(name), "node/%s/%s", who_name[w],
					 r ? "remote" : "local");
				b = gbench_register(name, bm_node, &cases[F_NODE][w][r]);
				gbench_arg_names(b, "size", "batch");
				gbench_args(b, 64, n);
				gbench_threads(b, 1);
			}
}

int main(int argc, char **argv)
{
	int ret;

	bench_peers_reexec(argv);
	bench_peers_load();
	bench_peers_context();
	gbench_add_context("numamm_boot", base_line());
	gbench_add_context("slab_matrix", full_matrix() ? "full" : "quick");
	ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	(void)argc;
	return ret;
}
