/* malloc_policy_bind_and_interleave - NUMAMM_POLICY with two (fake) nodes: bind:1 puts every
 * block on node 1, interleave spreads them over both, local (default) keeps them on the CPU's
 * node. The test re-runs itself with each setting (the policy is read at the first malloc). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/malloc_ext.h>

#include "test.h"

static int count_nodes(int counts[2])
{
	for (int i = 0; i < 1000; i++) {
		void *p = malloc(i % 2 ? 64 : 20000);
		int nid = nmm_malloc_node_of(p);
		if (nid < 0 || nid > 1)
			return -1;
		counts[nid]++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc == 2) {
		int c[2] = { 0, 0 };
		if (count_nodes(c))
			return 2;
		printf("%d %d\n", c[0], c[1]);
		return 0;
	}
	static const char *const policies[] = { "local", "bind:1", "interleave" };
	for (int i = 0; i < 3; i++) {
		int fd[2];
		REQUIRE(pipe(fd) == 0);
		pid_t pid = fork();
		if (!pid) {
			dup2(fd[1], 1);
			setenv("NUMAMM_POLICY", policies[i], 1);
			setenv("NUMAMM_MALLOC_BOOT", "backing=thp hugepages=off mem=256M numa=fake=2", 1);
			execl("/proc/self/exe", "child", "run", (char *)NULL);
			_exit(99);
		}
		close(fd[1]);
		char buf[64] = { 0 };
		ssize_t n = read(fd[0], buf, sizeof(buf) - 1);
		close(fd[0]);
		int st, c0 = -1, c1 = -1;
		waitpid(pid, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n > 0 && sscanf(buf, "%d %d", &c0, &c1) == 2);
		fprintf(stderr, "%s: node0 %d node1 %d\n", policies[i], c0, c1);
		if (i == 1)
			CHECK(c0 == 0 && c1 == 1000);
		else if (i == 2)
			CHECK(c0 >= 400 && c1 >= 400);
		else
			CHECK(c0 + c1 == 1000 && (c0 == 1000 || c1 == 1000));
	}
	return test_done();
}
