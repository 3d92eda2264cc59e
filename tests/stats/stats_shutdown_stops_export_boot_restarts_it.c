/* stats_shutdown_stops_export_boot_restarts_it: in one process, NUMAMM_STATS=shm exports from
 * boot (the process can read itself: its own reader and its stats thread are separate),
 * nmm_shutdown() removes the segment and the thread before memory goes, the next boot exports
 * again, and nmm_stats_export_stop()/start() do the same by hand. */
#include "stats_test.h"

static void read_self(const char *name, const char *starts)
{
	struct nmm_stats_target *t;
	REQUIRE(nmm_stats_open(getpid(), &t) == 0);
	char *text;
	size_t len;
	int e = nmm_stats_read(t, name, &text, &len, 5000);
	CHECK_EQ(e, 0);
	if (!e) {
		CHECK(!strncmp(text, starts, strlen(starts)));
		free(text);
	}
	nmm_stats_close(t);
}

int main(void)
{
	setenv("NUMAMM_STATS", "shm", 1);
	REQUIRE(nmm_boot(CHILD_BOOT) == 0);
	CHECK(nmm_stats_exporting());
	CHECK(segment_exists(getpid()));
	read_self("meminfo", "MemTotal:");
	read_self("buddyinfo", "Node 0, zone ");

	nmm_shutdown();
	CHECK(!nmm_stats_exporting());
	CHECK(!segment_exists(getpid()));
	struct nmm_stats_target *t;
	CHECK_EQ(nmm_stats_open(getpid(), &t), -ENOENT);

	REQUIRE(nmm_boot(CHILD_BOOT) == 0);
	CHECK(nmm_stats_exporting());
	read_self("numastat", "                ");

	nmm_stats_export_stop();
	CHECK(!segment_exists(getpid()));
	CHECK_EQ(nmm_stats_export_start(), 0);
	CHECK_EQ(nmm_stats_export_start(), 0);   /* already exporting: still one segment */
	read_self("vmstat", "nr_free_pages ");
	nmm_shutdown();
	CHECK(!segment_exists(getpid()));

	/* Not booted: export by hand answers, but with -ENODEV instead of walking no zones. */
	unsetenv("NUMAMM_STATS");
	CHECK_EQ(nmm_stats_export_start(), 0);
	REQUIRE(nmm_stats_open(getpid(), &t) == 0);
	char *text;
	size_t len;
	CHECK_EQ(nmm_stats_read(t, "buddyinfo", &text, &len, 5000), -ENODEV);
	nmm_stats_close(t);
	nmm_stats_export_stop();
	return test_done();
}
