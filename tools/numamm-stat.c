/* tools/numamm-stat - print a report from another, running numamm process, in the kernel's
 * format, as `cat /proc/<file>` does for the kernel.
 *
 *   numamm-stat --list            processes exporting statistics (NUMAMM_STATS=shm); segments of
 *                                 processes that are gone are reported and removed
 *   numamm-stat --clean           only remove the segments of processes that are gone
 *   numamm-stat PID               the reports PID can print
 *   numamm-stat PID REPORT...     print those reports (buddyinfo, zoneinfo, slabinfo, numastat,
 *                                 meminfo, vmstat, ...), in order
 *   -t, --timeout MS              how long to wait for an answer (default 5000)
 *
 * Exit: 0; 1 when the process cannot be read (not exporting, exited, stopped, unknown report);
 * 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/stats.h>

#define MAX_PROCS 4096

static const char *state_name(enum nmm_stats_state s)
{
	switch (s) {
	case NMM_STATS_ALIVE: return "alive";
	case NMM_STATS_STALE: return "stale";
	case NMM_STATS_STARTING: return "starting";
	default: return "foreign";
	}
}

static int list(bool clean_only)
{
	static struct nmm_stats_process p[MAX_PROCS];
	int n = nmm_stats_list(p, MAX_PROCS, true);
	if (n < 0) {
		fprintf(stderr, "numamm-stat: cannot read /dev/shm: %s\n", strerror(-n));
		return 1;
	}
	if (n > MAX_PROCS)
		n = MAX_PROCS;
	if (!clean_only)
		printf("%7s %-8s %-16s %s\n", "PID", "STATE", "COMM", "BOOT");
	for (int i = 0; i < n; i++) {
		if (p[i].state == NMM_STATS_STALE) {
			printf("%7d %-8s %s: %s%s\n", (int)p[i].pid, "stale", p[i].path, p[i].why,
			       p[i].removed ? ", removed" : ", NOT removed");
			continue;
		}
		if (clean_only)
			continue;
		if (p[i].state == NMM_STATS_FOREIGN)
			printf("%7d %-8s %s: %s\n", (int)p[i].pid, state_name(p[i].state), p[i].path, p[i].why);
		else
			printf("%7d %-8s %-16s \"%s\"\n", (int)p[i].pid, state_name(p[i].state),
			       p[i].comm[0] ? p[i].comm : "-", p[i].cmdline);
	}
	return 0;
}

static int fail(struct nmm_stats_target *t, pid_t pid, const char *what, int e)
{
	const char *why = t ? nmm_stats_strerror(t) : "";
	if (!*why) {
		switch (e) {
		case -ENOENT: why = "it exports no statistics (start it with NUMAMM_STATS=shm)"; break;
		case -ESRCH: why = "the process has exited (stale segment; numamm-stat --clean removes it)"; break;
		case -EACCES: why = "permission denied (another user's process)"; break;
		case -EPROTO: why = "its segment is not one this numamm-stat understands"; break;
		default: why = strerror(-e); break;
		}
	}
	fprintf(stderr, "numamm-stat: %d%s%s: %s\n", (int)pid, what ? " " : "", what ? what : "", why);
	return 1;
}

static void usage(FILE *o)
{
	fprintf(o, "usage: numamm-stat --list | --clean | [-t MS] PID [REPORT...]\n"
		   "  --list          processes exporting statistics; removes stale segments\n"
		   "  --clean         remove the segments of processes that are gone\n"
		   "  -t, --timeout MS  wait at most MS for the process to answer (default 5000)\n"
		   "  PID             without REPORT: the reports PID can print\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "clean", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int timeout = 5000, c;
	while ((c = getopt_long(argc, argv, "lct:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': return list(false);
		case 'c': return list(true);
		case 't': timeout = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
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
	if (e)
		return fail(NULL, (pid_t)pid, NULL, e);
	int rc = 0;
	const char *list_req = "?";
	char **names = optind + 1 < argc ? argv + optind + 1 : (char **)&list_req;
	int nr = optind + 1 < argc ? argc - optind - 1 : 1;
	for (int i = 0; i < nr && !rc; i++) {
		char *text;
		size_t len;
		e = nmm_stats_read(t, names[i], &text, &len, timeout);
		if (e) {
			rc = fail(t, (pid_t)pid, names[i][0] == '?' ? NULL : names[i], e);
			break;
		}
		if (names[i][0] == '?') {
			/* "name\twhat" lines, laid out as numamm-info --list-reports does. */
			for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
				char *tab = strchr(line, '\t');
				if (tab)
					*tab = '\0';
				printf("%-16s %s\n", line, tab ? tab + 1 : "");
			}
		} else {
			fwrite(text, 1, len, stdout);
		}
		free(text);
	}
	nmm_stats_close(t);
	if (fflush(stdout))
		rc = 1;
	return rc;
}
