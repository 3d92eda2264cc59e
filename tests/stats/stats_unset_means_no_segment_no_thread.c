/* stats_unset_means_no_segment_no_thread: a child booted without NUMAMM_STATS has no
 * /dev/shm/numamm-<pid> and no "numamm-stats" thread, and readers are told it exports nothing
 * (-ENOENT); the same child with NUMAMM_STATS=shm has both (so this test can fail). */
#include <dirent.h>

#include "stats_test.h"

static int stats_threads(pid_t pid)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	REQUIRE(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[400], comm[32] = "";
		snprintf(path, sizeof(path), "%s/%s/comm", dir, de->d_name);
		FILE *f = fopen(path, "r");
		if (f) {
			(void)!fgets(comm, sizeof(comm), f);
			fclose(f);
		}
		n += !strcmp(comm, "numamm-stats\n");
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char why[160];
	struct child off = child_start(0);
	child_has_caches(&off, why, sizeof(why));
	CHECK(!segment_exists(off.pid));
	CHECK_EQ(stats_threads(off.pid), 0);
	struct nmm_stats_target *t;
	CHECK_EQ(nmm_stats_open(off.pid, &t), -ENOENT);
	CHECK_EQ(child_quit(&off), 0);

	struct child on = child_start(CHILD_EXPORT);
	child_has_caches(&on, why, sizeof(why));
	CHECK(segment_exists(on.pid));
	CHECK_EQ(stats_threads(on.pid), 1);
	CHECK_EQ(child_quit(&on), 0);
	return test_done();
}
