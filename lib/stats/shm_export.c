/* lib/stats/shm_export.c - the live statistics export: /dev/shm/numamm-<pid> and the
 * "numamm-stats" thread that renders reports into it on request (layout and protocol: shm.h).
 *
 * Cost model: nothing on any allocation path. The thread sleeps in FUTEX_WAIT until a reader
 * bumps req_seq, renders exactly one report with the report table's own function (the same
 * code as nmm_report(), so the text is what the process would print about itself), and sleeps
 * again. The reports fold their per-CPU counters on read, as /proc does.
 *
 * Lifetime: started after a successful boot when NUMAMM_STATS=shm (nmm_stats_boot_hook), or by
 * nmm_stats_export_start(); stopped before nmm_shutdown() tears memory down, so a report never
 * walks freed zones; the segment is unlinked at exit() too. A fork()ed child forgets the
 * parent's export (it has no thread; the segment is the parent's).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numamm/numamm.h>
#include <numamm/stats.h>

#include "shm.h"
#include "stats.h"

static struct {
	pthread_mutex_t lock;          /* start/stop */
	bool running;
	int stopping;                  /* atomic: the thread exits at its next wake */
	int fd;
	pid_t pid;
	struct nmm_stats_shm *shm;
	char name[32];                 /* "/numamm-<pid>" for shm_open/shm_unlink */
	pthread_t thread;
	bool hooks;                    /* atexit/atfork registered */
} ex = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

#define LD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* Writes of the report go straight into data[], growing the file when a report outgrows it. */
struct sink {
	struct nmm_stats_shm *shm;
	int fd;
	uint64_t len;
	bool overflow;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct sink *s = cookie;
	uint64_t need = s->shm->data_off + s->len + n;
	uint64_t size = s->shm->size;
	if (need > size) {
		uint64_t nsize = size;
		while (nsize < need && nsize < NMM_STATS_SHM_MAX)
			nsize *= 2;
		if (nsize > NMM_STATS_SHM_MAX)
			nsize = NMM_STATS_SHM_MAX;
		if (nsize > size && ftruncate(s->fd, (off_t)nsize) == 0)
			ST(s->shm->size, nsize);
		size = s->shm->size;
		if (need > size) {
			n = size - s->shm->data_off - s->len;
			s->overflow = true;
		}
	}
	memcpy(s->shm->data + s->len, buf, n);
	s->len += n;
	return s->overflow ? -1 : (ssize_t)n;
}

static int render_list(FILE *f)
{
	size_t n;
	const struct nmm_report_entry *r = nmm_report_list(&n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\t%s\n", r[i].name, r[i].what);
	return 0;
}

static void answer(struct nmm_stats_shm *shm, uint32_t seq)
{
	char req[NMM_STATS_REQ_MAX];
	memcpy(req, shm->req, sizeof(req));   /* the reader's bytes: trust none of them */
	req[sizeof(req) - 1] = '\0';

	int (*fn)(FILE *) = NULL;
	if (!strcmp(req, "?")) {
		fn = render_list;
	} else {
		size_t n;
		const struct nmm_report_entry *r = nmm_report_list(&n);
		for (size_t i = 0; i < n && !fn; i++)
			if (!strcmp(req, r[i].name))
				fn = r[i].fn;
	}
	int status = -ENOENT;
	struct sink s = { .shm = shm, .fd = ex.fd };
	if (fn && !nmm_booted()) {
		status = -ENODEV;   /* started by hand before boot: there is nothing to report yet */
	} else if (fn) {
		FILE *f = fopencookie(&s, "w", (cookie_io_functions_t){ .write = sink_write });
		if (!f) {
			status = -ENOMEM;
		} else {
			status = fn(f);
			fclose(f);
			if (s.overflow)
				status = -EFBIG;
		}
	}
	shm->resp_status = status;
	shm->resp_len = status ? 0 : s.len;
	ST(shm->resp_seq, seq);
	nmm_stats_futex_wake(&shm->resp_seq);
}

static void *stats_thread(void *arg)
{
	struct nmm_stats_shm *shm = arg;
	/* The segment is new: a request may already be waiting (a reader fast enough to find the
	 * segment before this thread ran), so start from 0, not from what req_seq says now. */
	uint32_t done = 0;
	for (;;) {
		uint32_t seq = LD(shm->req_seq);
		if (__atomic_load_n(&ex.stopping, __ATOMIC_ACQUIRE))
			break;
		if (seq == done) {
			nmm_stats_futex_wait(&shm->req_seq, seq, NULL);
			continue;
		}
		answer(shm, seq);
		done = seq;
	}
	return NULL;
}

static void unlink_at_exit(void)
{
	/* The thread may be mid-report: leave the mapping, only take the name away. */
	if (ex.running && ex.pid == getpid())
		shm_unlink(ex.name);
}

/* fork(): ex.lock is held across it, so the child's copy of ex is consistent. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&ex.lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&ex.lock);
}

static void fork_child(void)
{
	if (ex.running) {
		munmap(ex.shm, NMM_STATS_SHM_MAX);
		close(ex.fd);
		ex.shm = NULL;
		ex.fd = -1;
		ex.running = false;
	}
	pthread_mutex_unlock(&ex.lock);
}

static int export_start_locked(void)
{
	pid_t pid = getpid();
	uint64_t starttime;
	char state;
	int e = nmm_stats_proc_stat(pid, &starttime, &state);
	if (e)
		return e;
	snprintf(ex.name, sizeof(ex.name), "/" NMM_STATS_SHM_PREFIX "%d", (int)pid);
	/* A segment under our pid is a dead process's: its pid is ours now. */
	shm_unlink(ex.name);
	int fd = shm_open(ex.name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	struct nmm_stats_shm *shm = MAP_FAILED;
	e = ftruncate(fd, NMM_STATS_SHM_INITIAL) ? -errno : 0;
	if (!e) {
		shm = mmap(NULL, NMM_STATS_SHM_MAX, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (shm == MAP_FAILED)
			e = -errno;
	}
	if (e) {
		close(fd);
		shm_unlink(ex.name);
		return e;
	}
	shm->version = NMM_STATS_SHM_VERSION;
	shm->data_off = (uint32_t)offsetof(struct nmm_stats_shm, data);
	shm->pid = pid;
	shm->starttime = starttime;
	shm->size = NMM_STATS_SHM_INITIAL;
	if (pthread_getname_np(pthread_self(), shm->comm, sizeof(shm->comm)))
		shm->comm[0] = '\0';
	snprintf(shm->cmdline, sizeof(shm->cmdline), "%s", nmm_boot_cmdline());
	ST(shm->magic, NMM_STATS_SHM_MAGIC);

	ex.fd = fd;
	ex.shm = shm;
	ex.pid = pid;
	__atomic_store_n(&ex.stopping, 0, __ATOMIC_RELEASE);
	/* The thread takes no signal meant for the application. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = -pthread_create(&ex.thread, NULL, stats_thread, shm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		munmap(shm, NMM_STATS_SHM_MAX);
		close(fd);
		shm_unlink(ex.name);
		ex.fd = -1;
		ex.shm = NULL;
		return e;
	}
	pthread_setname_np(ex.thread, "numamm-stats");
	ex.running = true;
	if (!ex.hooks) {
		atexit(unlink_at_exit);
		pthread_atfork(fork_prepare, fork_parent, fork_child);
		ex.hooks = true;
	}
	return 0;
}

int nmm_stats_export_start(void)
{
	pthread_mutex_lock(&ex.lock);
	int e = ex.running ? 0 : export_start_locked();
	pthread_mutex_unlock(&ex.lock);
	return e;
}

void nmm_stats_export_stop(void)
{
	pthread_mutex_lock(&ex.lock);
	if (ex.running) {
		__atomic_store_n(&ex.stopping, 1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&ex.shm->req_seq, 1, __ATOMIC_ACQ_REL);
		nmm_stats_futex_wake(&ex.shm->req_seq);
		pthread_join(ex.thread, NULL);
		shm_unlink(ex.name);
		/* A reader waiting on us sees the name gone and our answer never coming: wake it to
		 * look (it then finds the segment unlinked and says the process stopped exporting). */
		nmm_stats_futex_wake(&ex.shm->resp_seq);
		munmap(ex.shm, NMM_STATS_SHM_MAX);
		close(ex.fd);
		ex.shm = NULL;
		ex.fd = -1;
		ex.running = false;
	}
	pthread_mutex_unlock(&ex.lock);
}

bool nmm_stats_exporting(void)
{
	pthread_mutex_lock(&ex.lock);
	bool r = ex.running;
	pthread_mutex_unlock(&ex.lock);
	return r;
}

/* nmm_stats_boot_hook - after a successful boot: NUMAMM_STATS=shm starts the export. A bad
 * value is one line on stderr, not a failed boot (the service runs, unobserved). */
void nmm_stats_boot_hook(void)
{
	const char *v = getenv("NUMAMM_STATS");
	if (!v || !*v || !strcmp(v, "off") || !strcmp(v, "1") || !strcmp(v, "exit") ||
	    !strncmp(v, "file:", 5))
		return;                     /* 1 / exit: the drop-in malloc's summary at exit */
	if (strcmp(v, "shm")) {
		fprintf(stderr, "numamm: NUMAMM_STATS=%s: unknown (shm, 1, exit, file:PATH or off)\n", v);
		return;
	}
	int e = nmm_stats_export_start();
	if (e)
		fprintf(stderr, "numamm: NUMAMM_STATS=shm: cannot export statistics: %s\n", strerror(-e));
}
