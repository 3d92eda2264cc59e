/* tests/child_touch.h - does writing to an address fault? Asked in a child process, so the
 * test survives the answer (highmem's unmapped pages, vmalloc's guard pages and purged areas). */
#ifndef NUMAMM_TESTS_CHILD_TOUCH_H
#define NUMAMM_TESTS_CHILD_TOUCH_H

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* Return: the signal that killed a child writing to @addr, 0 when it exited normally. */
static inline int child_touch(volatile char *addr)
{
	fflush(NULL);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		/* Sanitizers catch SIGSEGV to report it; the parent must see the real signal. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*addr = 1;
		_exit(0);
	}
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	CHECK_EQ(WEXITSTATUS(status), 0);
	return 0;
}

#endif
