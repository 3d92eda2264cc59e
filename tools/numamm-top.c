/* tools/numamm-top - slabtop for a running numamm process, with its nodes and zones below.
 *
 *   numamm-top [-d SECONDS] [-s a|s|n|c] [--once] PID
 *
 * The top pane is slabtop's (procps slabtop.c columns and summary), built from the process's
 * slabinfo report; the bottom pane has one line per populated zone: free pages and the
 * min/low/high watermarks from zoneinfo, then free blocks per order from buddyinfo. Everything
 * comes through the live export (NUMAMM_STATS=shm in the observed process; <numamm/stats.h>).
 *
 * Keys: a = sort by active objects, s = object size, n = name, c = cache size, o = objects,
 * space = refresh now, q = quit. --once prints one frame without terminal control, every cache,
 * for scripts. The terminal is driven with plain ANSI sequences (alternate screen, home, erase
 * line): no curses needed.
 *
 * Exit: 0 after q (or --once); 1 when the process cannot be read at start; 2 for bad usage;
 * 3 when the process exits (or stops exporting) while being watched.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <numamm/stats.h>

#define NR_ORDERS 11

struct cache {
	char name[64];
	unsigned long active, objs, objsize, per_slab, pages_per_slab, active_slabs, slabs;
	unsigned long cache_kb;          /* slabs * pages per slab * 4 KiB */
};

struct zone_row {
	int nid;
	char zone[16];
	unsigned long free, min, low, high, managed;
	unsigned long order[NR_ORDERS];
	int nr_orders;
};

struct frame {
	struct cache *c;
	int nr_caches;
	struct zone_row z[64];
	int nr_zones;
};

static char sort_key = 'a';
static bool interactive;           /* errors wait until the terminal is back */

static int cmp_cache(const void *a, const void *b)
{
	const struct cache *x = a, *y = b;
	unsigned long vx = 0, vy = 0;
	switch (sort_key) {
	case 'a': vx = x->active; vy = y->active; break;
	case 'o': vx = x->objs; vy = y->objs; break;
	case 's': vx = x->objsize; vy = y->objsize; break;
	case 'c': vx = x->cache_kb; vy = y->cache_kb; break;
	default: break;
	}
	if (vx != vy)
		return vx < vy ? 1 : -1;   /* largest first, as slabtop */
	return strcmp(x->name, y->name);
}

static const char *sort_name(char k)
{
	switch (k) {
	case 'a': return "active objects";
	case 'o': return "objects";
	case 's': return "object size";
	case 'c': return "cache size";
	default: return "name";
	}
}

/* slabinfo 2.1: "name active num objsize objperslab pagesperslab : tunables l b s : slabdata
 * active_slabs num_slabs sharedavail". Lines that do not parse are skipped (headers). */
static void parse_slabinfo(char *text, struct frame *f)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct cache c = { 0 };
		unsigned long l, b, s, avail;
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu", c.name,
			   &c.active, &c.objs, &c.objsize, &c.per_slab, &c.pages_per_slab, &l, &b, &s,
			   &c.active_slabs, &c.slabs, &avail) != 12)
			continue;
		c.cache_kb = c.slabs * c.pages_per_slab * 4;
		struct cache *n = realloc(f->c, sizeof(*n) * (size_t)(f->nr_caches + 1));
		if (!n)
			break;
		f->c = n;
		f->c[f->nr_caches++] = c;
	}
}

static struct zone_row *zone_find(struct frame *f, int nid, const char *zone)
{
	for (int i = 0; i < f->nr_zones; i++)
		if (f->z[i].nid == nid && !strcmp(f->z[i].zone, zone))
			return &f->z[i];
	return NULL;
}

/* zoneinfo: "Node N, zone NAME" opens a zone; "pages free", "min", "low", "high", "managed"
 * follow. Only populated zones (those buddyinfo lists) are kept. */
static void parse_zoneinfo(char *text, struct frame *f)
{
	struct zone_row *z = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int nid;
		char name[16];
		unsigned long v;
		if (sscanf(line, "Node %d, zone %15s", &nid, name) == 2) {
			z = zone_find(f, nid, name);
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, " pages free %lu", &v) == 1)
			z->free = v;
		else if (sscanf(line, " min %lu", &v) == 1)
			z->min = v;
		else if (sscanf(line, " low %lu", &v) == 1)
			z->low = v;
		else if (sscanf(line, " high %lu", &v) == 1)
			z->high = v;
		else if (sscanf(line, " managed %lu", &v) == 1)
			z->managed = v;
	}
}

/* buddyinfo: "Node N, zone NAME c0 c1 ... c10". */
static void parse_buddyinfo(char *text, struct frame *f)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct zone_row z = { 0 };
		int pos;
		if (f->nr_zones == (int)(sizeof(f->z) / sizeof(f->z[0])) ||
		    sscanf(line, "Node %d, zone %15s%n", &z.nid, z.zone, &pos) != 2)
			continue;
		char *p = line + pos, *end;
		while (z.nr_orders < NR_ORDERS) {
			unsigned long v = strtoul(p, &end, 10);
			if (end == p)
				break;
			z.order[z.nr_orders++] = v;
			p = end;
		}
		f->z[f->nr_zones++] = z;
	}
}

/* One request. Return 0, or the error after saying it on stderr. */
static int get(struct nmm_stats_target *t, pid_t pid, const char *name, char **text)
{
	size_t len;
	int e = nmm_stats_read(t, name, text, &len, 5000);
	if (e && !interactive) {
		const char *why = nmm_stats_strerror(t);
		fprintf(stderr, "numamm-top: %d %s: %s\n", (int)pid, name, *why ? why : strerror(-e));
	}
	return e;
}

static int frame_read(struct nmm_stats_target *t, pid_t pid, struct frame *f)
{
	char *slab, *buddy, *zi;
	int e = get(t, pid, "slabinfo", &slab);
	if (e)
		return e;
	e = get(t, pid, "buddyinfo", &buddy);
	if (e) {
		free(slab);
		return e;
	}
	e = get(t, pid, "zoneinfo", &zi);
	if (e) {
		free(slab);
		free(buddy);
		return e;
	}
	parse_slabinfo(slab, f);
	parse_buddyinfo(buddy, f);
	parse_zoneinfo(zi, f);
	free(slab);
	free(buddy);
	free(zi);
	return 0;
}

static void frame_free(struct frame *f)
{
	free(f->c);
	memset(f, 0, sizeof(*f));
}

/* Output goes through a line sink that, on a terminal, clips to the width and the rows left
 * and erases what the last frame left to the right of each line. */
struct screen {
	bool tty;
	int rows, cols, row;
};

static void put(struct screen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct screen *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!s->tty) {
		puts(line);
		return;
	}
	if (s->row >= s->rows)
		return;
	if ((int)strlen(line) > s->cols)
		line[s->cols] = '\0';
	/* The last row takes no newline, or the screen would scroll. */
	printf("%s\033[K%s", line, ++s->row < s->rows ? "\n" : "");
}

static void draw(struct screen *s, const struct nmm_stats_process *pi, struct frame *f,
		 double delay)
{
	if (f->nr_caches)
		qsort(f->c, (size_t)f->nr_caches, sizeof(*f->c), cmp_cache);
	unsigned long objs = 0, active = 0, slabs = 0, aslabs = 0, caches_active = 0;
	double size_k = 0, asize_k = 0, min_k = 0, max_k = 0;
	for (int i = 0; i < f->nr_caches; i++) {
		const struct cache *c = &f->c[i];
		double k = (double)c->objsize / 1024;
		objs += c->objs;
		active += c->active;
		slabs += c->slabs;
		aslabs += c->active_slabs;
		caches_active += c->active > 0;
		size_k += k * (double)c->objs;
		asize_k += k * (double)c->active;
		if (!i || k < min_k)
			min_k = k;
		if (k > max_k)
			max_k = k;
	}
#define PCT(a, b) ((b) ? 100.0 * (double)(a) / (double)(b) : 0.0)
	if (s->tty)
		put(s, "\033[7mnumamm-top - pid %d (%s) boot \"%s\", every %.1f s, sorted by %s  "
		       "[a s n c o: sort, q: quit]\033[0m", (int)pi->pid, pi->comm, pi->cmdline, delay,
		    sort_name(sort_key));
	else
		put(s, "numamm-top - pid %d (%s) boot \"%s\", sorted by %s", (int)pi->pid, pi->comm,
		    pi->cmdline, sort_name(sort_key));
	put(s, " Active / Total Objects (%% used)    : %lu / %lu (%.1f%%)", active, objs, PCT(active, objs));
	put(s, " Active / Total Slabs (%% used)      : %lu / %lu (%.1f%%)", aslabs, slabs, PCT(aslabs, slabs));
	put(s, " Active / Total Caches (%% used)     : %lu / %d (%.1f%%)", caches_active, f->nr_caches,
	    PCT(caches_active, f->nr_caches));
	put(s, " Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)", asize_k, size_k,
	    size_k ? 100.0 * asize_k / size_k : 0.0);
	put(s, " Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK", min_k,
	    objs ? size_k / (double)objs : 0.0, max_k);
	put(s, "%s", "");

	/* The zone pane is drawn at the bottom, so the cache pane gets what it leaves. */
	int zone_lines = f->nr_zones + 2;
	int cache_rows = f->nr_caches;
	if (s->tty) {
		int left = s->rows - s->row - 1 - zone_lines;
		cache_rows = left < 0 ? 0 : (left < cache_rows ? left : cache_rows);
	}
	put(s, "%s  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME%s",
	    s->tty ? "\033[7m" : "", s->tty ? "\033[0m" : "");
	for (int i = 0; i < cache_rows; i++) {
		const struct cache *c = &f->c[i];
		put(s, "%6lu %6lu %3.0f%% %7.2fK %6lu %8lu %9luK %s", c->objs, c->active,
		    PCT(c->active, c->objs), (double)c->objsize / 1024, c->slabs, c->per_slab, c->cache_kb,
		    c->name);
	}
	if (!f->nr_caches)
		put(s, "  (no slab caches: the process has none, or no slab back end booted)");
	if (s->tty)
		while (s->row < s->rows - zone_lines)
			put(s, "%s", "");
	else
		put(s, "%s", "");

	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr), "NODE ZONE         FREE      MIN      LOW     HIGH  MANAGED");
	for (int o = 0; o < NR_ORDERS && n < (int)sizeof(hdr); o++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, " %5s%d", "o", o);
	put(s, "%s%s%s", s->tty ? "\033[7m" : "", hdr, s->tty ? "\033[0m" : "");
	for (int i = 0; i < f->nr_zones; i++) {
		const struct zone_row *z = &f->z[i];
		char line[256];
		int m = snprintf(line, sizeof(line), "%4d %-8s %8lu %8lu %8lu %8lu %8lu", z->nid, z->zone,
				 z->free, z->min, z->low, z->high, z->managed);
		for (int o = 0; o < z->nr_orders && m < (int)sizeof(line); o++)
			m += snprintf(line + m, sizeof(line) - (size_t)m, " %*lu", o < 10 ? 6 : 7, z->order[o]);
		put(s, "%s", line);
	}
}

static struct termios saved_tio;
static bool tio_saved;
static volatile sig_atomic_t got_signal, got_winch;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_signal = sig;
}

static void term_enter(void)
{
	struct termios tio;
	if (!tcgetattr(STDIN_FILENO, &saved_tio)) {
		tio = saved_tio;
		tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		tio.c_cc[VMIN] = 0;
		tio.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
		tio_saved = true;
	}
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);   /* alternate screen, no cursor */
	fflush(stdout);
}

static void term_leave(void)
{
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void term_size(struct screen *s)
{
	struct winsize ws;
	s->rows = 24;
	s->cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		s->rows = ws.ws_row;
		s->cols = ws.ws_col;
	}
}

static void usage(FILE *o)
{
	fprintf(o, "usage: numamm-top [-d SECONDS] [-s a|s|n|c|o] [--once] PID\n"
		   "  -d, --delay S   refresh every S seconds (default 2)\n"
		   "  -s, --sort K    a: active objects, s: object size, n: name, c: cache size, o: objects\n"
		   "  -o, --once      print one frame with every cache and exit (for scripts)\n"
		   "keys: a s n c o sort, space refreshes, q quits\n");
}

static bool valid_key(int k)
{
	return k == 'a' || k == 's' || k == 'n' || k == 'c' || k == 'o';
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	double delay = 2.0;
	bool once = false;
	int c;
	while ((c = getopt_long(argc, argv, "d:s:oh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			delay = atof(optarg);
			if (delay < 0.05) {
				fprintf(stderr, "numamm-top: -d %s: at least 0.05 s\n", optarg);
				return 2;
			}
			break;
		case 's':
			if (strlen(optarg) != 1 || !valid_key(optarg[0])) {
				usage(stderr);
				return 2;
			}
			sort_key = optarg[0];
			break;
		case 'o': once = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	char *end;
	long pid = strtol(argv[optind], &end, 10);
	if (*end || pid <= 0) {
		usage(stderr);
		return 2;
	}
	struct nmm_stats_target *t;
	int e = nmm_stats_open((pid_t)pid, &t);
	if (e) {
		fprintf(stderr, "numamm-top: %ld: %s\n", pid,
			e == -ENOENT ? "it exports no statistics (start it with NUMAMM_STATS=shm)" :
			e == -ESRCH ? "the process has exited" : strerror(-e));
		return 1;
	}
	struct nmm_stats_process pi;
	nmm_stats_info(t, &pi);
	struct frame f = { 0 };

	if (once || !isatty(STDOUT_FILENO)) {
		e = frame_read(t, (pid_t)pid, &f);
		if (!e) {
			struct screen s = { .tty = false };
			draw(&s, &pi, &f, delay);
		}
		frame_free(&f);
		nmm_stats_close(t);
		return e ? 1 : 0;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	interactive = true;
	term_enter();
	int rc = 0;
	bool redraw_only = false;
	while (!got_signal) {
		if (!redraw_only) {
			frame_free(&f);
			e = frame_read(t, (pid_t)pid, &f);
			if (e) {
				rc = e == -ESRCH || e == -ENOENT ? 3 : 1;
				break;
			}
		}
		struct screen s = { .tty = true };
		term_size(&s);
		fputs("\033[H", stdout);
		draw(&s, &pi, &f, delay);
		fputs("\033[J", stdout);
		fflush(stdout);

		redraw_only = false;
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int r = poll(&pfd, 1, (int)(delay * 1000));
		if (r < 0 && got_winch) {
			got_winch = 0;
			redraw_only = true;
			continue;
		}
		if (r > 0) {
			char key;
			if (read(STDIN_FILENO, &key, 1) != 1)
				continue;
			if (key == 'q' || key == 'Q')
				break;
			if (valid_key(key)) {
				sort_key = key;
				redraw_only = true;   /* new order now, fresh numbers at the next tick */
			}
		}
	}
	term_leave();
	if (rc == 3)
		fprintf(stderr, "numamm-top: process %ld is gone: %s\n", pid, nmm_stats_strerror(t));
	else if (rc)
		fprintf(stderr, "numamm-top: %ld: %s\n", pid, *nmm_stats_strerror(t) ?
			nmm_stats_strerror(t) : strerror(-e));
	frame_free(&f);
	nmm_stats_close(t);
	return rc;
}
