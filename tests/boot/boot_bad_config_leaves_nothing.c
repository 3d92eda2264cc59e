/* boot_bad_config_leaves_nothing: a bad command line or an impossible layout fails with a clear
 * error and leaves nothing half-booted: no mappings, no memfds, and the next good boot works. */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static void expect_fail(const char *line, int err, const char *msg_part)
{
	int fds = count_fds();
	long maps = count_maps();
	CHECK_EQ(nmm_boot(line), err);
	CHECK(!nmm_booted());
	if (!strstr(nmm_boot_strerror(), msg_part)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, nmm_boot_strerror(), msg_part);
		test_failures++;
	}
	CHECK_EQ(count_fds(), fds);
	CHECK_EQ(count_maps(), maps);
	CHECK_EQ(nmm_linear_base, 0);
	CHECK_EQ(memblock.memory.cnt, 0);
	CHECK_EQ(nr_node_ids, 0);
}

int main(void)
{
	/* Warm up hwloc's one-time allocations so mapping counts compare like with like. */
	REQUIRE(nmm_boot("mem=64M backing=thp") == 0);
	nmm_shutdown();

	expect_fail("mem=12Q", -EINVAL, "'mem=12Q' at column 1");
	expect_fail("mem=64M frobnicate", -EINVAL, "unknown parameter in 'frobnicate' at column 9");
	expect_fail("node_mem=64M,64M", -EINVAL, "node_mem= gives 2 sizes for 1 nodes");
	expect_fail("node_mem=100000G", -ENOMEM, "node 0: 102400000 MiB requested");
	expect_fail("memmap=64M@0:3", -EINVAL, "there is no node 3");
	expect_fail("memmap=64M@0 memmap=64M@32M", -EINVAL, "overlap");
	expect_fail("mem=64M highmem=64M", -EINVAL, "leaves no lowmem");
	expect_fail("mem=64M highmem=32M backing=thp", -EINVAL, "thp cannot back it");
	/* hugepages=on with a pool too small for the node: an error at boot, not a SIGBUS later. */
	expect_fail("node_mem=2G hugepages=on", -ENOMEM, "hugetlb needs 1024 free 2 MiB pages");

	REQUIRE(nmm_boot("mem=64M") == 0);
	CHECK(nmm_booted());
	CHECK(memblock.memory.cnt > 0);
	nmm_shutdown();
	return test_done();
}
