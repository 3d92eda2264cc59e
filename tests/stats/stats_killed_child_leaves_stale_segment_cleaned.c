/* stats_killed_child_leaves_stale_segment_cleaned: a child killed with SIGKILL cannot remove
 * its segment. While it is a zombie and after it is reaped, readers call it stale (open:
 * -ESRCH; numamm-stat PID REPORT: exit 1); nmm_stats_list(clean=false) leaves the file,
 * `numamm-stat --list` reports it stale and removes it. A segment naming a live pid with
 * another start time (the pid was reused) is stale too, and `numamm-stat --clean` removes it. */
#include <fcntl.h>
#include <sys/mman.h>

#include "stats/shm.h"
#include "stats_test.h"

static int state_of(pid_t pid, bool clean, bool *removed)
{
	static struct nmm_stats_process p[256];
	int n = nmm_stats_list(p, 256, clean);
	for (int i = 0; i < n && i < 256; i++)
		if (p[i].pid == pid) {
			*removed = p[i].removed;
			return (int)p[i].state;
		}
	return -1;
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	REQUIRE(segment_exists(c.pid));
	REQUIRE(kill(c.pid, SIGKILL) == 0);
	/* A zombie (killed, not reaped yet) answers nobody either. */
	for (int i = 0; i < 1000; i++) {
		char path[64], st = 0;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)c.pid);
		FILE *f = fopen(path, "r");
		if (f) {
			(void)!fscanf(f, "%*d %*s %c", &st);
			fclose(f);
		}
		if (st == 'Z')
			break;
		usleep(1000);
	}
	struct nmm_stats_target *t;
	CHECK_EQ(nmm_stats_open(c.pid, &t), -ESRCH);
	int st;
	REQUIRE(waitpid(c.pid, &st, 0) == c.pid);
	CHECK(segment_exists(c.pid));
	CHECK_EQ(nmm_stats_open(c.pid, &t), -ESRCH);

	char cmd[512];
	int rc;
	snprintf(cmd, sizeof(cmd), "%s %d buddyinfo 2>/dev/null", stat_tool, (int)c.pid);
	free(run(cmd, &rc));
	CHECK_EQ(rc, 1);

	bool removed = true;
	CHECK_EQ(state_of(c.pid, false, &removed), NMM_STATS_STALE);
	CHECK(!removed);
	CHECK(segment_exists(c.pid));

	snprintf(cmd, sizeof(cmd), "%s --list", stat_tool);
	char *out = run(cmd, &rc);
	CHECK_EQ(rc, 0);
	char want[64];
	snprintf(want, sizeof(want), "%7d stale ", (int)c.pid);
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "removed") != NULL);
	if (test_failures)
		fprintf(stderr, "--list printed:\n%s", out);
	free(out);
	CHECK(!segment_exists(c.pid));

	/* Pid reuse: our own pid (alive) under a segment that recorded another start time. */
	char path[64];
	snprintf(path, sizeof(path), "/dev/shm/numamm-%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	REQUIRE(fd >= 0);
	struct nmm_stats_shm h = { .magic = NMM_STATS_SHM_MAGIC, .version = NMM_STATS_SHM_VERSION,
				   .data_off = offsetof(struct nmm_stats_shm, data), .pid = getpid(),
				   .starttime = 1, .size = sizeof(h) };
	REQUIRE(write(fd, &h, sizeof(h)) == (ssize_t)sizeof(h));
	close(fd);
	CHECK_EQ(nmm_stats_open(getpid(), &t), -ESRCH);
	CHECK_EQ(state_of(getpid(), false, &removed), NMM_STATS_STALE);
	snprintf(cmd, sizeof(cmd), "%s --clean", stat_tool);
	out = run(cmd, &rc);
	CHECK_EQ(rc, 0);
	CHECK(strstr(out, "was reused") != NULL);
	free(out);
	CHECK(!segment_exists(getpid()));
	unlink(path);
	return test_done();
}
