/* trace_perf_sees_page_events: a real tracer (linux-perf, through uprobes) sees numamm's USDT
 * probes, with the right arguments, and the probes cost nothing while nobody traces them.
 *
 * The program is both the driver and the workload ("workload N": boot, allocate N order-1
 * blocks with GFP_KERNEL|__GFP_NOWARN, hold them, free them, and print what the tracer should
 * have seen). The driver, as root:
 *   1. runs the workload untraced: the probe semaphores are 0 and the probe site in our text is
 *      still the nop sys/sdt.h put there (no uprobe breakpoint);
 *   2. `perf probe -f -x <object> sdt_numamm:mm_page_alloc` and `... sdt_numamm:mm_page_free`
 *      (-f: if someone already has an event of that name, perf adds "_1" and we use ours);
 *   3. runs the workload again with the probes defined but not recorded: semaphores still 0;
 *   4. `perf record -N -e <both> -- <workload 1000>`: inside, the semaphores are >= 1 (the
 *      kernel's uprobe ref_ctr_offset support, which perf 6.1 uses) and the probe site is an
 *      int3; `perf script` shows >= 1000 mm_page_alloc events with order 1, our gfp value and the
 *      pfn of the first block, and >= 1000 mm_page_free events of order 1;
 *   5. deletes exactly the events it created (also on failure, from atexit).
 * The object is this executable (numamm linked statically) or, with argv[1] = the path of
 * libnumamm.so and argv[2] = a workload linked against it, the shared library.
 * Skips (exit 77, with the reason) when not root, when perf is missing or when uprobes are not
 * available.
 */

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "perf_driver.h"

#define NR_BLOCKS 1000
#define ORDER 1
#define WORKLOAD_GFP (GFP_KERNEL | __GFP_NOWARN)

/* ---- the workload ---- */

static int workload(int n)
{
	if (nmm_boot("mem=256M")) {
		fprintf(stderr, "workload: boot failed: %s\n", nmm_boot_strerror());
		return 1;
	}
	struct probe_view a = probe_view("mm_page_alloc"), f = probe_view("mm_page_free");
	printf("semaphore mm_page_alloc=%d mm_page_free=%d\n", a.sem, f.sem);
	printf("probe_site 0x%02x\n", a.site);
	struct page **p = calloc((size_t)n, sizeof(*p));
	if (!p)
		return 1;
	for (int i = 0; i < n; i++)
		if (!(p[i] = alloc_pages(WORKLOAD_GFP, ORDER)))
			return 1;
	printf("first_pfn %lu gfp %u order %d allocated %d\n", page_to_pfn(p[0]), (unsigned)WORKLOAD_GFP,
	       ORDER, n);
	for (int i = 0; i < n; i++)
		__free_pages(p[i], ORDER);
	free(p);
	return 0;
}

/* ---- the driver ---- */

struct wl_out {
	int sem_alloc, sem_free;
	int site;
	unsigned long first_pfn;
	unsigned gfp;
	int order, allocated;
};

static int parse_workload(const char *text, struct wl_out *w)
{
	const char *s = strstr(text, "semaphore "), *p = strstr(text, "probe_site "), *f = strstr(text, "first_pfn ");
	if (!s || !p || !f)
		return -1;
	if (sscanf(s, "semaphore mm_page_alloc=%d mm_page_free=%d", &w->sem_alloc, &w->sem_free) != 2 ||
	    sscanf(p, "probe_site %x", (unsigned *)&w->site) != 1 ||
	    sscanf(f, "first_pfn %lu gfp %u order %d allocated %d", &w->first_pfn, &w->gfp, &w->order,
		   &w->allocated) != 4)
		return -1;
	return 0;
}

static void scenario(const char *label, const char *object, const char *workload_bin)
{
	char cmd[4096], out[128];
	struct wl_out w;
	snprintf(out, sizeof(out), "%s/wl.out", tmpdir);

	/* 1. untraced */
	snprintf(cmd, sizeof(cmd), "'%s' workload 100", workload_bin);
	REQUIRE(run(cmd, out) == 0);
	char *text = slurp(out);
	REQUIRE(parse_workload(text, &w) == 0);
	free(text);
	CHECK_EQ(w.sem_alloc, 0);
	CHECK_EQ(w.sem_free, 0);
	CHECK_EQ(w.site, 0x90);   /* the nop: no breakpoint, nothing evaluated */

	/* 2. define the probes */
	int first_alloc = nr_created, n_alloc = add_probe(object, "mm_page_alloc");
	int first_free = nr_created, n_free = add_probe(object, "mm_page_free");
	REQUIRE(n_alloc > 0 && n_free > 0);

	/* 3. defined but not recorded: still off */
	REQUIRE(run(cmd, out) == 0);
	text = slurp(out);
	REQUIRE(parse_workload(text, &w) == 0);
	free(text);
	CHECK_EQ(w.sem_alloc, 0);
	CHECK_EQ(w.site, 0x90);

	/* 4. record */
	text = perf_driver_record(label, workload_bin, NR_BLOCKS);
	if (parse_workload(text, &w))
		perf_driver_fail(label, "cannot read the traced workload's output", text);
	free(text);
	CHECK(w.sem_alloc >= 1);
	CHECK(w.sem_free >= 1);
	CHECK_EQ(w.site, 0xcc);   /* the uprobe's int3 */
	CHECK_EQ(w.allocated, NR_BLOCKS);

	char *script = perf_driver_script();
	/* mm_page_alloc(page, pfn, order, gfp_flags, migratetype): arg3 = order, arg4 = gfp */
	char want[64], pfn[64];
	snprintf(want, sizeof(want), "arg3=%d arg4=%u ", w.order, w.gfp);
	snprintf(pfn, sizeof(pfn), "arg2=%lu ", w.first_pfn);
	int allocs = 0, frees = 0, first = 0;
	for (int i = first_alloc; i < first_alloc + n_alloc; i++) {
		allocs += count_events(script, created[i], want);
		first += count_events(script, created[i], pfn);
	}
	for (int i = first_free; i < first_free + n_free; i++)
		frees += count_events(script, created[i], "arg3=1");   /* mm_page_free(page, pfn, order) */
	fprintf(stderr, "%s: perf saw %d mm_page_alloc (order %d, gfp %#x) over %d site(s), %d mm_page_free of "
		"order 1 over %d site(s); first pfn %lu seen %d times\n",
		label, allocs, w.order, w.gfp, n_alloc, frees, n_free, w.first_pfn, first);
	CHECK(allocs >= NR_BLOCKS);
	CHECK(frees >= NR_BLOCKS);
	CHECK(first >= 1);
	if (allocs < NR_BLOCKS)
		fprintf(stderr, "perf script output starts:\n%.2000s\n", script);
	free(script);
	perf_driver_delete_events();
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "workload"))
		return workload(atoi(argv[2]));
	perf_driver_start();

	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(n > 0);
	self[n] = '\0';
	scenario("static", self, self);
	if (argc >= 3)
		scenario("libnumamm.so", argv[1], argv[2]);
	return test_done();
}
