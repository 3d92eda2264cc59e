/* stats_stopped_child_times_out_then_answers: a child stopped with SIGSTOP cannot answer: the
 * read gives up at its timeout with -ETIMEDOUT and says the process is stopped; after SIGCONT
 * the next reads get their own reports (not the answer to the request that timed out). */
#include <time.h>

#include "stats_test.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	struct nmm_stats_target *t;
	REQUIRE(nmm_stats_open(c.pid, &t) == 0);

	REQUIRE(kill(c.pid, SIGSTOP) == 0);
	int st;
	REQUIRE(waitpid(c.pid, &st, WUNTRACED) == c.pid && WIFSTOPPED(st));
	char *text;
	size_t len;
	double t0 = now_ms();
	CHECK_EQ(nmm_stats_read(t, "buddyinfo", &text, &len, 300), -ETIMEDOUT);
	double took = now_ms() - t0;
	CHECK(took >= 250 && took < 3000);
	CHECK(strstr(nmm_stats_strerror(t), "stopped") != NULL);
	if (test_failures)
		fprintf(stderr, "took %.0f ms: %s\n", took, nmm_stats_strerror(t));

	REQUIRE(kill(c.pid, SIGCONT) == 0);
	CHECK_EQ(nmm_stats_read(t, "meminfo", &text, &len, 5000), 0);
	CHECK(!strncmp(text, "MemTotal:", 9));
	free(text);
	CHECK_EQ(nmm_stats_read(t, "buddyinfo", &text, &len, 5000), 0);
	CHECK(!strncmp(text, "Node 0, zone ", 13));
	free(text);
	nmm_stats_close(t);
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
