/* malloc_dlsym_calloc_no_deadlock - dlsym allocates (calloc for its error state, malloc for the
 * message) while the dynamic loader's lock is held, and the malloc's boot itself looks glibc up
 * (lib/malloc/divert.c). Expect no deadlock and no recursion when:
 *   - a preloaded library's constructor calls dlsym(RTLD_NEXT), a failing dlsym and dlerror
 *     as the process starts (before numamm boots when the loader runs it first), and
 *   - many threads at once call dlsym (found and missing symbols), dlerror and dladdr while
 *     allocating.
 * Each runs in a child under alarm(): a hang is a SIGALRM death, not a stuck ctest. */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/malloc_ext.h>

#include "test.h"

#define THREADS 8
#define ITERS 3000

static void *dlsym_worker(void *arg)
{
	uintptr_t bad = 0;
	for (int i = 0; i < ITERS; i++) {
		void *p = malloc(16 + (size_t)(i % 500));
		if (!dlsym(RTLD_NEXT, "malloc") || !dlsym(RTLD_DEFAULT, "calloc"))
			bad++;
		if (dlsym(RTLD_DEFAULT, (i & 1) ? "nmm_no_such_symbol" : "nmm_no_such_other") || !dlerror())
			bad++;
		Dl_info di;
		if (!dladdr(p, &di) && !nmm_malloc_owns(p))
			bad++;
		void *q = calloc(1, 100);
		if (!q || !nmm_malloc_owns(q))
			bad++;
		free(q);
		free(p);
	}
	(void)arg;
	return (void *)bad;
}

static int threads_child(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		REQUIRE(pthread_create(&t[i], NULL, dlsym_worker, NULL) == 0);
	uintptr_t bad = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (uintptr_t)r;
	}
	CHECK_EQ(bad, 0);
	return test_done();
}

static int early_child(void)
{
	int *before = dlsym(RTLD_DEFAULT, "dlsym_early_booted_before");
	int *ok = dlsym(RTLD_DEFAULT, "dlsym_early_ok");
	REQUIRE(before && ok);                     /* the preload is there */
	CHECK_EQ(*ok, 1);
	if (*before)
		fprintf(stderr, "note: numamm was already up when the preloaded constructor ran\n");
	return test_done();
}

static int run(const char *mode, const char *preload)
{
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (!pid) {
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		alarm(120);                        /* survives exec: a deadlock dies of SIGALRM */
		execl("/proc/self/exe", "malloc_dlsym_calloc_no_deadlock", mode, (char *)NULL);
		_exit(99);
	}
	int st;
	REQUIRE(waitpid(pid, &st, 0) == pid);
	if (WIFSIGNALED(st))
		fprintf(stderr, "%s: killed by signal %d%s\n", mode, WTERMSIG(st),
			WTERMSIG(st) == SIGALRM ? " (deadlock)" : "");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "early"))
		return early_child();
	if (argc > 1 && !strcmp(argv[1], "threads"))
		return threads_child();
	CHECK_EQ(run("early", DLSYM_EARLY_LIB), 0);
	CHECK_EQ(run("threads", NULL), 0);
	CHECK_EQ(run("threads", DLSYM_EARLY_LIB), 0);
	return test_done();
}
