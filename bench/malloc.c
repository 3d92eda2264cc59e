/* bench/malloc.c - the drop-in malloc (issue 8): allocator workloads and a real service run under
 * LD_PRELOAD of libnumamm-malloc.so and of each peer's Debian library, side by side in one run.
 *
 * Allocators (<who> in the names), each a whole process started per iteration:
 *	glibc     no LD_PRELOAD (redis-server, which Debian links with jemalloc: LD_PRELOAD of
 *	          libc.so.6 itself, which puts glibc's malloc first in the symbol search order)
 *	numamm    LD_PRELOAD=libnumamm-malloc.so (next to this build's bench/, or
 *	          $NUMAMM_MALLOC_LIB); default boot, no NUMAMM_* settings
 *	jemalloc  LD_PRELOAD=libjemalloc.so.2           (the sonames of bench_peers.h)
 *	tcmalloc  LD_PRELOAD=libtcmalloc_minimal.so.4
 *	mimalloc  LD_PRELOAD=libmimalloc.so.2
 * Before its first timed run each allocator is checked: the workload started with MSTRESS_WHO=1
 * must report that its malloc lives in the preloaded file (libc.so.6 for glibc). A library that
 * cannot be preloaded skips that allocator's benchmarks with the reason (ld.so's message).
 *
 * Workloads (bench/malloc/mstress-*.c, plain C over malloc/free; built into bench/malloc/):
 *	larson        server simulation: 2 threads replace random 16..1000 B blocks in tables
 *	              that move between threads every round (most frees remote)
 *	xmalloc       1 producer thread allocates 16..512 B blocks, 1 consumer frees them
 *	cache_scratch passive false sharing: 2 threads, 8 B objects written 500 times each
 *	cfrac         1 thread, bignum-style churn of small digit arrays, a few long-lived
 *	realloc       1 thread, buffers grown by 4..64 KiB reallocs to 16 MiB, shrunk, freed
 *	redis         redis-server under the allocator, driven by redis-benchmark (not preloaded)
 *	              on loopback: SET/GET/LPUSH/LPOP/INCR, 64 B values, 100k random keys,
 *	              NUMAMM_BENCH_REDIS_N requests per test (default 50000; 200000 in full mode)
 *
 * Time: manual, the wall time from fork to exit of the workload (for redis: the
 * redis-benchmark run against a server that is already up). Each iteration is one process, so
 * the time includes the allocator's start-up (numamm boots hwloc and its zones: ~14 ms). The
 * counter max_rss_kib is the process's peak RSS (wait4's ru_maxrss; for redis the server's),
 * minor_faults its page faults. Fixed iterations (3 in full mode, 1 in quick) and numamm-bench's
 * repetitions give the median.
 */
#include "bench_peers.h"
#include "gbench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* An allocator: a bench_peer_id (glibc, jemalloc, tcmalloc, mimalloc), or numamm. */
typedef int who_t;
enum { WHO_NUMAMM = BENCH_NR_PEERS, NR_WHO };
#define LIBC_SONAME "libc.so.6"

struct workload {
	const char *name;
	const char *prog;               /* bench/malloc/mstress-<prog>; NULL for redis */
	const char *threads, *scale;    /* argv[1], argv[2] */
};

static const struct workload workloads[] = {
	{ "larson", "larson", "2", "600" },
	{ "xmalloc", "xmalloc", "1", "60" },
	{ "cache_scratch", "cache_scratch", "2", "1000" },
	{ "cfrac", "cfrac", "1", "3000" },
	{ "realloc", "realloc", "1", "20" },
	{ "redis", NULL, NULL, NULL },
};
#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

struct run {
	const struct workload *w;
	who_t who;
};
static struct run runs[NR_WORKLOADS * NR_WHO];

static char bench_dir[PATH_MAX / 2];    /* the directory of this binary */
static char numamm_lib[PATH_MAX];
static int checked[NR_WHO];             /* 0 not yet, 1 fine, -1 failed (reason in check_err) */
static char check_err[NR_WHO][512];

struct proc_result {
	double seconds;
	long max_rss_kib, minor_faults;
	int status;
};

static const char *who_name(who_t who)
{
	return who == WHO_NUMAMM ? "numamm" : bench_peer(who)->name;
}

/* The file to preload for @who on @w (NULL: none). */
static const char *preload_of(who_t who, const struct workload *w)
{
	if (who == WHO_NUMAMM)
		return numamm_lib;
	if (who == BENCH_PEER_GLIBC)
		return w->prog ? NULL : LIBC_SONAME;
	return bench_peer(who)->soname;
}

/* The file name of @lib without its directory. */
static const char *lib_base(const char *lib)
{
	const char *slash = strrchr(lib, '/');
	return slash ? slash + 1 : lib;
}

/* A copy of environ with LD_PRELOAD set to @preload (or removed), plus @extra ("K=V") if any. */
static char **child_env(const char *preload, const char *extra)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) && strncmp(environ[i], "MSTRESS_WHO=", 12))
			env[k++] = environ[i];
	static char pre[PATH_MAX + 16];
	if (preload) {
		snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", preload);
		env[k++] = pre;
	}
	if (extra)
		env[k++] = (char *)extra;
	return env;
}

/* fork + execve @argv with @env; stdout to /dev/null, stderr to @err_fd (or /dev/null).
 * Return: the pid, or -errno. */
static pid_t spawn(char *const argv[], char **env, int err_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err_fd >= 0 ? err_fd : null, 2);
		execve(argv[0], argv, env);
		_exit(127);
	}
	return pid;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* wait4 @pid with @flags into @r (status, max RSS, faults). Return: 1 reaped, 0 still running
 * (WNOHANG), or -errno. */
static int reap(pid_t pid, int flags, struct proc_result *r)
{
	struct rusage ru;
	int status;
	pid_t got;
	while ((got = wait4(pid, &status, flags, &ru)) < 0)
		if (errno != EINTR)
			return -errno;
	if (got == 0)
		return 0;
	r->status = status;
	r->max_rss_kib = ru.ru_maxrss;
	r->minor_faults = ru.ru_minflt;
	return 1;
}

static int wait_child(pid_t pid, struct proc_result *r)
{
	int ret = reap(pid, 0, r);
	return ret < 0 ? ret : 0;
}

static void mstress_path(char *buf, size_t len, const char *prog)
{
	snprintf(buf, len, "%s/malloc/mstress-%s", bench_dir, prog);
}

/* Run mstress-@prog once. @who_fd >= 0: with MSTRESS_WHO=1, stderr to it. */
static int run_mstress(const struct workload *w, who_t who, int who_fd, struct proc_result *r)
{
	char path[PATH_MAX];
	mstress_path(path, sizeof(path), w->prog);
	char *argv[] = { path, (char *)w->threads, (char *)w->scale, NULL };
	char **env = child_env(preload_of(who, w), who_fd >= 0 ? "MSTRESS_WHO=1" : NULL);
	if (!env)
		return -ENOMEM;
	double t0 = now();
	pid_t pid = spawn(argv, env, who_fd);
	free(env);
	if (pid < 0)
		return pid;
	int ret = wait_child(pid, r);
	r->seconds = now() - t0;
	return ret;
}

/* ---- redis ---- */

static int redis_port(void)
{
	return 20000 + (int)(getpid() % 20000);
}

/* Connect to 127.0.0.1:@port, send @cmd, read a reply into @buf. Return: bytes read or -errno. */
static int redis_say(int port, const char *cmd, char *buf, size_t len)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int ret = -ECONNREFUSED;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd)) {
		ssize_t n = read(fd, buf, len - 1);
		ret = n < 0 ? -errno : (int)n;
		if (n >= 0)
			buf[n] = 0;
	}
	close(fd);
	return ret;
}

static long redis_requests(void)
{
	const char *s = getenv("NUMAMM_BENCH_REDIS_N"), *mode = getenv("NUMAMM_BENCH_MODE");
	if (s && atol(s) > 0)
		return atol(s);
	return mode && !strcmp(mode, "full") ? 200000 : 50000;
}

/* redis-benchmark's tests: requests() of each. */
#define REDIS_TESTS "set,get,lpush,lpop,incr"
#define REDIS_NR_TESTS 5

/* One redis run (@w): start the server under @who, wait until it answers PING, check that the
 * preloaded library is mapped (redis cannot print MSTRESS_WHO), time redis-benchmark, SHUTDOWN
 * NOSAVE, reap. */
static int run_redis(const struct workload *w, who_t who, struct proc_result *r, char *err,
		     size_t errlen)
{
	const char *lib = preload_of(who, w);
	int port = redis_port();
	char portbuf[16], nbuf[24];
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	snprintf(nbuf, sizeof(nbuf), "%ld", redis_requests());
	char *sargv[] = { "/usr/bin/redis-server", "--port", portbuf, "--bind", "127.0.0.1",
			  "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel",
			  "warning", "--protected-mode", "no", NULL };
	char **env = child_env(lib, NULL);
	if (!env)
		return -ENOMEM;
	pid_t srv = spawn(sargv, env, -1);
	free(env);
	if (srv < 0) {
		snprintf(err, errlen, "redis-server: cannot start: %s", strerror(-srv));
		return srv;
	}
	char buf[4096];
	int up = 0;
	for (int i = 0; i < 500 && !up; i++) {
		if (redis_say(port, "PING\r\n", buf, sizeof(buf)) > 0 && !strncmp(buf, "+PONG", 5))
			up = 1;
		else
			usleep(10000);
	}
	int ret = 0;
	if (!up) {
		snprintf(err, errlen, "redis-server under %s did not answer PING on port %d in 5 s",
			 who_name(who), port);
		ret = -ETIMEDOUT;
	}
	if (up) {
		char maps[64], line[PATH_MAX + 128];
		const char *base = lib_base(lib);
		snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)srv);
		FILE *f = fopen(maps, "r");
		int found = 0;
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, base))
				found = 1;
		if (f)
			fclose(f);
		if (!found) {
			snprintf(err, errlen, "redis-server does not map %.200s", base);
			ret = -ENOENT;
		}
	}
	if (ret == 0) {
		char *cargv[] = { "/usr/bin/redis-benchmark", "-p", portbuf, "-q", "-n", nbuf, "-r",
				  "100000", "-d", "64", "-c", "16", "-t", REDIS_TESTS,
				  NULL };
		char **cenv = child_env(NULL, NULL);
		double t0 = now();
		pid_t cl = spawn(cargv, cenv, -1);
		free(cenv);
		struct proc_result c = { 0 };
		if (cl < 0 || wait_child(cl, &c) || !WIFEXITED(c.status) || WEXITSTATUS(c.status)) {
			snprintf(err, errlen, "redis-benchmark failed (status %d)", cl < 0 ? cl : c.status);
			ret = -EIO;
		}
		r->seconds = now() - t0;
	}
	redis_say(port, "SHUTDOWN NOSAVE\r\n", buf, sizeof(buf));
	for (int i = 0; i < 300; i++) {                /* 3 s, then kill it */
		if (reap(srv, WNOHANG, r))
			return ret;
		usleep(10000);
	}
	kill(srv, SIGKILL);
	wait_child(srv, r);
	if (ret == 0) {
		snprintf(err, errlen, "redis-server under %s did not exit on SHUTDOWN", who_name(who));
		ret = -ETIMEDOUT;
	}
	return ret;
}

/* ---- the allocator check ---- */

/* Run the cfrac workload once, tiny, with MSTRESS_WHO=1 under @who: its malloc must come from
 * the preloaded file (from libc.so.6 for glibc). */
static int check_who(who_t who)
{
	static const struct workload probe = { "probe", "cfrac", "1", "1" };
	if (checked[who])
		return checked[who];
	char *e = check_err[who];
	size_t elen = sizeof(check_err[who]);
	const char *lib = preload_of(who, &probe);
	if (lib && strchr(lib, '/') && access(lib, R_OK)) {
		snprintf(e, elen, "%.400s: %s", lib, strerror(errno));
		return checked[who] = -1;
	}
	char tmpl[] = "/tmp/numamm-bench-malloc.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		snprintf(e, elen, "mkstemp: %s", strerror(errno));
		return checked[who] = -1;
	}
	unlink(tmpl);
	struct proc_result r;
	int ret = run_mstress(&probe, who, fd, &r);
	char out[2048] = "";
	ssize_t n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	out[n > 0 ? n : 0] = 0;
	const char *base = lib_base(lib ? lib : LIBC_SONAME);
	char *got = strstr(out, "mstress-malloc: ");
	if (ret || !WIFEXITED(r.status) || WEXITSTATUS(r.status)) {
		snprintf(e, elen, "mstress-cfrac under %s failed (status %d): %.300s", who_name(who),
			 ret ? ret : r.status, out);
		return checked[who] = -1;
	}
	if (!got || !strstr(got, base)) {
		snprintf(e, elen, "under %s, malloc does not come from %.100s: %.300s", who_name(who),
			 base, out);
		return checked[who] = -1;
	}
	return checked[who] = 1;
}

/* ---- the benchmark ---- */

static void bm_workload(gbench_state *st, void *user)
{
	const struct run *run = user;
	const struct workload *w = run->w;
	char err[600] = "";
	if (check_who(run->who) < 0) {
		gbench_skip(st, check_err[run->who]);
		return;
	}
	if (!w->prog && access("/usr/bin/redis-server", X_OK | R_OK)) {
		gbench_skip(st, "redis-server is not installed (tools/setup-deps.sh installs it)");
		return;
	}
	double rss = 0, faults = 0;
	int64_t n = 0;
	while (gbench_keep_running(st)) {
		struct proc_result r = { 0 };
		int ret = w->prog ? run_mstress(w, run->who, -1, &r) :
				    run_redis(w, run->who, &r, err, sizeof(err));
		if (!ret && w->prog && (!WIFEXITED(r.status) || WEXITSTATUS(r.status))) {
			snprintf(err, sizeof(err), "mstress-%s under %s: exit status %d", w->prog,
				 who_name(run->who), r.status);
			ret = -EIO;
		}
		if (ret) {
			if (!err[0])
				snprintf(err, sizeof(err), "%s under %s: %s", w->name,
					 who_name(run->who), strerror(-ret));
			gbench_skip(st, err);
			return;
		}
		gbench_set_iteration_time(st, r.seconds);
		rss += (double)r.max_rss_kib;
		faults += (double)r.minor_faults;
		n++;
	}
	gbench_counter(st, "max_rss_kib", n ? rss / (double)n : 0, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "minor_faults", n ? faults / (double)n : 0, GBENCH_COUNTER_DEFAULT);
	if (!w->prog)
		gbench_counter(st, "requests", (double)redis_requests() * REDIS_NR_TESTS, GBENCH_COUNTER_DEFAULT);
}

static void find_paths(void)
{
	ssize_t n = readlink("/proc/self/exe", bench_dir, sizeof(bench_dir) - 1);
	bench_dir[n > 0 ? n : 0] = 0;
	char *slash = strrchr(bench_dir, '/');
	if (slash)
		*slash = 0;
	const char *env = getenv("NUMAMM_MALLOC_LIB");
	if (env && *env)
		snprintf(numamm_lib, sizeof(numamm_lib), "%s", env);
	else
		snprintf(numamm_lib, sizeof(numamm_lib), "%s/../libnumamm-malloc.so", bench_dir);
	char real[PATH_MAX];
	if (realpath(numamm_lib, real))
		snprintf(numamm_lib, sizeof(numamm_lib), "%s", real);
}

int main(int argc, char **argv)
{
	find_paths();
	const char *mode = getenv("NUMAMM_BENCH_MODE");
	int iters = mode && !strcmp(mode, "full") ? 3 : 1;
	size_t k = 0;
	for (size_t i = 0; i < NR_WORKLOADS; i++)
		for (int who = 0; who < NR_WHO; who++) {
			runs[k] = (struct run){ &workloads[i], who };
			char name[96];
			snprintf(name, sizeof(name), "malloc/%s/%s", workloads[i].name, who_name(who));
			gbench_b *b = gbench_register(name, bm_workload, &runs[k++]);
			gbench_use_manual_time(b);
			gbench_iterations(b, iters);
			gbench_unit(b, GBENCH_MS);
		}
	gbench_add_context("numamm_malloc_lib", numamm_lib);
	for (int who = BENCH_PEER_JEMALLOC; who < BENCH_NR_PEERS; who++)
		gbench_add_context(who_name(who), bench_peer(who)->soname);
	return gbench_main(argc, argv);
}
