/* tests/asan_child_report.h - does ASan stop a bad access with its report? Asked in a child
 * process (the report ends it), its stderr read back by the parent. */
#ifndef NUMAMM_TESTS_ASAN_CHILD_REPORT_H
#define NUMAMM_TESTS_ASAN_CHILD_REPORT_H

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* Run @bad_access in a child: it must not exit 0 and must print @report (for instance
 * "AddressSanitizer: use-after-poison"). On failure the child's output goes to stderr. */
static inline void check_child_asan_report(void (*bad_access)(void), const char *report)
{
	int fd[2];
	REQUIRE(pipe(fd) == 0);
	fflush(NULL);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		bad_access();
		_exit(0);                               /* not reached under ASan */
	}
	close(fd[1]);
	static char out[65536];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(out) - 1 && (r = read(fd[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fd[0]);
	int st, before = test_failures;
	REQUIRE(waitpid(pid, &st, 0) == pid);
	CHECK(!(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	CHECK(strstr(out, report) != NULL);
	if (test_failures > before)
		fprintf(stderr, "child printed:\n%s\n", out);
}

#endif
