/* bench/bench_peers.c - glibc malloc, jemalloc, tcmalloc and mimalloc in one process, each through
 * its own entry points (see bench_peers.h for how and why).
 */
#include "bench_peers.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <link.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"

#define TUNABLE "glibc.rtld.optional_static_tls"
#define VERIFY_OBJS 2048
#define VERIFY_SIZE 256

static struct bench_peer peers[BENCH_NR_PEERS] = {
	[BENCH_PEER_GLIBC] = { .name = "glibc" },
	[BENCH_PEER_JEMALLOC] = { .name = "jemalloc", .soname = "libjemalloc.so.2" },
	[BENCH_PEER_TCMALLOC] = { .name = "tcmalloc", .soname = "libtcmalloc_minimal.so.4" },
	[BENCH_PEER_MIMALLOC] = { .name = "mimalloc", .soname = "libmimalloc.so.2" },
};
static bool peers_loaded;

void bench_peers_reexec(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char buf[1024];

	if (old && strstr(old, TUNABLE))
		return;
	snprintf(buf, sizeof(buf), "%s%s" TUNABLE "=16384", old && *old ? old : "",
		 old && *old ? ":" : "");
	if (setenv("GLIBC_TUNABLES", buf, 1))
		return;
	fflush(NULL);
	execv("/proc/self/exe", argv);
	/* Still here: run without it; jemalloc's dlopen may then fail, and says so. */
}

/* The file @fn is defined in, or NULL. */
static const char *file_of(const void *fn)
{
	Dl_info di;

	return fn && dladdr(fn, &di) && di.dli_fname ? di.dli_fname : NULL;
}

static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return a && b && realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static size_t glibc_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* owns - does the peer's own introspection call say @p (of @size bytes) is its object? */
typedef bool (*owns_fn)(void *h, void *p, size_t size);

static bool owns_jemalloc(void *h, void *p, size_t size)
{
	size_t (*sallocx)(void *, int) = (size_t (*)(void *, int))dlsym(h, "sallocx");

	return sallocx && sallocx(p, 0) >= size;
}

static bool owns_tcmalloc(void *h, void *p, size_t size)
{
	size_t (*msize)(void *) = (size_t (*)(void *))dlsym(h, "tc_malloc_size");

	return msize && msize(p) >= size;
}

static bool owns_mimalloc(void *h, void *p, size_t size)
{
	bool (*in_heap)(const void *) = (bool (*)(const void *))dlsym(h, "mi_is_in_heap_region");
	size_t (*usable)(const void *) = (size_t (*)(const void *))dlsym(h, "mi_usable_size");

	return in_heap && usable && in_heap(p) && usable(p) >= size;
}

/* verify - @pr's entry points come from @lib_file, and @owns (if any) claims what they return
 * while glibc's heap does not grow by it. Return: true, or false with pr->error set. */
static bool verify(struct bench_peer *pr, void *h, const char *lib_file, owns_fn owns)
{
	static void *objs[VERIFY_OBJS];
	size_t before, grew;
	bool ok = true;

	if (!same_file(file_of((const void *)pr->malloc), lib_file) ||
	    !same_file(file_of((const void *)pr->free), lib_file)) {
		snprintf(pr->error, sizeof(pr->error), "entry points resolve to %s, not %s",
			 file_of((const void *)pr->malloc) ?: "?", lib_file);
		return false;
	}
	pr->free(pr->malloc(VERIFY_SIZE));      /* first use: the peer's own set-up */
	before = glibc_in_use();
	for (int i = 0; i < VERIFY_OBJS; i++) {
		objs[i] = pr->malloc(VERIFY_SIZE);
		if (!objs[i] || (owns && !owns(h, objs[i], VERIFY_SIZE)))
			ok = false;
	}
	grew = glibc_in_use() - before;
	for (int i = 0; i < VERIFY_OBJS; i++)
		pr->free(objs[i]);
	if (!ok) {
		snprintf(pr->error, sizeof(pr->error), "%s does not own what its malloc returned",
			 pr->name);
		return false;
	}
	if (owns && grew >= (size_t)VERIFY_OBJS * VERIFY_SIZE / 4) {
		snprintf(pr->error, sizeof(pr->error),
			 "glibc's heap grew by %zu bytes while %s allocated %d x %d", grew, pr->name,
			 VERIFY_OBJS, VERIFY_SIZE);
		return false;
	}
	return true;
}

static void load_peer(struct bench_peer *pr, const char *malloc_sym, const char *free_sym,
		      owns_fn owns)
{
	struct link_map *lm = NULL;
	void *h;

	h = dlopen(pr->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pr->error, sizeof(pr->error), "dlopen: %s", dlerror());
		return;
	}
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) || !lm || !lm->l_name) {
		snprintf(pr->error, sizeof(pr->error), "dlinfo: %s", dlerror());
		return;
	}
	snprintf(pr->path, sizeof(pr->path), "%s", lm->l_name);
	void *(*m)(size_t) = (void *(*)(size_t))dlsym(h, malloc_sym);
	void (*fr)(void *) = (void (*)(void *))dlsym(h, free_sym);
	if (!m || !fr) {
		snprintf(pr->error, sizeof(pr->error), "dlsym %s/%s: not found in %s", malloc_sym,
			 free_sym, pr->path);
		return;
	}
	pr->malloc = m;
	pr->free = fr;
	if (!verify(pr, h, pr->path, owns)) {
		pr->malloc = NULL;
		pr->free = NULL;
	}
	/* The handle stays open for the life of the process. */
}

static void peer_versions(void)
{
	void *h;

	if (strstr(peers[BENCH_PEER_GLIBC].path, "libc.so"))
		snprintf(peers[BENCH_PEER_GLIBC].version, sizeof(peers[0].version), "glibc %s",
			 gnu_get_libc_version());
	else
		snprintf(peers[BENCH_PEER_GLIBC].version, sizeof(peers[0].version),
			 "NOT glibc: interposed, NUMAMM_BENCH_PRELOAD_OK");
	if (peers[BENCH_PEER_JEMALLOC].malloc &&
	    (h = dlopen(peers[BENCH_PEER_JEMALLOC].soname, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD))) {
		int (*ctl)(const char *, void *, size_t *, void *, size_t) =
			(int (*)(const char *, void *, size_t *, void *, size_t))dlsym(h, "mallctl");
		const char *v = NULL;
		size_t len = sizeof(v);

		if (ctl && !ctl("version", &v, &len, NULL, 0) && v)
			snprintf(peers[BENCH_PEER_JEMALLOC].version, sizeof(peers[0].version), "%s", v);
		dlclose(h);
	}
	if (peers[BENCH_PEER_TCMALLOC].malloc &&
	    (h = dlopen(peers[BENCH_PEER_TCMALLOC].soname, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD))) {
		const char *(*ver)(int *, int *, const char **) =
			(const char *(*)(int *, int *, const char **))dlsym(h, "tc_version");
		int ma, mi;
		const char *pa;

		if (ver)
			snprintf(peers[BENCH_PEER_TCMALLOC].version, sizeof(peers[0].version), "%s",
				 ver(&ma, &mi, &pa));
		dlclose(h);
	}
	if (peers[BENCH_PEER_MIMALLOC].malloc &&
	    (h = dlopen(peers[BENCH_PEER_MIMALLOC].soname, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD))) {
		int (*ver)(void) = (int (*)(void))dlsym(h, "mi_version");

		if (ver) {
			int v = ver();

			snprintf(peers[BENCH_PEER_MIMALLOC].version, sizeof(peers[0].version),
				 "mimalloc %d.%d.%d", v / 100, v / 10 % 10, v % 10);
		}
		dlclose(h);
	}
}

void bench_peers_load(void)
{
	struct bench_peer *g = &peers[BENCH_PEER_GLIBC];

	if (peers_loaded)
		return;
	peers_loaded = true;
	/* glibc: the process's own malloc; check it is libc's (no LD_PRELOAD'ed allocator). */
	g->malloc = malloc;
	g->free = free;
	snprintf(g->path, sizeof(g->path), "%s", file_of((const void *)malloc) ?: "?");
	if (!strstr(g->path, "libc.so") && !getenv("NUMAMM_BENCH_PRELOAD_OK")) {
		snprintf(g->error, sizeof(g->error), "malloc comes from %s, not libc.so (LD_PRELOAD?)",
			 g->path);
		g->malloc = NULL;
		g->free = NULL;
	}
	load_peer(&peers[BENCH_PEER_JEMALLOC], "malloc", "free", owns_jemalloc);
	load_peer(&peers[BENCH_PEER_TCMALLOC], "tc_malloc", "tc_free", owns_tcmalloc);
	load_peer(&peers[BENCH_PEER_MIMALLOC], "mi_malloc", "mi_free", owns_mimalloc);
	peer_versions();
}

const struct bench_peer *bench_peer(enum bench_peer_id id)
{
	return &peers[id];
}

void bench_peers_context(void)
{
	char key[64], val[1024];

	for (int i = 0; i < BENCH_NR_PEERS; i++) {
		const struct bench_peer *pr = &peers[i];

		snprintf(key, sizeof(key), "peer_%s", pr->name);
		if (pr->malloc)
			snprintf(val, sizeof(val), "%s (%s)", pr->path, pr->version);
		else
			snprintf(val, sizeof(val), "unavailable: %s", pr->error);
		gbench_add_context(key, val);
	}
	gbench_add_context("glibc_tunables", getenv("GLIBC_TUNABLES") ?: "");
}
