/* tests/slab/slab_test.h - helpers for the slab layer's tests: boot with a back end, capture
 * what the library reports on stderr, and check every cache's structures. */
#ifndef NUMAMM_TESTS_SLAB_TEST_H
#define NUMAMM_TESTS_SLAB_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "slab/slab.h"
#include "test.h"

/* The back end this run tests: NMM_TEST_SLAB (front-end tests), or the test's own. */
static inline const char *slab_test_backend(void)
{
	const char *be = getenv("NMM_TEST_SLAB");
	return be && *be ? be : "slub";
}

/* Boot "mem=256M hugepages=off slab=<backend> <extra>"; skip when the back end is not built. */
static inline void slab_test_boot_with(const char *backend, const char *extra)
{
	char line[512];
	snprintf(line, sizeof(line), "mem=256M hugepages=off slab=%s %s", backend, extra ? extra : "");
	int e = nmm_boot(line);
	if (e && strstr(nmm_boot_strerror(), "not built"))
		SKIP("slab=%s: %s", backend, nmm_boot_strerror());
	REQUIRE(e == 0);
}

/* Boot @backend with slab_nomerge: a back-end test's caches stay its own, not merged into the
 * kmalloc caches the rest of numamm (vmalloc, mempools) also uses, so its counts are exact. */
static inline void slab_test_boot_own(const char *backend, const char *extra)
{
	char line[256];
	snprintf(line, sizeof(line), "slab_nomerge %s", extra ? extra : "");
	slab_test_boot_with(backend, line);
}

/* Pin the calling thread to @cpu. Return: false when the machine has no such CPU for us. */
static inline bool slab_test_pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return false;
	sched_yield();
	return true;
}

static inline void slab_test_boot(const char *extra)
{
	slab_test_boot_with(slab_test_backend(), extra);
}

/* Every cache's back-end structures hold their invariants. */
static inline bool slab_all_caches_valid(void)
{
	bool ok = true;
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		ok &= s->ops->is_valid(s, stderr);
	pthread_mutex_unlock(&slab_mutex);
	return ok;
}

/* Capture stderr into a buffer while @body runs: STDERR_CAPTURE(buf) { ... } */
struct stderr_capture {
	int saved, fd;
	char path[64];
};

static inline void stderr_capture_begin(struct stderr_capture *c)
{
	fflush(stderr);
	snprintf(c->path, sizeof(c->path), "/tmp/nmm-slab-test-%d-XXXXXX", getpid());
	c->fd = mkstemp(c->path);
	REQUIRE(c->fd >= 0);
	c->saved = dup(2);
	dup2(c->fd, 2);
}

/* Stop capturing; the text (NUL-terminated, truncated to @len - 1) goes to @buf, and is also
 * echoed to the real stderr so a failing test shows it. */
static inline void stderr_capture_end(struct stderr_capture *c, char *buf, size_t len)
{
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	ssize_t n = pread(c->fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(c->fd);
	unlink(c->path);
	fputs(buf, stderr);
}

#endif
