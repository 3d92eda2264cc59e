/* malloc_fork_in_threads - threads allocate and free without pause while the main thread forks
 * again and again; every child allocates and frees across all size kinds and exits 0 (a lock
 * held across fork would hang it: an alarm turns that into a failure). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static volatile int stop;

static void *churn(void *arg)
{
	unsigned long x = (unsigned long)(uintptr_t)arg;
	void *keep[64] = { 0 };
	while (!stop) {
		x = x * 6364136223846793005UL + 1;
		unsigned i = (unsigned)(x >> 58);
		free(keep[i]);
		size_t n = (x >> 20) % 5 == 0 ? 20000 + (x >> 30) % 200000 : 16 + (x >> 30) % 2000;
		keep[i] = malloc(n);
		if (keep[i])
			memset(keep[i], 1, 16);
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return NULL;
}

static int child(void)
{
	alarm(20);
	for (int i = 0; i < 2000; i++) {
		size_t n = i % 10 == 0 ? 300000 : i % 3 == 0 ? 20000 : 16 + (size_t)i;
		char *p = malloc(n);
		if (!p)
			return 2;
		memset(p, 7, n);
		char *q = realloc(p, n * 2);
		if (!q)
			return 3;
		free(q);
	}
	return 0;
}

int main(void)
{
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		REQUIRE(!pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)));
	int ok = 0, forks = 60;
	for (int i = 0; i < forks; i++) {
		pid_t pid = fork();
		REQUIRE(pid >= 0);
		if (!pid)
			_exit(child());
		int st;
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
		else
			fprintf(stderr, "child %d: %s %d\n", i, WIFSIGNALED(st) ? "signal" : "exit",
				WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(ok, forks);
	return test_done();
}
