/* bench/page_alloc.c - the page allocator (issue 4): pcp fast path, buddy orders, local vs remote
 * node, fragmentation with and without mobility grouping, and peers.
 *
 * Speed benchmarks (threads pinned with hwloc, 1 and 2 threads; one iteration is one alloc+free
 * pair; cpu_time is one thread's CPU time per pair, real_time is 1 / the wall-clock throughput
 * of all threads together, so 2-thread scaling = real_time(1) / real_time(2)):
 *   pcp/order0_pair/batch:N   alloc_page(GFP_KERNEL) N times, then __free_page() them in the
 *                             same order. N=1 is the hot pair; N above the pcp `high` limit
 *                             (6 * batch, 186 pages at mem=512M) also drains to and refills from
 *                             the buddy lists.
 *   buddy/order:N             alloc_pages(GFP_KERNEL, N) + __free_pages(), N = 0..10. Orders 0..3
 *                             go through the pcp lists, orders 4..10 through zone->lock.
 *   buddy_nopcp/order:N       N = 0..3 with this CPU's pcp sets locked by the benchmark thread, so
 *                             the allocator's trylock fails and it takes its documented fallback
 *                             (the buddy lists under zone->lock) — the buddy cost of small orders.
 *   node/local, node/remote   alloc_pages_node(nid) + __free_page() with the thread's own node vs
 *                             the other node; booted with numa=fake=2. On a one-node machine both
 *                             nodes are the same DRAM: this measures the software path only.
 *   compute_ceiling[/...]     a pure register loop at 1 and 2 threads, the same shape of run as
 *                             above: how far 2 threads on this machine's CPUs can scale at all
 *                             (2 vCPUs that are one core's hyperthreads scale far below 2x).
 *                             compute_ceiling is xorshift64* (mixed ILP, the headline),
 *                             /latency a single multiply-add chain, /throughput four of them.
 *   peer/malloc_4k            glibc malloc(4096) + free().
 *   peer/numa_alloc_onnode_4k numa_alloc_onnode(4096, 0) + numa_free() (mmap + mbind, no touch).
 *   peer/mmap_populate_4k     mmap(4 KiB, MAP_POPULATE) + munmap() (the kernel's own page
 *                             allocator plus a page-table update).
 *
 * Counter benchmark (time is secondary):
 *   frag/order9_success/grouping:1|0   boot with page_grouping=on|off; fill 90% of free
 *     memory with random allocations (orders 0..3: 55/20/15/10%; GFP_KERNEL unmovable 30%,
 *     __GFP_MOVABLE 50%, __GFP_RECLAIMABLE 20%); free random blocks down to 50% (so what stays
 *     is spread over all memory, as after a page-cache peak); churn (free a random live block,
 *     allocate until 50% again) for 4x the live count; free every movable block (as if migrated
 *     or reclaimed); drain the pcp lists; then allocate order-9 blocks with
 *     __GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY until one fails. Counters: order9_ok (blocks),
 *     order9_share_free (order9_ok * 512 / free pages before the probe), free_pages,
 *     order9_possible (free pages / 512), steal/extfrag events. Same seed for both settings,
 *     a fresh boot per iteration, so the counts repeat exactly.
 *
 * Boot: $NUMAMM_BOOT, or "mem=512M"; node/ runs append " numa=fake=2", frag/ runs append
 * " page_grouping=on|off". The first thread of a run (re)boots when the line differs from the
 * current boot, before any thread's timed loop. A failed boot skips the run with the reason.
 * Memory is warm: the pairs reuse the same few pages, and the runner's warm-up takes the faults.
 */
#include "bench_faults.h"
#include "bench_pin.h"
#include "gbench.h"

#include <errno.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <numamm/cpu.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>
#include <numamm/linux/numa.h>
#include <numamm/linux/spinlock.h>
#include <numamm/numamm.h>

#define KR_BATCH 256          /* pairs per gbench_keep_running_batch() call */
#define MAX_BATCH 1024        /* largest pcp/order0_pair batch */

enum boot_kind { BOOT_BASE, BOOT_FAKE2, BOOT_GROUPING_ON, BOOT_GROUPING_OFF };

static char boot_error[512];
static int boot_ok;            /* written by thread 0 before the loops start */

static const char *base_line(void)
{
	const char *line = getenv("NUMAMM_BOOT");

	return line && *line ? line : "mem=512M";
}

static void boot_line(enum boot_kind kind, char *buf, size_t len)
{
	static const char *const extra[] = { "", " numa=fake=2", " page_grouping=on",
					     " page_grouping=off" };

	snprintf(buf, len, "%s%s", base_line(), extra[kind]);
}

/* ensure_boot - (re)boot with @kind's line unless already booted with it. Thread 0 only, before
 * the loop. Return: true when booted; false after gbench_skip() with the reason. */
static bool ensure_boot(gbench_state *st, enum boot_kind kind, bool fresh)
{
	char line[400];
	int err;

	boot_line(kind, line, sizeof(line));
	boot_ok = 0;
	if (nmm_booted() && !fresh && !strcmp(nmm_boot_cmdline(), line)) {
		boot_ok = 1;
		return true;
	}
	if (nmm_booted())
		nmm_shutdown();
	err = nmm_boot(line);
	if (err) {
		snprintf(boot_error, sizeof(boot_error), "nmm_boot(\"%s\"): %s: %s", line,
			 strerror(-err), nmm_boot_strerror());
		gbench_skip(st, boot_error);
		return false;
	}
	boot_ok = 1;
	return true;
}

/* A loop body can only look at boot_ok once every thread is past the start barrier. */
#define CHECK_BOOTED(st)                                         \
	if (unlikely(!boot_ok)) {                                \
		if (gbench_thread_index(st) != 0)                \
			gbench_skip(st, "boot failed (thread 0)"); \
		continue;                                        \
	}

static void report_pairs(gbench_state *st)
{
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

/* ---------------------------------------------------------------- pcp/order0_pair */

static void bm_order0_pair(gbench_state *st, void *user)
{
	int n = (int)gbench_range_x(st, 0);
	int rounds = n >= KR_BATCH ? 1 : KR_BATCH / n;
	struct page *pages[MAX_BATCH];
	struct bench_faults f0;
	long failed = 0;

	(void)user;
	if (gbench_thread_index(st) == 0)
		ensure_boot(st, BOOT_BASE, false);
	bench_pin(st);
	bench_faults_now(&f0);
	while (gbench_keep_running_batch(st, (int64_t)rounds * n)) {
		CHECK_BOOTED(st);
		for (int r = 0; r < rounds; r++) {
			for (int i = 0; i < n; i++)
				pages[i] = alloc_page(GFP_KERNEL);
			for (int i = 0; i < n; i++) {
				failed += !pages[i];
				__free_page(pages[i]);
			}
		}
	}
	bench_unpin();
	bench_faults_report(st, &f0);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	report_pairs(st);
}

/* ---------------------------------------------------------------- buddy/order:N */

struct buddy_case {
	bool nopcp;
};

/* Lock (or unlock) every pcp set of @cpu: the allocator's spin_trylock on them then fails and it
 * uses the buddy lists, exactly its path when another thread holds the set. */
static void pcp_hold(int cpu, bool lock)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!populated_zone(zone) || !zone->per_cpu_pageset)
				continue;
			if (lock)
				spin_lock(&zone->per_cpu_pageset[cpu].lock);
			else
				spin_unlock(&zone->per_cpu_pageset[cpu].lock);
		}
}

static void bm_buddy(gbench_state *st, void *user)
{
	const struct buddy_case *c = user;
	unsigned int order = (unsigned int)gbench_range_x(st, 0);
	int cpu = -1, per_kr = order >= 8 ? 16 : 64;
	struct bench_faults f0;
	long failed = 0;

	if (gbench_thread_index(st) == 0) {
		if (ensure_boot(st, BOOT_BASE, false))
			drain_all_pages(NULL);
	}
	cpu = bench_pin(st);
	/* Skip, but still reach the loop: every thread must pass the start barrier. */
	if (c->nopcp && cpu < 0)
		gbench_skip(st, "buddy_nopcp needs a pinned thread (hwloc binding failed)");
	bench_faults_now(&f0);
	bool held = false;
	while (gbench_keep_running_batch(st, per_kr)) {
		CHECK_BOOTED(st);
		if (c->nopcp && !held) {
			pcp_hold(cpu, true);
			held = true;
		}
		for (int i = 0; i < per_kr; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);

			failed += !page;
			__free_pages(page, order);
		}
	}
	if (held)
		pcp_hold(cpu, false);
	bench_unpin();
	bench_faults_report(st, &f0);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	report_pairs(st);
}

/* ---------------------------------------------------------------- node/local, node/remote */

static void bm_node(gbench_state *st, void *user)
{
	bool remote = user != NULL;
	int nid = -1;
	long wrong = 0, failed = 0;
	struct bench_faults f0;

	if (gbench_thread_index(st) == 0 && ensure_boot(st, BOOT_FAKE2, false) && nr_node_ids < 2) {
		boot_ok = 0;
		snprintf(boot_error, sizeof(boot_error), "numa=fake=2 booted %d node(s)", nr_node_ids);
		gbench_skip(st, boot_error);
	}
	bench_pin(st);
	bench_faults_now(&f0);
	while (gbench_keep_running_batch(st, KR_BATCH)) {
		CHECK_BOOTED(st);
		if (nid < 0) {
			int local = numa_node_id();

			nid = remote ? (local + 1) % nr_node_ids : local;
		}
		for (int i = 0; i < KR_BATCH; i++) {
			struct page *page = alloc_pages_node(nid, GFP_KERNEL, 0);

			if (unlikely(!page)) {
				failed++;
				continue;
			}
			wrong += page_to_nid(page) != nid;
			__free_page(page);
		}
	}
	bench_unpin();
	bench_faults_report(st, &f0);
	if (nid >= 0)
		gbench_counter(st, "node", nid, GBENCH_COUNTER_AVG_THREADS);
	/* Pages that came from another node than asked: should be 0 while the node has memory. */
	gbench_counter(st, "wrong_node", (double)wrong, GBENCH_COUNTER_DEFAULT);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	report_pairs(st);
}

/* ---------------------------------------------------------------- compute_ceiling */

enum compute_kind { COMPUTE_XORSHIFT, COMPUTE_LATENCY, COMPUTE_THROUGHPUT };

static void bm_compute(gbench_state *st, void *user)
{
	enum compute_kind kind = (enum compute_kind)(uintptr_t)user;
	uint64_t a = 0x9e3779b97f4a7c15ULL + (uint64_t)gbench_thread_index(st), b = a * 3, c = a * 5,
		 d = a * 7;

	bench_pin(st);
	while (gbench_keep_running_batch(st, 1024)) {
		switch (kind) {
		case COMPUTE_XORSHIFT:
			for (int i = 0; i < 1024; i++) {
				a ^= a >> 12;
				a ^= a << 25;
				a ^= a >> 27;
				b += a * 0x2545F4914F6CDD1DULL;
			}
			break;
		case COMPUTE_LATENCY:
			for (int i = 0; i < 1024; i++)
				a = a * 0x5851F42D4C957F2DULL + 1;
			break;
		case COMPUTE_THROUGHPUT:
			for (int i = 0; i < 1024; i++) {
				a = a * 0x5851F42D4C957F2DULL + 1;
				b = b * 0x5851F42D4C957F2DULL + 3;
				c = c * 0x5851F42D4C957F2DULL + 5;
				d = d * 0x5851F42D4C957F2DULL + 7;
			}
			break;
		}
		gbench_do_not_optimize_value(a);
		gbench_do_not_optimize_value(b);
		gbench_do_not_optimize_value(c);
		gbench_do_not_optimize_value(d);
	}
	bench_unpin();
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

/* ---------------------------------------------------------------- peers */

enum peer_kind { PEER_MALLOC, PEER_NUMA, PEER_MMAP };

static void bm_peer(gbench_state *st, void *user)
{
	enum peer_kind kind = (enum peer_kind)(uintptr_t)user;
	int per_kr = kind == PEER_MALLOC ? KR_BATCH : 16;
	struct bench_faults f0;
	long failed = 0;

	if (kind == PEER_NUMA && numa_available() < 0) {
		gbench_skip(st, "libnuma: numa_available() < 0");
		return;
	}
	bench_pin(st);
	bench_faults_now(&f0);
	while (gbench_keep_running_batch(st, per_kr)) {
		for (int i = 0; i < per_kr; i++) {
			void *p;

			switch (kind) {
			case PEER_MALLOC:
				p = malloc(4096);
				gbench_do_not_optimize(p);
				failed += !p;
				free(p);
				break;
			case PEER_NUMA:
				p = numa_alloc_onnode(4096, 0);
				gbench_do_not_optimize(p);
				failed += !p;
				if (p)
					numa_free(p, 4096);
				break;
			case PEER_MMAP:
				p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
				failed += p == MAP_FAILED;
				if (p != MAP_FAILED)
					munmap(p, 4096);
				break;
			}
		}
	}
	bench_unpin();
	bench_faults_report(st, &f0);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	report_pairs(st);
}

/* ---------------------------------------------------------------- frag/order9_success */

struct frag_block {
	struct page *page;
	unsigned char order;
	unsigned char mt;     /* 0 unmovable, 1 movable, 2 reclaimable */
};

/* xorshift64*: reproducible, the same sequence for both settings. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static const gfp_t frag_gfp[3] = {
	GFP_KERNEL | __GFP_NOWARN,
	GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN,
	GFP_KERNEL | __GFP_RECLAIMABLE | __GFP_NOWARN,
};

static bool frag_alloc_one(struct frag_block *b, uint64_t *seed)
{
	unsigned int r = (unsigned int)(rnd_next(seed) % 100), o = (unsigned int)(rnd_next(seed) % 100);

	b->mt = r < 30 ? 0 : r < 80 ? 1 : 2;
	b->order = o < 55 ? 0 : o < 75 ? 1 : o < 90 ? 2 : 3;
	b->page = alloc_pages(frag_gfp[b->mt], b->order);
	return b->page != NULL;
}

static unsigned long zone_events(bool steal)
{
	unsigned long n = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (populated_zone(zone))
				n += steal ? zone->steal_events : zone->extfrag_events;
		}
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void bm_frag(gbench_state *st, void *user)
{
	bool grouping = gbench_range_x(st, 0) != 0;
	double ok = 0, share = 0, free_before = 0, steal = 0, extfrag = 0, fails = 0;
	double churn_ms = 0, probe_ms = 0;
	struct frag_block *blk = NULL;
	struct page **big = NULL;

	(void)user;
	bench_pin(st);
	while (gbench_keep_running(st)) {
		uint64_t seed = 0x5eed5eed12345678ULL;
		unsigned long target, high, allocated = 0, cap, live = 0, nbig = 0, free_now;

		/* A fresh boot per iteration: the same starting layout every time. */
		gbench_pause_timing(st);
		bool booted = ensure_boot(st, grouping ? BOOT_GROUPING_ON : BOOT_GROUPING_OFF, true);
		gbench_resume_timing(st);
		if (!booted)
			continue;   /* skipped: keep_running now returns false */
		double t0 = now_ms();
		drain_all_pages(NULL);
		free_now = nr_free_pages();
		target = free_now / 2;
		high = free_now / 10 * 9;
		cap = high + 16;
		free(blk);
		free(big);
		blk = malloc(cap * sizeof(*blk));
		big = malloc((nr_free_pages() / 512 + 16) * sizeof(*big));
		if (!blk || !big) {
			gbench_skip(st, "out of memory for the block table");
			continue;
		}
		fails = 0;
		/* Fill to 90% first, so the blocks that stay are spread over all memory, as after
		 * a page-cache peak, then free at random down to 50%. */
		while (allocated < high && live < cap) {
			if (!frag_alloc_one(&blk[live], &seed)) {
				if (++fails > 1000)
					break;
				continue;
			}
			allocated += 1UL << blk[live++].order;
		}
		while (allocated > target && live) {
			unsigned long i = (unsigned long)(rnd_next(&seed) % live);

			__free_pages(blk[i].page, blk[i].order);
			allocated -= 1UL << blk[i].order;
			blk[i] = blk[--live];
		}
		for (unsigned long step = 0, steps = 4 * live; step < steps; step++) {
			unsigned long i = (unsigned long)(rnd_next(&seed) % live);

			__free_pages(blk[i].page, blk[i].order);
			allocated -= 1UL << blk[i].order;
			blk[i] = blk[--live];
			while (allocated < target && live < cap) {
				if (!frag_alloc_one(&blk[live], &seed)) {
					fails++;
					break;
				}
				allocated += 1UL << blk[live++].order;
			}
		}
		/* The movable share goes: migrated away or reclaimed. */
		for (unsigned long i = 0; i < live;) {
			if (blk[i].mt == 1) {
				__free_pages(blk[i].page, blk[i].order);
				blk[i] = blk[--live];
			} else {
				i++;
			}
		}
		drain_all_pages(NULL);
		free_now = nr_free_pages();
		double t1 = now_ms();
		for (;;) {
			struct page *p = alloc_pages(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN |
						     __GFP_NORETRY, 9);

			if (!p)
				break;
			big[nbig++] = p;
		}
		double t2 = now_ms();
		ok = (double)nbig;
		free_before = (double)free_now;
		share = free_now ? (double)nbig * 512 / (double)free_now : 0;
		steal = (double)zone_events(true);
		extfrag = (double)zone_events(false);
		churn_ms = t1 - t0;
		probe_ms = t2 - t1;
		for (unsigned long i = 0; i < nbig; i++)
			__free_pages(big[i], 9);
		for (unsigned long i = 0; i < live; i++)
			__free_pages(blk[i].page, blk[i].order);
	}
	bench_unpin();
	free(blk);
	free(big);
	if (gbench_skipped(st))
		return;
	gbench_counter(st, "order9_ok", ok, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "order9_share_free", share, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "order9_possible", free_before / 512, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "free_pages", free_before, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "steal_events", steal, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "extfrag_events", extfrag, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "churn_alloc_failed", fails, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "churn_ms", churn_ms, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "probe_ms", probe_ms, GBENCH_COUNTER_DEFAULT);
}

/* ---------------------------------------------------------------- registration */

static void threads_1_2(gbench_b *b)
{
	gbench_threads(b, 1);
	gbench_threads(b, 2);
}

GBENCH_CONSTRUCTOR(register_page_alloc)
{
	static const struct buddy_case via_pcp = { false }, nopcp = { true };
	gbench_b *b;

	b = gbench_register("compute_ceiling", bm_compute, (void *)(uintptr_t)COMPUTE_XORSHIFT);
	threads_1_2(b);
	b = gbench_register("pcp/order0_pair", bm_order0_pair, NULL);
	gbench_arg_name(b, "batch");
	for (int n = 1; n <= MAX_BATCH; n *= 8)
		gbench_arg(b, n);
	threads_1_2(b);
	b = gbench_register("compute_ceiling/latency", bm_compute, (void *)(uintptr_t)COMPUTE_LATENCY);
	threads_1_2(b);
	b = gbench_register("compute_ceiling/throughput", bm_compute,
			    (void *)(uintptr_t)COMPUTE_THROUGHPUT);
	threads_1_2(b);
	b = gbench_register("buddy/order", bm_buddy, (void *)&via_pcp);
	gbench_arg_name(b, "order");
	gbench_dense_range(b, 0, MAX_ORDER, 1);
	threads_1_2(b);
	b = gbench_register("buddy_nopcp/order", bm_buddy, (void *)&nopcp);
	gbench_arg_name(b, "order");
	gbench_dense_range(b, 0, PAGE_ALLOC_COSTLY_ORDER, 1);
	threads_1_2(b);
	b = gbench_register("peer/malloc_4k", bm_peer, (void *)(uintptr_t)PEER_MALLOC);
	threads_1_2(b);
	b = gbench_register("peer/numa_alloc_onnode_4k", bm_peer, (void *)(uintptr_t)PEER_NUMA);
	threads_1_2(b);
	b = gbench_register("peer/mmap_populate_4k", bm_peer, (void *)(uintptr_t)PEER_MMAP);
	threads_1_2(b);
	b = gbench_register("node/local", bm_node, NULL);
	threads_1_2(b);
	b = gbench_register("node/remote", bm_node, (void *)1);
	threads_1_2(b);
	b = gbench_register("frag/order9_success", bm_frag, NULL);
	gbench_arg_name(b, "grouping");
	gbench_arg(b, 1);
	gbench_arg(b, 0);
	gbench_iterations(b, 1);
	gbench_unit(b, GBENCH_MS);
}

int main(int argc, char **argv)
{
	int ret;

	gbench_add_context("numamm_boot", base_line());
	ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
