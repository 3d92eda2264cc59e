/* tests/stats/stats_test.h - an observed child for the live statistics export tests.
 *
 * child_start() forks a child that boots numamm with NUMAMM_STATS=shm (or without it), makes
 * some state (pages, and with CHILD_CACHES a few slab caches of known sizes), then serves the
 * parent over two pipes and otherwise sleeps in read(), quiescent (CHILD_BUSY: a thread keeps
 * allocating meanwhile):
 *   "R name\n" -> "<status> <len>\n" + the report as the child prints it about itself
 *   "C\n"      -> "<0|1> <why>\n": did the caches get created
 *   "Q\n"      -> exit(0) (EOF on the pipe too)
 * The parent never boots numamm: it only reads, through <numamm/stats.h> or the tools, whose
 * paths ctest passes as argv[1] (numamm-stat) and argv[2] (numamm-top).
 */
#ifndef NUMAMM_TESTS_STATS_TEST_H
#define NUMAMM_TESTS_STATS_TEST_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>
#include <numamm/stats.h>

#include "test.h"

#define CHILD_BOOT "mem=128M hugepages=off"

enum { CHILD_EXPORT = 1, CHILD_CACHES = 2, CHILD_BUSY = 4 };

/* The caches a CHILD_CACHES child creates: distinct object sizes and live object counts, so
 * each sort key gives a different order. */
static const struct {
	const char *name;
	unsigned int size;
	int live;
} child_caches[] = {
	{ "stats_test_aaa", 2048, 10 },
	{ "stats_test_bbb", 64, 900 },
	{ "stats_test_ccc", 512, 300 },
};
#define NR_CHILD_CACHES ((int)(sizeof(child_caches) / sizeof(child_caches[0])))

/* A constructor keeps the caches from being merged with kmalloc-* or each other. */
static inline void child_ctor(void *obj)
{
	(void)obj;
}

/* CHILD_BUSY: a thread that allocates and frees pages and kmalloc objects until exit. */
static void *child_churn(void *arg)
{
	(void)arg;
	for (;;) {
		struct page *p = alloc_pages(GFP_KERNEL, 1);
		void *k = kmalloc(96, GFP_KERNEL);
		kfree(k);
		if (p)
			__free_pages(p, 1);
	}
	return NULL;
}

struct child {
	pid_t pid;
	FILE *cmd, *resp;
};

static inline void child_serve(FILE *in, FILE *out, int flags)
{
	if (flags & CHILD_EXPORT)
		setenv("NUMAMM_STATS", "shm", 1);
	else
		unsetenv("NUMAMM_STATS");
	if (nmm_boot(CHILD_BOOT))
		_exit(3);
	/* Some state to report: pages of a few orders held. */
	for (int order = 0; order < 4; order++)
		for (int i = 0; i < 8; i++)
			(void)alloc_pages(GFP_KERNEL, (unsigned int)order);
	int caches = 0;
	char why[128] = "not asked for";
	if (flags & CHILD_CACHES) {
		caches = 1;
		for (int i = 0; i < NR_CHILD_CACHES && caches; i++) {
			struct kmem_cache *s = kmem_cache_create(child_caches[i].name, child_caches[i].size, 0,
								 0, child_ctor);
			if (!s) {
				snprintf(why, sizeof(why), "kmem_cache_create(%s) failed: no slab back end boots"
					 " (slab= default missing?)", child_caches[i].name);
				caches = 0;
				break;
			}
			for (int k = 0; k < child_caches[i].live; k++)
				if (!kmem_cache_alloc(s, GFP_KERNEL))
					_exit(4);
		}
		if (caches)
			snprintf(why, sizeof(why), "ok");
	}
	if (flags & CHILD_BUSY) {
		pthread_t th;
		if (pthread_create(&th, NULL, child_churn, NULL))
			_exit(5);
	}
	char line[128];
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'Q')
			exit(0);   /* exit(), not _exit(): the export's atexit handler removes the segment */
		if (line[0] == 'C') {
			fprintf(out, "%d %s\n", caches, why);
		} else if (line[0] == 'R') {
			char *buf = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&buf, &len);
			int e = nmm_report(line + 2, m);
			fclose(m);
			fprintf(out, "%d %zu\n", e, len);
			fwrite(buf, 1, len, out);
			free(buf);
		}
		fflush(out);
	}
	exit(0);
}

static inline struct child child_start(int flags)
{
	int to_child[2], from_child[2];
	REQUIRE(pipe(to_child) == 0 && pipe(from_child) == 0);
	fflush(NULL);
	struct child c = { .pid = fork() };
	REQUIRE(c.pid >= 0);
	if (c.pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		child_serve(fdopen(to_child[0], "r"), fdopen(from_child[1], "w"), flags);
	}
	close(to_child[0]);
	close(from_child[1]);
	c.cmd = fdopen(to_child[1], "w");
	c.resp = fdopen(from_child[0], "r");
	REQUIRE(c.cmd && c.resp);
	return c;
}

/* The child's answer to "C": 1 when its caches exist; @why says why not. Also waits for the
 * child's boot to be done (so its segment exists when NUMAMM_STATS=shm). */
static inline int child_has_caches(struct child *c, char *why, size_t whylen)
{
	fprintf(c->cmd, "C\n");
	fflush(c->cmd);
	char line[160];
	if (!fgets(line, sizeof(line), c->resp)) {
		int st;
		waitpid(c->pid, &st, 0);
		fprintf(stderr, "child died before answering (status %#x)\n", st);
		exit(1);
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(why, whylen, "%s", line + 2);
	return line[0] == '1';
}

/* The report @name as the child prints it about itself (malloc'ed). */
static inline char *child_report(struct child *c, const char *name)
{
	fprintf(c->cmd, "R %s\n", name);
	fflush(c->cmd);
	int e;
	size_t len;
	REQUIRE(fscanf(c->resp, "%d %zu", &e, &len) == 2 && fgetc(c->resp) == '\n');
	REQUIRE(e == 0);
	char *buf = malloc(len + 1);
	REQUIRE(buf && fread(buf, 1, len, c->resp) == len);
	buf[len] = '\0';
	return buf;
}

static inline int child_quit(struct child *c)
{
	fprintf(c->cmd, "Q\n");
	fclose(c->cmd);
	fclose(c->resp);
	int st;
	REQUIRE(waitpid(c->pid, &st, 0) == c->pid);
	return st;
}

static inline bool segment_exists(pid_t pid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/dev/shm/numamm-%d", (int)pid);
	return stat(path, &st) == 0;
}

/* Run @cmd with /bin/sh, its stdout into a malloc'ed string; *@rc gets its exit code. */
static __attribute__((__noinline__, __unused__)) char *run(const char *cmd, int *rc)
{
	FILE *p = popen(cmd, "r");
	REQUIRE(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	int st = pclose(p);
	*rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return buf;
}

/* The tools' paths from ctest; skip (with why) when run without them. */
static inline void tools_from_args(int argc, char **argv, const char **stat_tool, const char **top_tool)
{
	if (argc < 3)
		SKIP("run by ctest, which passes the paths of numamm-stat and numamm-top");
	*stat_tool = argv[1];
	*top_tool = argv[2];
}

#endif
