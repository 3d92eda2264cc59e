/* top_tmux_shows_sorts_and_quits: numamm-top in a real terminal (tmux) shows the caches the
 * child created, by active objects first (64-byte x 900, then 512 x 300, then 2048 x 10);
 * 's' re-sorts them by object size and 'n' by name, the title saying so; 'q' quits with exit
 * code 0. Skips without tmux, or while no slab back end boots. */
#include "tmux_test.h"

/* Do the caches appear, in this order, on @screen? */
static bool in_order(const char *screen, const char *a, const char *b, const char *c)
{
	const char *pa = strstr(screen, a), *pb = strstr(screen, b), *pc = strstr(screen, c);
	return pa && pb && pc && pa < pb && pb < pc;
}

static bool by_active(const char *s)
{
	return strstr(s, "sorted by active objects") && in_order(s, "stats_test_bbb", "stats_test_ccc", "stats_test_aaa");
}

static bool by_size(const char *s)
{
	return strstr(s, "sorted by object size") && in_order(s, "stats_test_aaa", "stats_test_ccc", "stats_test_bbb");
}

static bool by_name(const char *s)
{
	return strstr(s, "sorted by name") && in_order(s, "stats_test_aaa", "stats_test_bbb", "stats_test_ccc");
}

/* The whole first frame: the caches in order and the zones pane under them (a capture can land
 * while the frame is still being drawn). */
static bool first_frame(const char *s)
{
	return by_active(s) && strstr(s, "NODE ZONE");
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	tmux_require();
	struct child c = child_start(CHILD_EXPORT | CHILD_CACHES);
	char why[160];
	if (!child_has_caches(&c, why, sizeof(why))) {
		child_quit(&c);
		SKIP("%s", why);
	}
	struct tmux t;
	char args[64];
	snprintf(args, sizeof(args), "-d 0.3 %d", (int)c.pid);
	tmux_start(&t, top_tool, args);

	char *s = tmux_wait(&t, first_frame);
	CHECK(by_active(s));
	CHECK(strstr(s, "NODE ZONE") != NULL);
	if (test_failures)
		fprintf(stderr, "screen:\n%s", s);
	free(s);

	tmux_keys(&t, "s");
	s = tmux_wait(&t, by_size);
	CHECK(by_size(s));
	if (!by_size(s))
		fprintf(stderr, "after 's':\n%s", s);
	free(s);

	tmux_keys(&t, "n");
	s = tmux_wait(&t, by_name);
	CHECK(by_name(s));
	if (!by_name(s))
		fprintf(stderr, "after 'n':\n%s", s);
	free(s);

	tmux_keys(&t, "q");
	CHECK_EQ(tmux_exit_code(&t), 0);
	tmux_stop(&t);
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
