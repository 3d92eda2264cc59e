/* tests/exhaustion/exhaust.h - take a resource away from a test process: file descriptors
 * (RLIMIT_NOFILE down to the next free fd), address space (RLIMIT_AS), or one system call
 * (a seccomp filter making it fail with an errno). A filter cannot be removed, so each case
 * runs in a child (in_child); the child's exit status is the case's verdict. */
#ifndef NUMAMM_TESTS_EXHAUST_H
#define NUMAMM_TESTS_EXHAUST_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process_resources.h"
#include "test.h"

/* Let @spare more file descriptors be opened from now on. */
static inline void limit_fds(int spare)
{
	int lo = dup(0);                 /* the next fd number the kernel would hand out */
	REQUIRE(lo >= 0);
	close(lo);
	struct rlimit rl;
	REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = (rlim_t)(lo + spare);
	REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

static inline void unlimit_fds(void)
{
	struct rlimit rl;
	REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = rl.rlim_max;
	REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

/* From now on system call @nr fails with @err in this process (and its threads). */
static inline void seccomp_fail_syscall(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned int)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	REQUIRE(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	REQUIRE(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
}

/* Run @fn in a child; Return: its exit code (1 when it died of a signal: a crash is a fail). */
static inline int in_child(const char *what, int (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (!pid)
		_exit(fn());
	int st;
	REQUIRE(waitpid(pid, &st, 0) == pid);
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "%s: the child died of signal %d\n", what, WTERMSIG(st));
		return 1;
	}
	int code = WEXITSTATUS(st);
	if (code && code != TEST_SKIP_CODE)
		fprintf(stderr, "%s: failed\n", what);
	return code;
}

/* Mappings of numamm's memory files ("/memfd:numamm-node0 (deleted)", vmalloc pools). */
static inline int count_numamm_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "memfd:numamm") != NULL;
	if (f)
		fclose(f);
	return n;
}

/* What the process holds, to prove a failed operation left nothing behind. Take it after the
 * operation failed once (libc and the sanitizers' allocators grow on a first failure too):
 * a repeat must not add a single fd or mapping. */
struct held {
	int fds;
	long maps;
};

static inline struct held held_now(void)
{
	struct held h = { count_fds(), count_maps() };
	return h;
}

#define CHECK_NOTHING_LEFT(before)                                                         \
	do {                                                                               \
		struct held _now = held_now();                                             \
		CHECK_EQ(_now.fds, (before).fds);                                          \
		CHECK_MAPS_BACK_TO((before).maps);                                         \
		CHECK_EQ(count_numamm_maps(), 0);                                          \
	} while (0)

#endif
