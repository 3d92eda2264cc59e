/* numamm/stats.h - observe a running numamm process: the live statistics export and its reader.
 *
 * A process started with NUMAMM_STATS=shm (or one that calls nmm_stats_export_start()) creates
 * /dev/shm/numamm-<pid> and a "numamm-stats" thread that sleeps on a futex in it. A reader in
 * another process (numamm-stat, numamm-top, or this API) writes a report name into the segment
 * and wakes the thread, which renders that report with the same code as nmm_report() into the
 * segment and wakes the reader. Nothing runs, and the allocation fast paths pay nothing, until
 * someone asks: the counters the reports print are the per-CPU counters the reports fold on read.
 *
 *   struct nmm_stats_target *t;
 *   if (!nmm_stats_open(pid, &t)) {
 *           char *text; size_t len;
 *           if (!nmm_stats_read(t, "buddyinfo", &text, &len, 2000))
 *                   fwrite(text, 1, len, stdout), free(text);
 *           nmm_stats_close(t);
 *   }
 */
#ifndef NUMAMM_STATS_H
#define NUMAMM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * nmm_stats_export_start - create /dev/shm/numamm-<pid> and the thread that answers readers.
 *
 * Called by the boot when NUMAMM_STATS=shm; a program may call it itself. The segment is
 * removed by nmm_stats_export_stop(), by nmm_shutdown() and at exit(); a killed process leaves
 * it behind for `numamm-stat --list` to find and remove.
 * Context: process context, after boot; takes a mutex.
 * Return: 0 (also when already exporting); -errno from shm_open/ftruncate/mmap/pthread_create.
 */
int nmm_stats_export_start(void);

/* nmm_stats_export_stop - stop the thread (after the report it is rendering) and remove the
 * segment. Safe to call when not exporting. Context: process context, not the stats thread. */
void nmm_stats_export_stop(void);

/* nmm_stats_exporting - is this process exporting now? */
bool nmm_stats_exporting(void);

/* What a segment in /dev/shm says about its process, and whether that process still lives. */
enum nmm_stats_state {
	NMM_STATS_ALIVE,      /* the pid lives, with the start time the segment recorded */
	NMM_STATS_STALE,      /* the process is gone (or its pid was reused): nobody will answer */
	NMM_STATS_STARTING,   /* the segment is being created (no magic yet) and the pid lives */
	NMM_STATS_FOREIGN,    /* not a numamm segment of a version this reader knows, or unreadable */
};

struct nmm_stats_process {
	pid_t pid;
	enum nmm_stats_state state;
	bool removed;                 /* stale, and removed by nmm_stats_list(..., true) */
	uint64_t starttime;           /* /proc/<pid>/stat field 22, clock ticks after system boot */
	char comm[16];                /* the process's name when it started exporting */
	char cmdline[256];            /* its numamm boot line ("" for defaults) */
	char path[64];                /* /dev/shm/numamm-<pid> */
	char why[96];                 /* for STALE / FOREIGN: what was found */
};

/**
 * nmm_stats_list - every /dev/shm/numamm-* segment, by pid.
 * @out: room for @max entries
 * @clean: remove the segments of processes that are gone (STALE), marking them removed
 *
 * Context: any process; needs no boot.
 * Return: the number of segments found (may exceed @max; only @max are filled), or -errno when
 * /dev/shm cannot be read.
 */
int nmm_stats_list(struct nmm_stats_process *out, int max, bool clean);

struct nmm_stats_target;

/**
 * nmm_stats_open - attach to the export of process @pid.
 * Return: 0 and *@out; -ENOENT when @pid exports nothing; -ESRCH when its segment is stale
 * (process gone or pid reused); -EPROTO when the segment is not one this reader understands;
 * -EACCES (another user's process); -ENOMEM.
 */
int nmm_stats_open(pid_t pid, struct nmm_stats_target **out);

/**
 * nmm_stats_read - have the target render report @name and copy it out.
 * @name: a report name (nmm_report()'s names), or "?" for "name<TAB>description" lines
 * @text: set to a malloc'ed, NUL-terminated copy of the report (free() it)
 * @len: its length without the NUL
 * @timeout_ms: how long to wait for the target (< 0: 5000)
 *
 * One reader at a time talks to a target; others wait for their turn within @timeout_ms.
 * Context: may sleep.
 * Return: 0; -ENOENT for an unknown report; -ESRCH when the process has exited; -ETIMEDOUT when
 * it did not answer in time (stopped, or busy: nmm_stats_strerror() says which); -EFBIG when
 * the report does not fit the largest segment; -ENOMEM.
 */
int nmm_stats_read(struct nmm_stats_target *t, const char *name, char **text, size_t *len,
		   int timeout_ms);

/* nmm_stats_info - the target's header (state is ALIVE or STALE as of now). */
void nmm_stats_info(struct nmm_stats_target *t, struct nmm_stats_process *info);

/* nmm_stats_strerror - one line on the target's last error ("process 1234 is stopped (SIGSTOP
 * or a debugger) and cannot answer"), "" when none. */
const char *nmm_stats_strerror(const struct nmm_stats_target *t);

void nmm_stats_close(struct nmm_stats_target *t);

#ifdef __cplusplus
}
#endif
#endif
