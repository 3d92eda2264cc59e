/* tests/trace/perf_driver.h - what the perf-driven tracing tests share: reading a probe's
 * stapsdt note, looking at its semaphore and site from inside the workload, running commands
 * into files, defining perf probes (deleted again at exit), recording a workload with them and
 * counting `perf script` events.
 * A test includes it once and defines `int main(int, char **)` (probe_view() uses its address
 * to tell a static link from libnumamm.so).
 */
#ifndef NUMAMM_TESTS_TRACE_PERF_DRIVER_H
#define NUMAMM_TESTS_TRACE_PERF_DRIVER_H

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/numamm.h>

#include "test.h"

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

/* The checks every driver starts with; skips (77) with the reason when tracing is impossible.
 * Creates tmpdir and registers the cleanup. */
static void perf_driver_start(void)
{
	if (geteuid() != 0)
		SKIP("uprobes through perf probe need root");
	if (system("perf --version >/dev/null 2>&1") != 0)
		SKIP("perf is not installed (Debian: apt-get install linux-perf)");
	/* A fresh machine (or CI's) may not have tracefs mounted yet: mount it, as perf would ask. */
	if (access("/sys/kernel/tracing/uprobe_events", W_OK) && access("/sys/kernel/debug/tracing/uprobe_events", W_OK))
		(void)!system("mount -t tracefs nodev /sys/kernel/tracing >/dev/null 2>&1");
	if (access("/sys/kernel/tracing/uprobe_events", W_OK) && access("/sys/kernel/debug/tracing/uprobe_events", W_OK))
		SKIP("no uprobe_events in tracefs (CONFIG_UPROBE_EVENTS off or tracefs not mounted)");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nmm-trace-XXXXXX");
	REQUIRE(mkdtemp(tmpdir));
	atexit(cleanup);
}

/* Report that @label's workload printed something we cannot read, and fail. */
static void perf_driver_fail(const char *label, const char *what, const char *text)
{
	fprintf(stderr, "%s: %s:\n%s\n", label, what, text);
	exit(1);
}

/* Run `@bin workload @n` under `perf record` with every event created so far, into
 * tmpdir/perf.data. Return: the workload's output (free it); fails the test when perf or the
 * workload does. */
static char *perf_driver_record(const char *label, const char *bin, int n)
{
	char cmd[4096], events[2048] = "", out[128], what[4200];
	for (int i = 0; i < nr_created; i++)
		snprintf(events + strlen(events), sizeof(events) - strlen(events), " -e '%s'", created[i]);
	snprintf(cmd, sizeof(cmd), "perf record -N -q -o '%s/perf.data'%s -- '%s' workload %d", tmpdir,
		 events, bin, n);
	snprintf(out, sizeof(out), "%s/record.out", tmpdir);
	int rc = run(cmd, out);
	char *text = slurp(out);
	if (rc) {
		snprintf(what, sizeof(what), "'%s' failed (%d)", cmd, rc);
		perf_driver_fail(label, what, text);
	}
	return text;
}

/* `perf script` of the last perf_driver_record(). Return: its text (free it). */
static char *perf_driver_script(void)
{
	char cmd[256], out[128];
	snprintf(out, sizeof(out), "%s/script.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "perf script -i '%s/perf.data'", tmpdir);
	CHECK_EQ(run(cmd, out), 0);
	return slurp(out);
}

/* Delete the events this driver created so far. */
static void perf_driver_delete_events(void)
{
	char cmd[2048];
	for (int i = 0; i < nr_created; i++) {
		snprintf(cmd, sizeof(cmd), "perf probe -q -d '%s'", created[i]);
		CHECK_EQ(system(cmd), 0);
	}
	nr_created = 0;
}

#endif
