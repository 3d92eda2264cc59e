/* bench/boot.c - what booting costs per GiB, per backing, against the raw backings themselves.
 *
 * numamm/<backing>/<mode>: nmm_boot("mem=<MiB>M backing=<backing> [populate=on]"), a write touch
 * of every 4 KiB of every booted node's memory, nmm_shutdown(). One iteration is one full
 * boot/touch/shutdown cycle.
 * raw/<kind>/<mode>: the same amount of memory from the OS directly - anonymous 4 KiB pages,
 * anonymous THP (madvise), a shmem memfd, a hugetlb memfd - mapped, populated, unmapped.
 * <mode> is "touch" (a store per 4 KiB page takes the faults) or "populate"
 * (MADV_POPULATE_WRITE first, then the same touch, which then faults no more).
 *
 * numamm/X over its raw peer is what numamm adds on top of the backing: memblock, the memory
 * map, zones. Counters: ms_per_GiB (wall), cpu_ms_per_GiB (process CPU time, user + system:
 * steadier on a busy machine), faults (per iteration), faults_per_GiB, and the phases of
 * an iteration: setup_ms (map, or nmm_boot), touch_ms, teardown_ms (unmap, or nmm_shutdown);
 * numamm runs also boot_ms and memmap_ms as nmm_node_info() reports them (summed over nodes).
 *
 * With several nodes (real, or NUMAMM_BENCH_BOOT_EXTRA="numa=fake=2", which is appended to every
 * numamm boot line) each node's touch ms/GiB, boot_ms and memmap_ms are reported as well.
 *
 * Sizes: NUMAMM_BENCH_BOOT_MIB, a comma list of MiB (default 256). hugetlb runs skip with a
 * message when /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages is too small; the
 * runner (tools/numamm-bench) reserves them when it runs as root.
 */
#include "bench_faults.h"
#include "gbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

#define SZ_4K 4096UL
#define SZ_2M (2UL << 20)
#define GiB (1024.0 * 1024.0 * 1024.0)

enum raw_kind { RAW_ANON_4K, RAW_ANON_THP, RAW_SHMEM, RAW_HUGETLB };
static const char *const raw_names[] = { "anon_4k", "anon_thp", "shmem", "hugetlb" };
static const char *const nmm_names[] = { "hugetlb", "thp", "shmem" };

/* One benchmark's configuration: its user pointer. */
struct boot_case {
	int raw;            /* 1 = raw peer, 0 = numamm */
	int kind;           /* enum raw_kind, or index into nmm_names */
	int populate;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the whole process (user + system, every thread numamm may start): unlike the
 * wall clock it does not count time spent waiting for a CPU on a busy machine. */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A write to every 4 KiB page that keeps the contents: numamm's memory already holds the
 * memory map and other boot tables. A locked add of 0 is one write access, one fault. */
static void touch_range(void *start, size_t len)
{
	char *p = start, *end = p + len;

	for (; p < end; p += SZ_4K)
		__atomic_fetch_add((unsigned long *)p, 0UL, __ATOMIC_RELAXED);
}

static long free_hugepages_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* Skip a hugetlb case unless @need 2 MiB pages are free. Return: true when skipped. */
static bool skip_without_hugepages(gbench_state *st, long need)
{
	char msg[200];
	long have = free_hugepages_2m();

	if (have >= need)
		return false;
	snprintf(msg, sizeof(msg),
		 "hugetlb: need %ld free 2 MiB pages, have %ld (as root: echo %ld > "
		 "/proc/sys/vm/nr_hugepages)", need, have, need + 16);
	gbench_skip(st, msg);
	return true;
}

/* Where an iteration's time went: map (or nmm_boot), touch, unmap (or nmm_shutdown). */
static void report_phases(gbench_state *st, double setup_ms, double touch_ms, double teardown_ms)
{
	gbench_counter(st, "setup_ms", setup_ms, GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "touch_ms", touch_ms, GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "teardown_ms", teardown_ms, GBENCH_COUNTER_AVG_ITERATIONS);
}

/* ---- raw peers ---- */

/* Map @len bytes of @kind. Return: the mapping (2 MiB aligned for THP), or NULL with errno. */
static void *raw_map(enum raw_kind kind, size_t len, void **base, size_t *base_len, int *fd)
{
	void *p;

	*fd = -1;
	switch (kind) {
	case RAW_ANON_4K:
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, len, MADV_NOHUGEPAGE);
		*base = p;
		*base_len = len;
		return p;
	case RAW_ANON_THP: {
		uintptr_t a;

		*base_len = len + SZ_2M;
		*base = mmap(NULL, *base_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
		if (*base == MAP_FAILED)
			return NULL;
		a = ((uintptr_t)*base + SZ_2M - 1) & ~(SZ_2M - 1);
		madvise((void *)a, len, MADV_HUGEPAGE);
		return (void *)a;
	}
	case RAW_SHMEM:
	case RAW_HUGETLB:
		*fd = memfd_create("bench-boot", kind == RAW_HUGETLB ? MFD_HUGETLB : 0);
		if (*fd < 0)
			return NULL;
		if (ftruncate(*fd, (off_t)len)) {
			close(*fd);
			return NULL;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
		if (p == MAP_FAILED) {
			close(*fd);
			return NULL;
		}
		*base = p;
		*base_len = len;
		return p;
	}
	return NULL;
}

static void bm_raw(gbench_state *st, void *user)
{
	const struct boot_case *c = user;
	size_t len = (size_t)gbench_range_x(st, 0) << 20;
	struct bench_faults f0, df;
	double t0, t1, t2, t3, c0, ms = 0, cms = 0, setup_ms = 0, touch_ms = 0, teardown_ms = 0;
	char msg[160];

	if (c->kind == RAW_HUGETLB && skip_without_hugepages(st, (long)(len / SZ_2M)))
		return;
	bench_faults_now(&f0);
	while (gbench_keep_running(st)) {
		void *base, *p;
		size_t base_len;
		int fd;

		t0 = now_ms();
		c0 = cpu_ms();
		p = raw_map(c->kind, len, &base, &base_len, &fd);
		if (!p) {
			snprintf(msg, sizeof(msg), "%s: map %zu MiB: %s", raw_names[c->kind],
				 len >> 20, strerror(errno));
			gbench_skip(st, msg);
			break;
		}
		if (c->populate && madvise(p, len, MADV_POPULATE_WRITE)) {
			snprintf(msg, sizeof(msg), "MADV_POPULATE_WRITE: %s", strerror(errno));
			gbench_skip(st, msg);
			munmap(base, base_len);
			if (fd >= 0)
				close(fd);
			break;
		}
		t1 = now_ms();
		touch_range(p, len);
		t2 = now_ms();
		munmap(base, base_len);
		if (fd >= 0)
			close(fd);
		t3 = now_ms();
		cms += cpu_ms() - c0;
		ms += t3 - t0;
		setup_ms += t1 - t0;
		touch_ms += t2 - t1;
		teardown_ms += t3 - t2;
	}
	if (gbench_skipped(st))
		return;
	bench_faults_since(&f0, &df);
	bench_faults_report(st, &f0);
	gbench_counter(st, "ms_per_GiB", ms / (len / GiB), GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "cpu_ms_per_GiB", cms / (len / GiB), GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "faults_per_GiB", (double)df.minflt / (len / GiB),
		       GBENCH_COUNTER_AVG_ITERATIONS);
	report_phases(st, setup_ms, touch_ms, teardown_ms);
	gbench_set_bytes_processed(st, gbench_iterations_done(st) * (int64_t)len);
}

/* ---- numamm ---- */

/* Touch every byte range of every booted node. Return: bytes of node memory; the boot and
 * memmap times are added to *@boot_ms, *@memmap_ms. */
struct node_times {
	double touch_ms, boot_ms, memmap_ms;
	uint64_t bytes;
};

static uint64_t touch_all_nodes(double *boot_ms, double *memmap_ms, struct node_times *per_node)
{
	struct nmm_node_info ni;
	uint64_t bytes = 0;

	for (int nid = 0; nid < NMM_MAX_NODES; nid++) {
		double t0 = now_ms();

		if (nmm_node_info(nid, &ni))
			continue;
		for (int r = 0; r < ni.nr_ranges; r++)
			touch_range(__va(ni.range[r].start), ni.range[r].end - ni.range[r].start);
		bytes += ni.mem_bytes;
		*boot_ms += ni.boot_ms;
		*memmap_ms += ni.memmap_ms;
		per_node[nid].touch_ms += now_ms() - t0;
		per_node[nid].boot_ms += ni.boot_ms;
		per_node[nid].memmap_ms += ni.memmap_ms;
		per_node[nid].bytes = ni.mem_bytes;
	}
	return bytes;
}

/* With more than one node, each node's share: node<N>_touch_ms_per_GiB, node<N>_boot_ms,
 * node<N>_memmap_ms (per iteration). */
static void report_nodes(gbench_state *st, const struct node_times *per_node)
{
	char name[48];
	int nr = 0;

	for (int nid = 0; nid < NMM_MAX_NODES; nid++)
		nr += per_node[nid].bytes != 0;
	if (nr < 2)
		return;
	for (int nid = 0; nid < NMM_MAX_NODES; nid++) {
		const struct node_times *t = &per_node[nid];

		if (!t->bytes)
			continue;
		snprintf(name, sizeof(name), "node%d_touch_ms_per_GiB", nid);
		gbench_counter(st, name, t->touch_ms / (t->bytes / GiB), GBENCH_COUNTER_AVG_ITERATIONS);
		snprintf(name, sizeof(name), "node%d_boot_ms", nid);
		gbench_counter(st, name, t->boot_ms, GBENCH_COUNTER_AVG_ITERATIONS);
		snprintf(name, sizeof(name), "node%d_memmap_ms", nid);
		gbench_counter(st, name, t->memmap_ms, GBENCH_COUNTER_AVG_ITERATIONS);
	}
}

static void bm_numamm(gbench_state *st, void *user)
{
	const struct boot_case *c = user;
	int64_t mib = gbench_range_x(st, 0);
	struct bench_faults f0, df;
	double t0, t1, t2, t3, c0, ms = 0, cms = 0, boot_ms = 0, memmap_ms = 0;
	double setup_ms = 0, touch_ms = 0, teardown_ms = 0;
	static struct node_times per_node[NMM_MAX_NODES];
	const char *extra = getenv("NUMAMM_BENCH_BOOT_EXTRA");
	uint64_t bytes = 0;
	char line[320], msg[600];

	if (nmm_booted())
		nmm_shutdown();
	/* Node memory plus a little: the memory map and boot tables come out of it. */
	if (!strcmp(nmm_names[c->kind], "hugetlb") &&
	    skip_without_hugepages(st, (long)(mib / 2 + 1)))
		return;
	snprintf(line, sizeof(line), "mem=%ldM backing=%s%s%s%s", (long)mib, nmm_names[c->kind],
		 c->populate ? " populate=on" : "", extra && *extra ? " " : "", extra ? extra : "");
	memset(per_node, 0, sizeof(per_node));
	gbench_set_label(st, line);
	bench_faults_now(&f0);
	while (gbench_keep_running(st)) {
		int err;

		t0 = now_ms();
		c0 = cpu_ms();
		err = nmm_boot(line);
		t1 = now_ms();
		if (err) {
			snprintf(msg, sizeof(msg), "nmm_boot(\"%s\"): %s: %s", line, strerror(-err),
				 nmm_boot_strerror());
			gbench_skip(st, msg);
			break;
		}
		bytes = touch_all_nodes(&boot_ms, &memmap_ms, per_node);
		t2 = now_ms();
		nmm_shutdown();
		t3 = now_ms();
		cms += cpu_ms() - c0;
		ms += t3 - t0;
		setup_ms += t1 - t0;
		touch_ms += t2 - t1;
		teardown_ms += t3 - t2;
	}
	if (gbench_skipped(st) || !bytes)
		return;
	bench_faults_since(&f0, &df);
	bench_faults_report(st, &f0);
	gbench_counter(st, "ms_per_GiB", ms / (bytes / GiB), GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "cpu_ms_per_GiB", cms / (bytes / GiB), GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "faults_per_GiB", (double)df.minflt / (bytes / GiB),
		       GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "boot_ms", boot_ms, GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "memmap_ms", memmap_ms, GBENCH_COUNTER_AVG_ITERATIONS);
	gbench_counter(st, "node_MiB", (double)(bytes >> 20), GBENCH_COUNTER_DEFAULT);
	report_phases(st, setup_ms, touch_ms, teardown_ms);
	report_nodes(st, per_node);
	gbench_set_bytes_processed(st, gbench_iterations_done(st) * (int64_t)bytes);
}

/* ---- registration ---- */

static struct boot_case raw_cases[4][2], nmm_cases[3][2];

static void add_sizes(gbench_b *b)
{
	const char *env = getenv("NUMAMM_BENCH_BOOT_MIB");
	char buf[128], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", env && *env ? env : "256");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		gbench_arg(b, strtoll(tok, NULL, 0));
	gbench_arg_name(b, "MiB");
	gbench_unit(b, GBENCH_MS);
	gbench_use_real_time(b);
}

GBENCH_CONSTRUCTOR(register_boot)
{
	static const char *const modes[] = { "touch", "populate" };
	char name[64];

	for (int k = 0; k < 3; k++)
		for (int m = 0; m < 2; m++) {
			nmm_cases[k][m] = (struct boot_case){ .raw = 0, .kind = k, .populate = m };
			snprintf(name, sizeof(name), "numamm/%s/%s", nmm_names[k], modes[m]);
			add_sizes(gbench_register(name, bm_numamm, &nmm_cases[k][m]));
		}
	for (int k = 0; k < 4; k++)
		for (int m = 0; m < 2; m++) {
			raw_cases[k][m] = (struct boot_case){ .raw = 1, .kind = k, .populate = m };
			snprintf(name, sizeof(name), "raw/%s/%s", raw_names[k], modes[m]);
			add_sizes(gbench_register(name, bm_raw, &raw_cases[k][m]));
		}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
