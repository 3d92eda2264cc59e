/* numa_hugepages_bad_request - sizes that are not hugepage sizes of this kernel are -ENOENT
 * (or -EINVAL when not even a power of two), nodes that do not exist are -ENOENT, and a
 * process without root gets -EACCES without the pool changing.
 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "test.h"

#define SZ_2M (2ULL << 20)

static int reserve_as_nobody(int node, unsigned long nr)
{
	pid_t pid = fork();
	int st;

	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		_exit(nmm_numa_hugepages_reserve(node, SZ_2M, nr) == -EACCES ? 0 : 1);
	}
	REQUIRE(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

int main(void)
{
	struct nmm_hugepage_info info, again;

	REQUIRE(nmm_numa_hugepages_query(0, SZ_2M, &info) == 0);
	CHECK_EQ(nmm_numa_hugepages_query(0, 4ULL << 20, &info), -ENOENT);  /* no 4 MiB on x86 */
	CHECK_EQ(nmm_numa_hugepages_query(0, 3ULL << 20, &info), -EINVAL);
	CHECK_EQ(nmm_numa_hugepages_query(4095, SZ_2M, &info), -ENOENT);
	CHECK_EQ(nmm_numa_hugepages_query(-1, SZ_2M, &info), -EINVAL);
	CHECK_EQ(nmm_numa_hugepages_reserve(0, 4ULL << 20, 1), -ENOENT);
	CHECK_EQ(nmm_numa_hugepages_reserve(4095, SZ_2M, 1), -ENOENT);

	REQUIRE(nmm_numa_hugepages_query(0, SZ_2M, &info) == 0);
	if (geteuid() == 0)
		CHECK_EQ(reserve_as_nobody(0, info.total + 1), 0);
	else
		CHECK_EQ(nmm_numa_hugepages_reserve(0, SZ_2M, info.total + 1), -EACCES);
	REQUIRE(nmm_numa_hugepages_query(0, SZ_2M, &again) == 0);
	CHECK_EQ(again.total, info.total);
	return test_done();
}
