/* stats_concurrent_readers_get_whole_reports: four reader threads here and two numamm-stat
 * processes ask one child for different reports at the same time, many times over; every
 * answer is the whole report that was asked for (one reader holds the channel at a time, and
 * a reader never gets another's answer). */
#include <pthread.h>

#include "stats_test.h"

#define ROUNDS 40

static pid_t target;
static const struct {
	const char *name, *first, *last;   /* how the report starts, what its last line holds */
} reports[] = {
	{ "meminfo", "MemTotal:", "SUnreclaim:" },
	{ "buddyinfo", "Node 0, zone ", "Normal" },
	{ "numastat", "                ", "other_node" },
	{ "vmstat", "nr_free_pages ", "nmm_alloc_fail " },
};

static void *reader(void *arg)
{
	int k = (int)(long)arg;
	struct nmm_stats_target *t;
	if (nmm_stats_open(target, &t))
		return (void *)1L;
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		int r = (k + i) % 4;
		char *text;
		size_t len;
		if (nmm_stats_read(t, reports[r].name, &text, &len, 20000)) {
			fprintf(stderr, "reader %d: %s\n", k, nmm_stats_strerror(t));
			bad++;
			continue;
		}
		const char *last = len > 1 ? text + len - 2 : text;
		while (last > text && last[-1] != '\n')
			last--;
		if (strncmp(text, reports[r].first, strlen(reports[r].first)) || text[len - 1] != '\n' ||
		    !strstr(last, reports[r].last)) {
			fprintf(stderr, "reader %d: %s came back as:\n%s", k, reports[r].name, text);
			bad++;
		}
		free(text);
	}
	nmm_stats_close(t);
	return (void *)bad;
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	target = c.pid;

	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "for i in $(seq 20); do %s %d zoneinfo meminfo >/dev/null || exit 1; done",
		 stat_tool, (int)c.pid);
	pid_t sh[2];
	for (int i = 0; i < 2; i++) {
		sh[i] = fork();
		REQUIRE(sh[i] >= 0);
		if (!sh[i]) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
	}
	pthread_t th[4];
	for (long i = 0; i < 4; i++)
		REQUIRE(pthread_create(&th[i], NULL, reader, (void *)i) == 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(th[i], &bad);
		CHECK_EQ((long)bad, 0);
	}
	for (int i = 0; i < 2; i++) {
		int st;
		REQUIRE(waitpid(sh[i], &st, 0) == sh[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
