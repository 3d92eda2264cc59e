/* exhaust_fds_boot_and_memfd: with RLIMIT_NOFILE at the current fd count, booting fails with the
 * reason ("cannot read the machine's topology: Too many open files": the topology comes from
 * sysfs files - before the fix it said "no node has memory to boot with"); with one fd to spare
 * and two shmem nodes the second memfd_create fails with EMFILE, named in the error; the live
 * statistics export (shm_open) fails with -EMFILE after a boot. Each leaves no fd or mapping. */
#include <string.h>

#include <numamm/numamm.h>
#include <numamm/stats.h>

#include "exhaust.h"

static int boot_with_spare_fds(int spare, const char *line)
{
	limit_fds(spare);
	int e = nmm_boot(line);
	unlimit_fds();
	return e;
}

static int no_fd_at_all(void)
{
	boot_with_spare_fds(0, "mem=64M hugepages=off");
	struct held before = held_now();
	int e = boot_with_spare_fds(0, "mem=64M hugepages=off");
	CHECK_EQ(e, -EMFILE);
	CHECK(strstr(nmm_boot_strerror(), "topology") && strstr(nmm_boot_strerror(), "Too many open files"));
	CHECK(!nmm_booted());
	CHECK_NOTHING_LEFT(before);
	return test_done();
}

static int second_memfd_refused(void)
{
	boot_with_spare_fds(1, "mem=64M numa=fake=2 backing=shmem");
	struct held before = held_now();
	int e = boot_with_spare_fds(1, "mem=64M numa=fake=2 backing=shmem");
	CHECK_EQ(e, -EMFILE);
	CHECK(strstr(nmm_boot_strerror(), "memfd_create(shmem) failed: Too many open files") != NULL);
	CHECK(!nmm_booted());
	CHECK_NOTHING_LEFT(before);
	/* With the fds back the same line boots. */
	CHECK_EQ(nmm_boot("mem=64M numa=fake=2 backing=shmem"), 0);
	nmm_shutdown();
	CHECK_EQ(count_numamm_maps(), 0);
	return test_done();
}

static int stats_export_refused(void)
{
	REQUIRE(nmm_boot("mem=64M hugepages=off") == 0);   /* THP: node memory needs no fd */
	limit_fds(0);
	nmm_stats_export_start();
	unlimit_fds();
	struct held before = held_now();
	limit_fds(0);
	int e = nmm_stats_export_start();
	unlimit_fds();
	CHECK_EQ(e, -EMFILE);
	CHECK(!nmm_stats_exporting());
	CHECK_NOTHING_LEFT(before);
	nmm_shutdown();
	return test_done();
}

int main(void)
{
	int fail = 0;
	fail |= in_child("no fd at all", no_fd_at_all);
	fail |= in_child("second memfd refused", second_memfd_refused);
	fail |= in_child("stats export refused", stats_export_refused);
	return fail ? 1 : 0;
}
