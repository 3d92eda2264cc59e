/* tools/soak/soak_main.c - numamm-soak: run every layer from many threads for a while, check the
 * invariants on the way, and prove that memory comes back.
 *
 *   numamm-soak [THREADS] [SECONDS] [SEED]
 *   numamm-soak --threads=N --seconds=S --seed=N --boot='LINE' --check-ms=MS --warmup=S
 *               --require-reclaim -v
 *
 * Two phases run the same workers: a short warm-up (lazily created kmalloc caches, per-thread
 * tables, kswapd threads come to exist), then the soak. After each, everything is freed and
 * soak_settle() empties numamm's caches; the snapshot after the soak must equal the one after
 * the warm-up. Beside the workers, a churn thread keeps starting short-lived threads (they
 * allocate, hand what they hold to the workers and exit), and a checker thread parks everyone
 * every --check-ms and runs the walkers. docs/soak.md has the long-run command.
 * Exit: 0 when no violation was seen, 1 otherwise (each violation is one line on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <numamm/numamm.h>

#include "page_alloc/internal.h"

#include "soak.h"

#define DEFAULT_BOOT "mem=96M numa=fake=2 highmem=16M hugepages=off"
#define BATCH 64
#define MAX_HELD 256

struct soak_options soak_opt = { .threads = 4, .seconds = 10, .seed = 1, .boot = DEFAULT_BOOT,
				 .check_ms = 500 };
pthread_rwlock_t soak_quiesce;
volatile int soak_stop;
unsigned long soak_violations;

static pthread_barrier_t stop_barrier;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static struct soak_thread total;          /* counters of every thread of the current phase */
static double warmup_s = 1.0;
static bool require_reclaim;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stopping(void)
{
	return __atomic_load_n(&soak_stop, __ATOMIC_ACQUIRE);
}

static void thread_init(struct soak_thread *t, int slot, uint64_t salt)
{
	memset(t, 0, sizeof(*t));
	t->slot = slot;
	t->rng = (soak_opt.seed + 1) * 0x9E3779B97F4A7C15ULL ^ (salt * 0xBF58476D1CE4E5B9ULL) ^ (uint64_t)slot;
	if (!t->rng)
		t->rng = 1;
	t->next_id = (uint64_t)slot << 40 | (salt & 0xffff) << 24;
	t->max_held = MAX_HELD;
	t->held = calloc(MAX_HELD, sizeof(*t->held));
}

static void thread_fold(struct soak_thread *t)
{
	pthread_mutex_lock(&total_lock);
	for (int k = 0; k < SOAK_NR_KINDS; k++) {
		total.ops[k] += t->ops[k];
		total.frees[k] += t->frees[k];
		total.fails[k] += t->fails[k];
	}
	for (int c = 0; c < SOAK_NR_COUNTERS; c++)
		total.count[c] += t->count[c];
	pthread_mutex_unlock(&total_lock);
	free(t->held);
	t->held = NULL;
}

/* A batch of steps with the checker held off. */
static void run_batch(struct soak_thread *t, int steps)
{
	pthread_rwlock_rdlock(&soak_quiesce);
	soak_set_in_batch(true);
	if (t->slot < soak_opt.threads)
		soak_drain_inbox(t);
	for (int i = 0; i < steps; i++)
		soak_step(t);
	soak_set_in_batch(false);
	pthread_rwlock_unlock(&soak_quiesce);
}

static void *worker_main(void *arg)
{
	struct soak_thread *t = arg;
	while (!stopping())
		run_batch(t, BATCH);
	pthread_rwlock_rdlock(&soak_quiesce);
	soak_free_held(t);
	pthread_rwlock_unlock(&soak_quiesce);
	/* Past the barrier nobody hands anything over: what is in the inbox now is all. */
	pthread_barrier_wait(&stop_barrier);
	pthread_rwlock_rdlock(&soak_quiesce);
	soak_drain_inbox(t);
	pthread_rwlock_unlock(&soak_quiesce);
	thread_fold(t);
	return NULL;
}

/* Short-lived threads: a few batches, then everything they hold goes to the workers. */
static void *ephemeral_main(void *arg)
{
	struct soak_thread *t = arg;
	int batches = 2 + (int)soak_below(t, 12);
	for (int b = 0; b < batches && !stopping(); b++)
		run_batch(t, BATCH);
	pthread_rwlock_rdlock(&soak_quiesce);
	soak_hand_out(t);
	pthread_rwlock_unlock(&soak_quiesce);
	thread_fold(t);
	return NULL;
}

static void *churn_main(void *arg)
{
	uint64_t salt = (uint64_t)(uintptr_t)arg;
	unsigned long started = 0;
	while (!stopping()) {
		struct soak_thread t;
		pthread_t th;
		thread_init(&t, soak_opt.threads + (int)(started % 1024), salt + started + 1);
		if (pthread_create(&th, NULL, ephemeral_main, &t)) {
			free(t.held);
			usleep(1000);
			continue;
		}
		pthread_join(th, NULL);
		started++;
	}
	pthread_mutex_lock(&total_lock);
	total.count[SOAK_THREADS] += started;
	pthread_mutex_unlock(&total_lock);
	pthread_barrier_wait(&stop_barrier);
	return NULL;
}

static void *checker_main(void *arg)
{
	(void)arg;
	while (!stopping()) {
		for (int ms = 0; ms < soak_opt.check_ms && !stopping(); ms += 10)
			usleep(10000);
		if (stopping())
			break;
		pthread_rwlock_wrlock(&soak_quiesce);
		soak_check_all("during the run");
		pthread_rwlock_unlock(&soak_quiesce);
	}
	return NULL;
}

/* One phase: workers, churn and checker for @seconds (and, @until_reclaim, until kswapd ran).
 * Return: the elapsed time. */
static double run_phase(double seconds, uint64_t salt, bool until_reclaim)
{
	int n = soak_opt.threads;
	struct soak_thread *w = calloc((size_t)n, sizeof(*w));
	pthread_t *th = calloc((size_t)n, sizeof(*th)), churn, checker;
	if (!w || !th) {
		fprintf(stderr, "numamm-soak: out of memory for %d threads\n", n);
		exit(1);
	}
	memset(&total, 0, sizeof(total));
	__atomic_store_n(&soak_stop, 0, __ATOMIC_RELEASE);
	pthread_barrier_init(&stop_barrier, NULL, (unsigned int)n + 1);
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		thread_init(&w[i], i, salt);
		if (pthread_create(&th[i], NULL, worker_main, &w[i])) {
			fprintf(stderr, "numamm-soak: cannot start worker %d: %s\n", i, strerror(errno));
			exit(1);
		}
	}
	if (pthread_create(&churn, NULL, churn_main, (void *)(uintptr_t)(salt << 32)) ||
	    pthread_create(&checker, NULL, checker_main, NULL)) {
		fprintf(stderr, "numamm-soak: cannot start the churn or checker thread\n");
		exit(1);
	}
	/* The warm-up also waits for reclaim to have run (up to 30 s): kswapd then exists and has
	 * made its own per-thread structures, which it keeps for its life. */
	while (now_s() - t0 < seconds ||
	       (until_reclaim && now_s() - t0 < 30 && !__atomic_load_n(&nmm_reclaim_stat_kswapd, __ATOMIC_RELAXED)))
		usleep(20000);
	__atomic_store_n(&soak_stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_join(churn, NULL);
	pthread_join(checker, NULL);
	double elapsed = now_s() - t0;
	pthread_barrier_destroy(&stop_barrier);
	for (int k = 0; k < SOAK_NR_KINDS; k++)
		if (total.ops[k] - total.fails[k] != total.frees[k])
			soak_fail("%s: %lu allocated, %lu freed", soak_kind_name((enum soak_kind)k),
				  total.ops[k] - total.fails[k], total.frees[k]);
	free(w);
	free(th);
	return elapsed;
}

/* Settle and snapshot until two snapshots agree: kswapd may still be finishing a pass. */
static void settled_snapshot(struct soak_snapshot *snap)
{
	struct soak_snapshot again;
	soak_settle();
	soak_snapshot_take(snap);
	for (int i = 0; i < 10; i++) {
		usleep(20000);
		soak_settle();
		soak_snapshot_take(&again);
		if (!memcmp(&again, snap, sizeof(again)))
			return;
		*snap = again;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: numamm-soak [THREADS] [SECONDS] [SEED]\n"
		   "       numamm-soak [--threads=N] [--seconds=S] [--seed=N] [--boot='LINE'] [--check-ms=MS]\n"
		   "                   [--warmup=S] [--require-reclaim] [-v]\n"
		   "defaults: 4 threads, 10 s, seed 1, --boot='" DEFAULT_BOOT "', checks every 500 ms,\n"
		   "1 s warm-up. Exit 0: no violation; 1: violations (one line each on stderr).\n");
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' }, { "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },    { "boot", required_argument, NULL, 'b' },
		{ "check-ms", required_argument, NULL, 'c' }, { "warmup", required_argument, NULL, 'w' },
		{ "require-reclaim", no_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },       { NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 't': soak_opt.threads = atoi(optarg); break;
		case 's': soak_opt.seconds = atof(optarg); break;
		case 'S': soak_opt.seed = strtoull(optarg, NULL, 0); break;
		case 'b': soak_opt.boot = optarg; break;
		case 'c': soak_opt.check_ms = atoi(optarg); break;
		case 'w': warmup_s = atof(optarg); break;
		case 'r': require_reclaim = true; break;
		case 'v': soak_opt.verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		soak_opt.threads = atoi(argv[optind++]);
	if (optind < argc)
		soak_opt.seconds = atof(argv[optind++]);
	if (optind < argc)
		soak_opt.seed = strtoull(argv[optind++], NULL, 0);
	if (optind < argc || soak_opt.threads < 1 || soak_opt.threads > 256 || soak_opt.seconds <= 0 ||
	    soak_opt.check_ms < 10 || warmup_s < 0) {
		usage(stderr);
		exit(2);
	}
}

static void print_summary(double elapsed, const struct soak_snapshot *a, bool same)
{
	unsigned long freed, scans;
	soak_shrink_stats(&freed, &scans);
	printf("numamm-soak: %d threads, %.1f s, seed %llu, boot '%s':", soak_opt.threads, elapsed,
	       (unsigned long long)soak_opt.seed, soak_opt.boot);
	for (int k = 0; k < SOAK_NR_KINDS; k++)
		printf(" %s %lu (%.0f/s, %lu failed)%s", soak_kind_name((enum soak_kind)k), total.ops[k],
		       (double)total.ops[k] / elapsed, total.fails[k], k + 1 < SOAK_NR_KINDS ? "," : ";");
	printf(" krealloc %lu (%lu failed), cross-thread frees %lu, caches created+destroyed %lu, threads started %lu, kmaps %lu, "
	       "__GFP_THISNODE checked %lu; shrinker: %lu added, %lu freed in %lu scans; reclaim: "
	       "direct %lu, kswapd %lu; allocation failures reported %lu; checks %lu; memory back to "
	       "start: %s (%ld free pages, %lu slab objects, %lu vmalloc areas); violations %lu\n",
	       total.count[SOAK_REALLOCS], total.count[SOAK_REALLOC_FAILS],
	       total.count[SOAK_CROSS_FREES], total.count[SOAK_CACHE_CREATES], total.count[SOAK_THREADS],
	       total.count[SOAK_KMAPS], total.count[SOAK_THISNODE], total.count[SOAK_SHRINK_ADDS], freed,
	       scans, __atomic_load_n(&nmm_reclaim_stat_direct, __ATOMIC_RELAXED),
	       __atomic_load_n(&nmm_reclaim_stat_kswapd, __ATOMIC_RELAXED),
	       __atomic_load_n(&nmm_alloc_fail_count, __ATOMIC_RELAXED),
	       soak_checks_done, same ? "yes" : "NO", (long)nr_free_pages(), a->slab_objects,
	       a->vmalloc_areas, soak_violations);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	/* The checker must get in even though batches overlap: writers first. */
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&soak_quiesce, &ra);
	if (nmm_boot(soak_opt.boot)) {
		fprintf(stderr, "numamm-soak: cannot boot '%s': %s\n", soak_opt.boot, nmm_boot_strerror());
		return 1;
	}
	if (soak_ops_init(soak_opt.threads)) {
		fprintf(stderr, "numamm-soak: cannot create the shared caches, pools and shrinker\n");
		return 1;
	}
	struct soak_snapshot start, end;
	if (warmup_s > 0)
		run_phase(warmup_s, 1000, true);
	settled_snapshot(&start);
	soak_check_all("after the warm-up");
	unsigned long freed0, scans0;
	soak_shrink_stats(&freed0, &scans0);
	unsigned long direct0 = __atomic_load_n(&nmm_reclaim_stat_direct, __ATOMIC_RELAXED),
		      kswapd0 = __atomic_load_n(&nmm_reclaim_stat_kswapd, __ATOMIC_RELAXED);
	if (soak_opt.verbose)
		fprintf(stderr, "numamm-soak: warm-up done, %ld free pages, %lu slab objects in %d caches\n",
			(long)nr_free_pages(), start.slab_objects, start.nr_caches);

	double elapsed = run_phase(soak_opt.seconds, 1, false);
	settled_snapshot(&end);
	soak_check_all("at the end");
	bool same = soak_snapshot_same(&start, &end);
	unsigned long freed, scans;
	soak_shrink_stats(&freed, &scans);
	if (require_reclaim && scans == scans0 &&
	    __atomic_load_n(&nmm_reclaim_stat_direct, __ATOMIC_RELAXED) == direct0 &&
	    __atomic_load_n(&nmm_reclaim_stat_kswapd, __ATOMIC_RELAXED) == kswapd0)
		soak_fail("--require-reclaim: no reclaim ran during the soak (boot with a smaller mem=)");
	print_summary(elapsed, &end, same);
	soak_ops_exit();
	nmm_shutdown();
	if (soak_violations) {
		fprintf(stderr, "numamm-soak: FAILED: %lu violation(s), the first one above\n", soak_violations);
		return 1;
	}
	return 0;
}
