/* malloc_bad_free_reported - free() of pointers this malloc never returned: by default glibc's
 * "free(): invalid pointer" and abort (in a child), with NUMAMM_MALLOC_DEBUG=1 a report naming
 * the caller and the program carries on with its heap intact. A foreign pointer (the stack), an
 * inner pointer of a kmalloc object (inside numamm's arena), and a double free (caught by the
 * per-CPU object cache's key word by default, lib/malloc/mcache.h; by SLUB's debug checks in
 * debug mode), also when the thread moved to another CPU between the two frees (the object sits
 * in the first CPU's magazine; the check once searched only the second's and cached it twice). */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* Through a volatile so the compiler cannot see (and refuse) the bad frees. */
static void (*volatile free_fn)(void *) = free;

static char out[4096];

/* Run @what in a child with stderr captured; return its wait status. */
static int run_child(int what, const char *debug)
{
	int fd[2];
	REQUIRE(pipe(fd) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (!pid) {
		dup2(fd[1], 2);
		if (debug)
			setenv("NUMAMM_MALLOC_DEBUG", debug, 1);
		else
			unsetenv("NUMAMM_MALLOC_DEBUG");
		static char *const names[] = { "stack", "inner", "double", "migrated" };
		char *args[] = { "/proc/self/exe", names[what], NULL };
		execv("/proc/self/exe", args);
		_exit(99);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(out) - 1 && (r = read(fd[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return st;
}

/* The first two CPUs this process may run on; nonzero when it has fewer. */
static int two_cpus(int cpus[2])
{
	cpu_set_t set;
	REQUIRE(sched_getaffinity(0, sizeof(set), &set) == 0);
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n < 2;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	REQUIRE(sched_setaffinity(0, sizeof(set), &set) == 0);
}

static int victim(const char *how)
{
	char *keep = malloc(100);
	strcpy(keep, "still here");
	if (!strcmp(how, "stack")) {
		char local[64];
		free_fn(local + 16);
	} else if (!strcmp(how, "inner")) {
		char *p = malloc(64);
		free_fn(p + 8);
	} else if (!strcmp(how, "double")) {
		char *p = malloc(128);
		free_fn(p);
		free_fn(p);
	} else {
		int cpus[2];
		if (two_cpus(cpus))
			return 4;
		char *p = malloc(128);
		pin(cpus[0]);
		free_fn(p);
		pin(cpus[1]);
		free_fn(p);
	}
	/* debug mode only: everything still works */
	char *more = malloc(200);
	if (!more || strcmp(keep, "still here"))
		return 3;
	free(more);
	free(keep);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2)
		return victim(argv[1]);
	int cpus[2];
	int nwhat = two_cpus(cpus) ? 3 : 4;      /* "migrated" needs two CPUs */
	if (nwhat == 3)
		fprintf(stderr, "one CPU: the migrated double free is not tried\n");
	for (int what = 0; what < nwhat; what++) {
		int st = run_child(what, NULL);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
		CHECK(strstr(out, what >= 2 ? "free(): double free detected" : "free(): invalid pointer") != NULL);
		if (test_failures)
			fprintf(stderr, "default mode, case %d, child said:\n%s\n", what, out);
		st = run_child(what, "1");
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (what < 2)
			CHECK(strstr(out, "invalid pointer") || strstr(out, "not an object") || strstr(out, "not the start"));
		else
			CHECK(strstr(out, "double free") || strstr(out, "already free"));
		if (what == 0)
			CHECK(strstr(out, "called from") != NULL);
		if (test_failures)
			fprintf(stderr, "debug mode, case %d, child said:\n%s\n", what, out);
	}
	return test_done();
}
