/* top_tmux_target_exit_ends_view: numamm-top watching a child in a real terminal (tmux) draws
 * its zones; when the child is killed, numamm-top leaves the screen as it was, says the process
 * is gone and exits with code 3. Skips without tmux. */
#include "tmux_test.h"

static bool has_zones(const char *s)
{
	return strstr(s, "NODE ZONE") && strstr(s, "Normal");
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	tmux_require();
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	struct tmux t;
	char args[64];
	snprintf(args, sizeof(args), "-d 0.2 %d", (int)c.pid);
	tmux_start(&t, top_tool, args);
	char *s = tmux_wait(&t, has_zones);
	CHECK(has_zones(s));
	free(s);

	REQUIRE(kill(c.pid, SIGKILL) == 0);
	int st;
	waitpid(c.pid, &st, 0);
	CHECK_EQ(tmux_exit_code(&t), 3);
	char path[64];
	snprintf(path, sizeof(path), "/tmp/numamm-top-err-%d", (int)getpid());
	FILE *f = fopen(path, "r");
	char err[256] = "";
	if (f) {
		(void)!fgets(err, sizeof(err), f);
		fclose(f);
	}
	char want[64];
	snprintf(want, sizeof(want), "process %d is gone", (int)c.pid);
	CHECK(strstr(err, want) != NULL);
	if (test_failures)
		fprintf(stderr, "numamm-top said: %s", err);
	tmux_stop(&t);
	fclose(c.cmd);
	fclose(c.resp);
	/* The killed child's segment is stale; clean it for the next test. */
	static struct nmm_stats_process p[64];
	nmm_stats_list(p, 64, true);
	return test_done();
}
