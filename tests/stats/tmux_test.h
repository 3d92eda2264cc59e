/* tests/stats/tmux_test.h - drive numamm-top in a real terminal: a detached tmux session on a
 * private server socket, keys with send-keys, the screen with capture-pane. */
#ifndef NUMAMM_TESTS_STATS_TMUX_TEST_H
#define NUMAMM_TESTS_STATS_TMUX_TEST_H

#include <time.h>

#include "stats_test.h"

struct tmux {
	char sock[64];
	char rcfile[96];
	char script[96];
};

static inline void tmux_require(void)
{
	int rc;
	free(run("tmux -V >/dev/null 2>&1", &rc));
	if (rc)
		SKIP("tmux is not installed (tools/setup-deps.sh installs it)");
}

/* Start `@top_tool @args` in a 200x50 terminal; its exit code goes to t->rcfile. */
static inline void tmux_start(struct tmux *t, const char *top_tool, const char *args)
{
	snprintf(t->sock, sizeof(t->sock), "numamm-test-%d", (int)getpid());
	snprintf(t->rcfile, sizeof(t->rcfile), "/tmp/numamm-top-rc-%d", (int)getpid());
	snprintf(t->script, sizeof(t->script), "/tmp/numamm-top-run-%d.sh", (int)getpid());
	unlink(t->rcfile);
	FILE *f = fopen(t->script, "w");
	REQUIRE(f);
	fprintf(f, "#!/bin/sh\n%s %s 2>/tmp/numamm-top-err-%d\necho $? > %s.tmp && mv %s.tmp %s\nsleep 60\n",
		top_tool, args, (int)getpid(), t->rcfile, t->rcfile, t->rcfile);
	fclose(f);
	char cmd[512];
	int rc;
	snprintf(cmd, sizeof(cmd), "tmux -L %s new-session -d -x 200 -y 50 'sh %s'", t->sock, t->script);
	free(run(cmd, &rc));
	REQUIRE(rc == 0);
}

static inline char *tmux_capture(struct tmux *t)
{
	char cmd[256];
	int rc;
	snprintf(cmd, sizeof(cmd), "tmux -L %s capture-pane -p", t->sock);
	return run(cmd, &rc);
}

static inline void tmux_keys(struct tmux *t, const char *keys)
{
	char cmd[256];
	int rc;
	snprintf(cmd, sizeof(cmd), "tmux -L %s send-keys %s", t->sock, keys);
	free(run(cmd, &rc));
	CHECK_EQ(rc, 0);
}

/* Wait up to 15 s for the screen to satisfy @ok; return the last screen (malloc'ed). */
static inline char *tmux_wait(struct tmux *t, bool (*ok)(const char *screen))
{
	char *s = NULL;
	for (int i = 0; i < 150; i++) {
		free(s);
		s = tmux_capture(t);
		if (ok(s))
			return s;
		usleep(100000);
	}
	return s;
}

/* numamm-top's exit code, or -1 while it runs (waits up to 15 s). */
static inline int tmux_exit_code(struct tmux *t)
{
	for (int i = 0; i < 150; i++) {
		FILE *f = fopen(t->rcfile, "r");
		if (f) {
			int rc = -1;
			(void)!fscanf(f, "%d", &rc);
			fclose(f);
			return rc;
		}
		usleep(100000);
	}
	return -1;
}

static inline void tmux_stop(struct tmux *t)
{
	char cmd[256];
	int rc;
	snprintf(cmd, sizeof(cmd), "tmux -L %s kill-server 2>/dev/null", t->sock);
	free(run(cmd, &rc));
	unlink(t->rcfile);
	unlink(t->script);
	snprintf(cmd, sizeof(cmd), "/tmp/numamm-top-err-%d", (int)getpid());
	unlink(cmd);
}

#endif
