/* stats_reports_match_what_the_child_prints: a child booted with NUMAMM_STATS=shm prints every
 * report it has about itself into a pipe and then sleeps; the same report read from outside,
 * through nmm_stats_read() and through `numamm-stat PID NAME`, is the same text byte for byte.
 * The list of reports the child offers ("?") is nmm_report()'s, and includes the ones this
 * export was made for. */
#include "stats_test.h"

static void check_same(const char *how, const char *name, const char *want, const char *got)
{
	if (!strcmp(want, got))
		return;
	size_t i = 0, line = 1;
	for (; want[i] && want[i] == got[i]; i++)
		line += want[i] == '\n';
	fprintf(stderr, "%s: report %s differs from what the child printed, at line %zu:\n"
		"  child: %.80s\n  read:  %.80s\n", how, name, line, want + i, got + i);
	test_failures++;
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	struct nmm_stats_target *t;
	REQUIRE(nmm_stats_open(c.pid, &t) == 0);

	char *list;
	size_t len;
	REQUIRE(nmm_stats_read(t, "?", &list, &len, 5000) == 0);
	static const char *const expected[] = { "buddyinfo", "zoneinfo", "pagetypeinfo", "vmstat",
						"slabinfo", "numastat", "meminfo" };
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "\n%s\t", expected[i]);
		if (strncmp(list, needle + 1, strlen(needle + 1)) && !strstr(list, needle)) {
			fprintf(stderr, "report %s not offered\n", expected[i]);
			test_failures++;
		}
	}
	int nr = 0;
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		char *tab = strchr(line, '\t');
		REQUIRE(tab);
		*tab = '\0';
		char *mine = child_report(&c, line);
		char *text;
		CHECK_EQ(nmm_stats_read(t, line, &text, &len, 5000), 0);
		CHECK_EQ(len, strlen(text));
		check_same("nmm_stats_read", line, mine, text);
		free(text);

		char cmd[512];
		int rc;
		snprintf(cmd, sizeof(cmd), "%s %d %s", stat_tool, (int)c.pid, line);
		text = run(cmd, &rc);
		CHECK_EQ(rc, 0);
		check_same("numamm-stat", line, mine, text);
		free(text);
		free(mine);
		nr++;
	}
	CHECK(nr >= 7);
	free(list);

	char *text;
	CHECK_EQ(nmm_stats_read(t, "no-such-report", &text, &len, 5000), -ENOENT);
	CHECK(strstr(nmm_stats_strerror(t), "no-such-report") != NULL);
	nmm_stats_close(t);
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
