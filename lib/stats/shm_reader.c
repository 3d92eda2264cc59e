/* lib/stats/shm_reader.c - the other side of the live statistics export: find the segments in
 * /dev/shm, tell live processes from dead ones (a pid alone lies once it is reused, so the
 * segment's recorded start time must match /proc/<pid>/stat), and ask one for a report
 * (protocol: shm.h). Runs in numamm-stat and numamm-top; needs no boot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <numamm/stats.h>

#include "shm.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

struct nmm_stats_target {
	int fd;
	pid_t pid;
	struct nmm_stats_shm *shm;
	char path[64];
	char err[160];
};

int nmm_stats_proc_stat(int pid, uint64_t *starttime, char *state)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)   /* out of fds is not "no such process" (callers report the errno) */
		return errno == EMFILE || errno == ENFILE ? -errno : -ESRCH;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses, so start after the last
	 * ')'. Field 3 is the state, field 22 the start time. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -ESRCH;
	p += 2;
	*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -ESRCH;
		p++;
	}
	*starttime = strtoull(p, NULL, 10);
	return 0;
}

/* Is the process the segment describes alive? Fills @why when not. */
static enum nmm_stats_state segment_state(const struct nmm_stats_shm *shm, pid_t pid, char *why,
					  size_t whylen)
{
	uint64_t start;
	char st;
	if (nmm_stats_proc_stat(pid, &start, &st)) {
		snprintf(why, whylen, "process %d is gone", (int)pid);
		return NMM_STATS_STALE;
	}
	if (st == 'Z' || st == 'X') {
		snprintf(why, whylen, "process %d has exited (zombie)", (int)pid);
		return NMM_STATS_STALE;
	}
	if (LD(((struct nmm_stats_shm *)shm)->magic) != NMM_STATS_SHM_MAGIC)
		return NMM_STATS_STARTING;
	if (shm->starttime != start) {
		snprintf(why, whylen, "pid %d was reused (start time %llu, segment's %llu)", (int)pid,
			 (unsigned long long)start, (unsigned long long)shm->starttime);
		return NMM_STATS_STALE;
	}
	return NMM_STATS_ALIVE;
}

static bool shm_name_pid(const char *name, pid_t *pid)
{
	size_t pl = strlen(NMM_STATS_SHM_PREFIX);
	if (strncmp(name, NMM_STATS_SHM_PREFIX, pl) || !name[pl])
		return false;
	char *end;
	long v = strtol(name + pl, &end, 10);
	if (*end || v <= 0 || v > INT32_MAX)
		return false;
	*pid = (pid_t)v;
	return true;
}

/* Map the segment's header and check it is ours. Return: 0, -EPROTO, or -errno. */
static int map_header(int fd, struct nmm_stats_shm **out)
{
	struct stat st;
	if (fstat(fd, &st))
		return -errno;
	if ((size_t)st.st_size < sizeof(struct nmm_stats_shm))
		return -EPROTO;
	struct nmm_stats_shm *shm = mmap(NULL, NMM_STATS_SHM_MAX, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shm == MAP_FAILED)
		return -errno;
	uint64_t magic = LD(shm->magic);
	if ((magic && magic != NMM_STATS_SHM_MAGIC) ||
	    (magic && (shm->version != NMM_STATS_SHM_VERSION ||
		       shm->data_off != offsetof(struct nmm_stats_shm, data)))) {
		munmap(shm, NMM_STATS_SHM_MAX);
		return -EPROTO;
	}
	*out = shm;
	return 0;
}

/* Remove @path only if it is still the file @fd has open (a new process may have taken the
 * pid, and the name, since we looked). */
static bool unlink_if_same(const char *path, int fd)
{
	struct stat a, b;
	if (fstat(fd, &a) || stat(path, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return false;
	return unlink(path) == 0;
}

static void inspect(const char *name, pid_t pid, bool clean, struct nmm_stats_process *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->path, sizeof(p->path), NMM_STATS_SHM_DIR "/%.40s", name);   /* names are numamm-<pid>: short */
	int fd = open(p->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		p->state = NMM_STATS_FOREIGN;
		snprintf(p->why, sizeof(p->why), "cannot open: %s", strerror(errno));
		return;
	}
	struct nmm_stats_shm *shm;
	int e = map_header(fd, &shm);
	if (e) {
		p->state = NMM_STATS_FOREIGN;
		snprintf(p->why, sizeof(p->why), "%s", e == -EPROTO ? "not a numamm statistics segment this reader knows" : strerror(-e));
		close(fd);
		return;
	}
	p->state = segment_state(shm, pid, p->why, sizeof(p->why));
	if (p->state != NMM_STATS_STARTING) {
		p->starttime = shm->starttime;
		memcpy(p->comm, shm->comm, sizeof(p->comm));
		p->comm[sizeof(p->comm) - 1] = '\0';
		memcpy(p->cmdline, shm->cmdline, sizeof(p->cmdline));
		p->cmdline[sizeof(p->cmdline) - 1] = '\0';
	}
	munmap(shm, NMM_STATS_SHM_MAX);
	if (p->state == NMM_STATS_STALE && clean)
		p->removed = unlink_if_same(p->path, fd);
	close(fd);
}

static int by_pid(const void *a, const void *b)
{
	const struct nmm_stats_process *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int nmm_stats_list(struct nmm_stats_process *out, int max, bool clean)
{
	DIR *d = opendir(NMM_STATS_SHM_DIR);
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		pid_t pid;
		if (!shm_name_pid(de->d_name, &pid))
			continue;
		struct nmm_stats_process p;
		inspect(de->d_name, pid, clean, &p);
		if (n < max)
			out[n] = p;
		n++;
	}
	closedir(d);
	qsort(out, (size_t)(n < max ? n : max), sizeof(*out), by_pid);
	return n;
}

int nmm_stats_open(pid_t pid, struct nmm_stats_target **out)
{
	struct nmm_stats_target *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->pid = pid;
	snprintf(t->path, sizeof(t->path), NMM_STATS_SHM_DIR "/" NMM_STATS_SHM_PREFIX "%d", (int)pid);
	t->fd = open(t->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	int e = t->fd < 0 ? (errno == ENOENT ? -ENOENT : -errno) : map_header(t->fd, &t->shm);
	if (!e) {
		char why[96];
		/* A segment still being created is given a moment to get its magic. */
		enum nmm_stats_state s;
		for (int i = 0; (s = segment_state(t->shm, pid, why, sizeof(why))) == NMM_STATS_STARTING && i < 100; i++)
			usleep(1000);
		if (s == NMM_STATS_STALE)
			e = -ESRCH;
		else if (s != NMM_STATS_ALIVE)
			e = -EPROTO;
	}
	if (e) {
		nmm_stats_close(t);
		return e;
	}
	*out = t;
	return 0;
}

void nmm_stats_close(struct nmm_stats_target *t)
{
	if (!t)
		return;
	if (t->shm)
		munmap(t->shm, NMM_STATS_SHM_MAX);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}

const char *nmm_stats_strerror(const struct nmm_stats_target *t)
{
	return t ? t->err : "";
}

void nmm_stats_info(struct nmm_stats_target *t, struct nmm_stats_process *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = t->pid;
	p->state = segment_state(t->shm, t->pid, p->why, sizeof(p->why));
	p->starttime = t->shm->starttime;
	memcpy(p->comm, t->shm->comm, sizeof(p->comm) - 1);
	memcpy(p->cmdline, t->shm->cmdline, sizeof(p->cmdline) - 1);
	snprintf(p->path, sizeof(p->path), "%s", t->path);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Still worth waiting for? 0 while alive and running; -ESRCH (gone), -ENOENT (stopped
 * exporting), or 1 when it is stopped (SIGSTOP, a debugger), with t->err saying so. */
static int target_check(struct nmm_stats_target *t)
{
	char why[96];
	if (segment_state(t->shm, t->pid, why, sizeof(why)) == NMM_STATS_STALE) {
		snprintf(t->err, sizeof(t->err), "%s", why);
		return -ESRCH;
	}
	struct stat a, b;
	if (stat(t->path, &b) || fstat(t->fd, &a) || a.st_ino != b.st_ino) {
		snprintf(t->err, sizeof(t->err), "process %d stopped exporting statistics", (int)t->pid);
		return -ENOENT;
	}
	uint64_t start;
	char st;
	if (!nmm_stats_proc_stat(t->pid, &start, &st) && (st == 'T' || st == 't')) {
		snprintf(t->err, sizeof(t->err), "process %d is stopped (SIGSTOP or a debugger) and cannot answer",
			 (int)t->pid);
		return 1;
	}
	return 0;
}

/* Take the channel: free, or held by a reader that died holding it. */
static int channel_get(struct nmm_stats_target *t, const struct timespec *deadline)
{
	uint32_t me = (uint32_t)getpid();
	for (;;) {
		uint32_t owner = 0;
		if (__atomic_compare_exchange_n(&t->shm->reader, &owner, me, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 0;
		if (owner == me) {
			/* Another thread of ours, or a fork()ed twin: wait like anyone. */
		} else if (kill((pid_t)owner, 0) && errno == ESRCH) {
			__atomic_compare_exchange_n(&t->shm->reader, &owner, 0, false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
			continue;
		}
		if (ms_left(deadline) <= 0) {
			snprintf(t->err, sizeof(t->err), "another reader (pid %u) kept process %d busy",
				 owner, (int)t->pid);
			return -ETIMEDOUT;
		}
		usleep(1000);
	}
}

int nmm_stats_read(struct nmm_stats_target *t, const char *name, char **text, size_t *len,
		   int timeout_ms)
{
	t->err[0] = '\0';
	if (!name || strlen(name) >= NMM_STATS_REQ_MAX)
		return -ENOENT;
	if (timeout_ms < 0)
		timeout_ms = 5000;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	int e = target_check(t);
	if (e < 0)
		return e;
	e = channel_get(t, &deadline);
	if (e)
		return e;
	struct nmm_stats_shm *shm = t->shm;
	memset(shm->req, 0, sizeof(shm->req));
	memcpy(shm->req, name, strlen(name));
	uint32_t seq = __atomic_add_fetch(&shm->req_seq, 1, __ATOMIC_ACQ_REL);
	nmm_stats_futex_wake(&shm->req_seq);

	for (;;) {
		uint32_t got = LD(shm->resp_seq);
		if (got == seq)
			break;
		long left = ms_left(&deadline);
		int c = target_check(t);
		if (c < 0 || left <= 0) {
			if (c >= 0 && !c)
				snprintf(t->err, sizeof(t->err), "process %d did not answer within %d ms",
					 (int)t->pid, timeout_ms);
			ST(shm->reader, 0);
			return c < 0 ? c : -ETIMEDOUT;
		}
		/* Short naps: a process that dies never wakes us, so look again every 50 ms. */
		long nap = left < 50 ? left : 50;
		struct timespec ts = { 0, nap * 1000000 };
		nmm_stats_futex_wait(&shm->resp_seq, got, &ts);
	}
	e = shm->resp_status;
	uint64_t n = shm->resp_len;
	struct stat st;
	if (!e && (fstat(t->fd, &st) || n > (uint64_t)st.st_size - shm->data_off)) {
		snprintf(t->err, sizeof(t->err), "process %d answered with a bad length", (int)t->pid);
		e = -EPROTO;
	}
	char *buf = NULL;
	if (!e) {
		buf = malloc(n + 1);
		if (!buf) {
			e = -ENOMEM;
		} else {
			memcpy(buf, shm->data, n);
			buf[n] = '\0';
		}
	}
	ST(shm->reader, 0);
	if (e == -ENOENT)
		snprintf(t->err, sizeof(t->err), "no report named '%s'", name);
	else if (e == -EFBIG)
		snprintf(t->err, sizeof(t->err), "report '%s' is larger than %lu MiB", name,
			 NMM_STATS_SHM_MAX >> 20);
	if (e)
		return e;
	*text = buf;
	*len = n;
	return 0;
}
