/* fault_malloc_enomem: under libnumamm-malloc.so, fail_malloc makes the whole malloc family fail
 * as glibc does on exhaustion — NULL with errno ENOMEM (posix_memalign: the ENOMEM return) — and
 * leaves what the program holds untouched (realloc keeps the old block, free still works);
 * failslab fails small mallocs (kmalloc) but not the big ones (their own mmap). The task filter
 * confines failures to a thread that opted in; disarmed, allocation works again and the point
 * is no longer consulted. Each forced failure is one FAULT_INJECTION line with verbose. Armed
 * from the boot line (NUMAMM_MALLOC_BOOT), the point works from the first allocation on. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/fault_inject.h>

#include "test.h"

/* Through a pointer: gcc's -Wuse-after-free cannot know a failed realloc keeps the block. */
static void *(*volatile do_realloc)(void *, size_t) = realloc;

static struct nmm_fault_attr always(void)
{
	struct nmm_fault_attr a = { .probability = 100, .interval = 1, .times = -1 };
	return a;
}

#define EXPECT_ENOMEM(expr)                                    \
	do {                                                   \
		errno = 0;                                     \
		void *_p = (expr);                             \
		CHECK(_p == NULL);                             \
		CHECK_EQ(errno, ENOMEM);                       \
		free(_p);                                      \
	} while (0)

static int thread_failed;

static void *opted_in(void *arg)
{
	(void)arg;
	nmm_fault_make_it_fail(true);
	void *p = malloc(48);
	thread_failed = p == NULL && errno == ENOMEM;
	nmm_fault_make_it_fail(false);
	free(p);
	return NULL;
}

/* Booted by its first malloc with fail_malloc=50,100,0,1 on NUMAMM_MALLOC_BOOT: the 50th
 * allocation after boot fails, whoever makes it (the loader and stdio make a few first). */
static int boot_line_child(void)
{
	int failed = 0;
	for (int i = 0; i < 200; i++) {
		errno = 0;
		void *p = malloc(24);
		failed += !p && errno == ENOMEM;
		free(p);
	}
	struct nmm_fault_stats st;
	if (nmm_fault_stats(NMM_FAULT_MALLOC, &st) || st.injected != 1 || failed != 1) {
		fprintf(stderr, "child: %d of its mallocs failed, %lu injected\n", failed, st.injected);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return boot_line_child();
	char *p = malloc(100), *big = malloc(200 * 1024);
	REQUIRE(p && big);
	memcpy(p, "kept", 5);
	memset(big, 7, 200 * 1024);
	struct nmm_fault_attr a = always();
	REQUIRE(nmm_fault_set(NMM_FAULT_MALLOC, &a) == 0);

	EXPECT_ENOMEM(malloc(100));
	EXPECT_ENOMEM(malloc(1));
	EXPECT_ENOMEM(malloc(1 << 20));                 /* a direct mapping */
	EXPECT_ENOMEM(calloc(10, 10));
	EXPECT_ENOMEM(memalign(64, 100));
	EXPECT_ENOMEM(aligned_alloc(4096, 4096));
	EXPECT_ENOMEM(valloc(10));
	EXPECT_ENOMEM(pvalloc(10));
	void *m = (void *)1;
	CHECK_EQ(posix_memalign(&m, 64, 64), ENOMEM);
	CHECK(m == (void *)1);                          /* untouched on failure */
	errno = 0;
	CHECK(do_realloc(p, 5000) == NULL);                /* must move: fails, @p kept */
	CHECK_EQ(errno, ENOMEM);
	CHECK(!strcmp(p, "kept"));
	errno = 0;
	CHECK(do_realloc(big, 400 * 1024) == NULL);        /* a direct mapping grown */
	CHECK_EQ(errno, ENOMEM);
	CHECK(big[200 * 1024 - 1] == 7);
	CHECK(do_realloc(p, 90) == p);                     /* fits in place: no allocation */
	unsigned long injected = nmm_fault_injected(NMM_FAULT_MALLOC);
	CHECK(injected >= 11);

	/* verbose: one line per failure naming the point. */
	REQUIRE(nmm_fault_set(NMM_FAULT_MALLOC, NULL) == 0);
	FILE *cap = tmpfile();                          /* stdio allocates: before arming */
	REQUIRE(cap);
	a.verbose = 1;
	a.times = 2;
	REQUIRE(nmm_fault_set(NMM_FAULT_MALLOC, &a) == 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fileno(cap), 2);
	for (int i = 0; i < 3; i++)
		free(malloc(32));
	dup2(saved, 2);
	close(saved);
	char buf[2048] = "";
	rewind(cap);
	size_t n = fread(buf, 1, sizeof(buf) - 1, cap);
	buf[n] = '\0';
	fclose(cap);
	fputs(buf, stderr);
	int lines = 0;
	for (char *s = buf; (s = strstr(s, "FAULT_INJECTION: forcing a failure. name fail_malloc")); s++)
		lines++;
	CHECK_EQ(lines, 2);

	/* Task filter: this thread goes on allocating; the opted-in thread fails. */
	a = always();
	a.task_filter = true;
	REQUIRE(nmm_fault_set(NMM_FAULT_MALLOC, &a) == 0);
	void *q = malloc(48);
	CHECK(q != NULL);
	free(q);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, opted_in, NULL) == 0);
	pthread_join(t, NULL);
	CHECK(thread_failed);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_MALLOC), 1);

	/* Off: everything works, the point is not consulted (its counts, kept, do not move). */
	REQUIRE(nmm_fault_set(NMM_FAULT_MALLOC, NULL) == 0);
	struct nmm_fault_stats st;
	REQUIRE(nmm_fault_stats(NMM_FAULT_MALLOC, &st) == 0);
	unsigned long calls = st.calls;
	CHECK_EQ(st.injected, 1);
	char *r = do_realloc(p, 5000);
	CHECK(r != NULL && !strcmp(r, "kept"));
	p = r;
	for (int i = 0; i < 100; i++)
		free(malloc((size_t)i * 37 + 1));
	REQUIRE(nmm_fault_stats(NMM_FAULT_MALLOC, &st) == 0);
	CHECK_EQ(st.calls, calls);

	/* failslab under malloc: small sizes are kmalloc's and fail, big ones are not. */
	a = always();
	REQUIRE(nmm_fault_set(NMM_FAULT_SLAB, &a) == 0);
	EXPECT_ENOMEM(malloc(64));
	EXPECT_ENOMEM(calloc(1, 2000));
	void *huge = malloc(1 << 20);
	CHECK(huge != NULL);
	free(huge);
	CHECK(nmm_fault_injected(NMM_FAULT_SLAB) >= 2);
	nmm_fault_reset();
	void *after = malloc(64);
	CHECK(after != NULL);
	free(after);

	free(p);
	free(big);

	/* From the boot line: armed while the malloc boots, so its fast path is diverted too. */
	char cmd[4200];
	char self[4096];
	ssize_t n2 = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(n2 > 0);
	self[n2] = '\0';
	snprintf(cmd, sizeof(cmd), "NUMAMM_MALLOC_BOOT='backing=thp hugepages=off mem=64M "
		 "fail_malloc=50,100,0,1' '%s' child", self);
	CHECK_EQ(system(cmd), 0);
	return test_done();
}
