/* stats_list_shows_live_child: `numamm-stat --list` names an exporting child as alive, with
 * its boot line; nmm_stats_list() agrees; once the child exits normally its segment is gone
 * (the exit handler removed it) and --list no longer names it. */
#include "stats_test.h"

static bool listed(const char *out, pid_t pid, const char *state)
{
	char want[64];
	snprintf(want, sizeof(want), "%7d %-8s", (int)pid, state);
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, want, strlen(want)))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));

	char cmd[512];
	int rc;
	snprintf(cmd, sizeof(cmd), "%s --list", stat_tool);
	char *out = run(cmd, &rc);
	CHECK_EQ(rc, 0);
	CHECK(listed(out, c.pid, "alive"));
	CHECK(strstr(out, "\"" CHILD_BOOT "\"") != NULL);
	if (test_failures)
		fprintf(stderr, "--list printed:\n%s", out);
	free(out);

	static struct nmm_stats_process p[256];
	int n = nmm_stats_list(p, 256, false);
	CHECK(n >= 1);
	bool found = false;
	for (int i = 0; i < n && i < 256; i++) {
		if (p[i].pid != c.pid)
			continue;
		found = true;
		CHECK_EQ(p[i].state, NMM_STATS_ALIVE);
		CHECK(!strcmp(p[i].cmdline, CHILD_BOOT));
		CHECK(p[i].starttime > 0);
	}
	CHECK(found);

	CHECK_EQ(child_quit(&c), 0);
	CHECK(!segment_exists(c.pid));
	out = run(cmd, &rc);
	CHECK_EQ(rc, 0);
	CHECK(!listed(out, c.pid, "alive") && !listed(out, c.pid, "stale"));
	free(out);
	return test_done();
}
