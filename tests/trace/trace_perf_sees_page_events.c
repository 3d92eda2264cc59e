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
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define NR_BLOCKS 1000
#define ORDER 1
#define WORKLOAD_GFP (GFP_KERNEL | __GFP_NOWARN)

/* ---- the workload ---- */

int main(int argc, char **argv);

struct sdt_probe {
	uint64_t pc, semaphore;   /* link-time addresses, from the note */
};

/* Find the stapsdt note of provider numamm, probe @name, in the ELF file @path.
 * Notes are not loaded, so this reads the file. Return: 0, -ENOENT when absent. */
static int sdt_note(const char *path, const char *name, struct sdt_probe *out)
{
	int fd = open(path, O_RDONLY), ret = -ENOENT;
	if (fd < 0)
		return -errno;
	struct stat st;
	char *f = NULL;
	if (fstat(fd, &st) || !(f = malloc((size_t)st.st_size)) ||
	    pread(fd, f, (size_t)st.st_size, 0) != st.st_size)
		goto out;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	Elf64_Shdr *sh = (Elf64_Shdr *)(f + eh->e_shoff);
	const char *shstr = f + sh[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum && ret; i++) {
		if (sh[i].sh_type != SHT_NOTE || strcmp(shstr + sh[i].sh_name, ".note.stapsdt"))
			continue;
		for (uint64_t off = 0; off + sizeof(Elf64_Nhdr) <= sh[i].sh_size;) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(f + sh[i].sh_offset + off);
			const char *desc = (const char *)(nh + 1) + ((nh->n_namesz + 3) & ~3u);
			/* desc: pc, base, semaphore (3 x 8 bytes), then "provider\0name\0args\0" */
			const char *prov = desc + 24, *pname = prov + strlen(prov) + 1;
			if (nh->n_type == 3 && !strcmp(prov, "numamm") && !strcmp(pname, name)) {
				memcpy(&out->pc, desc, 8);
				memcpy(&out->semaphore, desc + 16, 8);
				ret = 0;
				break;
			}
			off += sizeof(*nh) + ((nh->n_namesz + 3) & ~3u) + ((nh->n_descsz + 3) & ~3u);
		}
	}
out:
	free(f);
	close(fd);
	return ret;
}

/*
 * What a tracer touches, seen from inside this process: the semaphore at the address the
 * stapsdt note gives (not a symbol: a program linked against libnumamm.so that names the
 * semaphore gets a copy relocation, and the copy is not what the kernel increments), and the
 * first byte of the probe site — sys/sdt.h's nop (0x90), or the int3 (0xcc) of a uprobe.
 */
struct probe_view {
	int sem;
	int site;
};

static struct probe_view probe_view(const char *name)
{
	struct probe_view v = { -1, -1 };
	Dl_info lib, prog;
	if (!dladdr((void *)nmm_boot, &lib) || !dladdr((void *)main, &prog))
		return v;
	/* numamm linked in: the notes are in our own executable. */
	const char *path = lib.dli_fbase == prog.dli_fbase ? "/proc/self/exe" : lib.dli_fname;
	struct sdt_probe p = { 0, 0 };
	if (sdt_note(path, name, &p))
		return v;
	/* PIE and shared objects are linked at 0: runtime address = load base + link address. */
	v.sem = *(volatile unsigned short *)((char *)lib.dli_fbase + p.semaphore);
	v.site = *(volatile unsigned char *)((char *)lib.dli_fbase + p.pc);
	return v;
}

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

static char tmpdir[64];
static char created[16][96];   /* perf events we added, deleted at exit */
static int nr_created;

static void cleanup(void)
{
	char cmd[2048];
	for (int i = 0; i < nr_created; i++) {
		snprintf(cmd, sizeof(cmd), "perf probe -q -d '%s'", created[i]);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup: '%s' failed\n", cmd);
	}
	nr_created = 0;
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup: cannot remove %s\n", tmpdir);
		tmpdir[0] = '\0';
	}
}

/* Run @cmd with stdout+stderr into @out (a file in tmpdir); Return: its exit status. */
static int run(const char *cmd, const char *out)
{
	char full[8192];
	snprintf(full, sizeof(full), "%s >'%s' 2>&1", cmd, out);
	int st = system(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

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

/* perf probe -f -x @object sdt_numamm:@probe. A probe used at several places in the code gets
 * one event per site (mm_page_alloc, mm_page_alloc_1, ...). Return: how many events perf made,
 * their names appended to created[]. */
static int add_probe(const char *object, const char *probe)
{
	char cmd[2048], out[128];
	snprintf(out, sizeof(out), "%s/probe.out", tmpdir);
	/* perf probe caches the object in ~/.debug; keep that cache in our tmpdir instead. */
	snprintf(cmd, sizeof(cmd), "perf --buildid-dir '%s/buildid' probe -f -x '%s' sdt_numamm:%s", tmpdir,
		 object, probe);
	int rc = run(cmd, out);
	char *text = slurp(out);
	int n = 0;
	const char *at = strstr(text, "Added new event");
	for (const char *l = at ? strchr(at, '\n') : NULL; rc == 0 && l && *l; l = strchr(l + 1, '\n')) {
		char ev[96] = "";
		if (sscanf(l, " %95s", ev) != 1 || strncmp(ev, "sdt_numamm:", 11))
			continue;
		REQUIRE(nr_created < 16);
		snprintf(created[nr_created++], sizeof(created[0]), "%s", ev);
		n++;
	}
	if (!n)
		fprintf(stderr, "'%s' failed (%d):\n%s\n", cmd, rc, text);
	free(text);
	return n;
}

/* Count `perf script` lines of event @ev whose args contain @need (NULL: any). */
static int count_events(const char *script, const char *ev, const char *need)
{
	char key[128];
	snprintf(key, sizeof(key), " %s: ", ev);
	int n = 0;
	for (const char *l = script; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), l);
		if (strstr(line, key) && (!need || strstr(line, need)))
			n++;
		l = nl ? nl + 1 : NULL;
	}
	return n;
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
	char events[2048] = "";
	for (int i = 0; i < nr_created; i++)
		snprintf(events + strlen(events), sizeof(events) - strlen(events), " -e '%s'", created[i]);

	/* 3. defined but not recorded: still off */
	REQUIRE(run(cmd, out) == 0);
	text = slurp(out);
	REQUIRE(parse_workload(text, &w) == 0);
	free(text);
	CHECK_EQ(w.sem_alloc, 0);
	CHECK_EQ(w.site, 0x90);

	/* 4. record */
	snprintf(cmd, sizeof(cmd), "perf record -N -q -o '%s/perf.data'%s -- '%s' workload %d",
		 tmpdir, events, workload_bin, NR_BLOCKS);
	int rc = run(cmd, out);
	text = slurp(out);
	if (rc != 0 || parse_workload(text, &w) != 0) {
		fprintf(stderr, "%s: '%s' failed (%d):\n%s\n", label, cmd, rc, text);
		exit(1);
	}
	free(text);
	CHECK(w.sem_alloc >= 1);
	CHECK(w.sem_free >= 1);
	CHECK_EQ(w.site, 0xcc);   /* the uprobe's int3 */
	CHECK_EQ(w.allocated, NR_BLOCKS);

	char sout[128];
	snprintf(sout, sizeof(sout), "%s/script.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "perf script -i '%s/perf.data'", tmpdir);
	CHECK_EQ(run(cmd, sout), 0);
	char *script = slurp(sout);
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
	for (int i = 0; i < nr_created; i++) {
		snprintf(cmd, sizeof(cmd), "perf probe -q -d '%s'", created[i]);
		CHECK_EQ(system(cmd), 0);
	}
	nr_created = 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "workload"))
		return workload(atoi(argv[2]));
	if (geteuid() != 0)
		SKIP("uprobes through perf probe need root");
	if (system("perf --version >/dev/null 2>&1") != 0)
		SKIP("perf is not installed (Debian: apt-get install linux-perf)");
	if (access("/sys/kernel/tracing/uprobe_events", W_OK) && access("/sys/kernel/debug/tracing/uprobe_events", W_OK))
		SKIP("no uprobe_events in tracefs (CONFIG_UPROBE_EVENTS off or tracefs not mounted)");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nmm-trace-XXXXXX");
	REQUIRE(mkdtemp(tmpdir));
	atexit(cleanup);

	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(n > 0);
	self[n] = '\0';
	scenario("static", self, self);
	if (argc >= 3)
		scenario("libnumamm.so", argv[1], argv[2]);
	return test_done();
}
