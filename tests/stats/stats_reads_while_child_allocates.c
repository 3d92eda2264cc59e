/* stats_reads_while_child_allocates: while a thread of the child allocates and frees pages and
 * kmalloc objects without pause, every report can be read from outside, many times, and each
 * comes back whole; the child stays healthy and exits 0 (under TSan: no race between the stats
 * thread's walks and the allocator). */
#include "stats_test.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct child c = child_start(CHILD_EXPORT | CHILD_BUSY);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	struct nmm_stats_target *t;
	REQUIRE(nmm_stats_open(c.pid, &t) == 0);
	char *list;
	size_t len;
	REQUIRE(nmm_stats_read(t, "?", &list, &len, 5000) == 0);
	int reads = 0;
	for (int round = 0; round < 10; round++) {
		char *copy = strdup(list), *save;
		REQUIRE(copy);
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			*strchr(line, '\t') = '\0';
			char *text;
			int e = nmm_stats_read(t, line, &text, &len, 20000);
			if (e) {
				fprintf(stderr, "%s: %s\n", line, nmm_stats_strerror(t));
				test_failures++;
				continue;
			}
			CHECK(len == 0 || text[len - 1] == '\n');   /* vmallocinfo may be empty */
			free(text);
			reads++;
		}
		free(copy);
	}
	CHECK(reads >= 70);
	free(list);
	nmm_stats_close(t);
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
