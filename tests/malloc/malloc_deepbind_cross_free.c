/* malloc_deepbind_cross_free - a library dlopen'ed with RTLD_DEEPBIND binds its malloc family to
 * glibc's entry points (its own scope, which holds libc.so.6, is searched before the global one
 * that holds libnumamm-malloc.so). Expect every pointer it gets — from its code, its
 * constructor, libc's own strdup, libstdc++'s operator new — to be ours, and frees, reallocs and
 * usable sizes to work in both directions, with glibc's heap (the brk range) never touched.
 *
 * Then, as proof that the library really is deep-bound and the checks above would catch it,
 * the same library with glibc's entry points left alone (NUMAMM_MALLOC_PATCH_LIBC=0, the
 * fallback): a pointer from glibc's heap (its constructor's too) is handed back to glibc by
 * free, realloc and malloc_usable_size, but one of ours freed by the library still dies in
 * glibc's free ("free(): invalid pointer", SIGABRT) — the bug this test was written for. */
#include <dlfcn.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/malloc_ext.h>

#include "test.h"

struct lib {
	void *(*take_ctor_small)(void);
	void *(*take_ctor_big)(void);
	void *(*malloc_addr)(void);
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void (*free)(void *);
	size_t (*usable_size)(void *);
	void *(*memalign)(size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	char *(*strdup)(const char *);
};

#define SYM(h, l, name)                                                                    \
	do {                                                                               \
		*(void **)&(l)->name = dlsym(h, "lib_" #name);                             \
		REQUIRE((l)->name);                                                        \
	} while (0)

static void *open_lib(struct lib *l)
{
	void *h = dlopen(DEEPBIND_LIB, RTLD_NOW | RTLD_DEEPBIND);
	if (!h) {
		fprintf(stderr, "dlopen %s: %s\n", DEEPBIND_LIB, dlerror());
		exit(1);
	}
	SYM(h, l, take_ctor_small);
	SYM(h, l, take_ctor_big);
	SYM(h, l, malloc_addr);
	SYM(h, l, malloc);
	SYM(h, l, calloc);
	SYM(h, l, realloc);
	SYM(h, l, free);
	SYM(h, l, usable_size);
	SYM(h, l, memalign);
	SYM(h, l, aligned_alloc);
	SYM(h, l, posix_memalign);
	SYM(h, l, strdup);
	/* the library must really be deep-bound, or this test proves nothing */
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	REQUIRE(libc);
	void *ours = dlsym(RTLD_DEFAULT, "malloc");
	REQUIRE(l->malloc_addr() != ours);
	REQUIRE(l->malloc_addr() == dlsym(libc, "malloc"));
	return h;
}

/* The fix: everything the library allocates is ours, in both directions. */
static void deep_checks(void)
{
	void *brk_before = sbrk(0);
	struct lib l;
	void *h = open_lib(&l);

	/* its constructor allocated before anyone could look at it */
	char *c = l.take_ctor_small();
	REQUIRE(c);
	CHECK(nmm_malloc_owns(c));
	CHECK(!strcmp(c, "from the constructor"));
	CHECK(malloc_usable_size(c) >= 72);
	c = realloc(c, 4000);
	REQUIRE(c);
	CHECK(!strcmp(c, "from the constructor"));
	free(c);
	unsigned char *big = l.take_ctor_big();
	REQUIRE(big);
	CHECK(nmm_malloc_owns(big));
	CHECK(big[0] == 0x5a && big[(1 << 20) - 1] == 0x5a);
	free(big);

	/* library allocates, program frees: every size kind (kmalloc, page allocator, direct) */
	static const size_t sizes[] = { 1, 100, 4000, 60000, 500000, 3 << 20 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = l.malloc(sizes[i]);
		REQUIRE(p);
		CHECK(nmm_malloc_owns(p));
		CHECK(malloc_usable_size(p) >= sizes[i]);
		memset(p, 1, sizes[i]);
		free(p);
		int *z = l.calloc(sizes[i], 1);
		REQUIRE(z);
		CHECK(nmm_malloc_owns(z));
		free(z);
	}
	/* program allocates, library frees / sizes / reallocs */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = malloc(sizes[i]);
		REQUIRE(p);
		CHECK(l.usable_size(p) == malloc_usable_size(p));
		l.free(p);
		p = malloc(sizes[i]);
		REQUIRE(p);
		memset(p, 0x33, sizes[i]);
		char *q = l.realloc(p, 2 * sizes[i] + 100);
		REQUIRE(q);
		CHECK(nmm_malloc_owns(q));
		CHECK(q[0] == 0x33 && q[sizes[i] - 1] == 0x33);
		free(q);
	}
	/* the aligned family and libc's own internal call (strdup) */
	void *a = l.memalign(256, 1000);
	REQUIRE(a);
	CHECK(nmm_malloc_owns(a) && !((uintptr_t)a & 255));
	free(a);
	a = l.aligned_alloc(4096, 8192);
	REQUIRE(a);
	CHECK(nmm_malloc_owns(a) && !((uintptr_t)a & 4095));
	free(a);
	CHECK(l.posix_memalign(&a, 64, 200) == 0);
	CHECK(nmm_malloc_owns(a) && !((uintptr_t)a & 63));
	l.free(a);
	char *s = l.strdup("copied by libc");
	REQUIRE(s);
	CHECK(nmm_malloc_owns(s));
	free(s);

	/* C++: libstdc++ inside the deep scope, operator new over glibc's malloc entry point */
	void *hx = dlopen(DEEPBIND_CXX_LIB, RTLD_NOW | RTLD_DEEPBIND);
	if (!hx) {
		fprintf(stderr, "dlopen %s: %s\n", DEEPBIND_CXX_LIB, dlerror());
		exit(1);
	}
	char *(*new_chars)(size_t);
	void (*delete_chars)(char *);
	size_t (*roundtrip)(size_t);
	*(void **)&new_chars = dlsym(hx, "lib_new_chars");
	*(void **)&delete_chars = dlsym(hx, "lib_delete_chars");
	*(void **)&roundtrip = dlsym(hx, "lib_string_roundtrip");
	REQUIRE(new_chars && delete_chars && roundtrip);
	char *n = new_chars(300);
	REQUIRE(n);
	CHECK(nmm_malloc_owns(n));
	delete_chars(n);
	CHECK(roundtrip(100000) == 200000);
	CHECK(dlclose(hx) == 0);

	CHECK(dlclose(h) == 0);
	CHECK(sbrk(0) == brk_before);               /* glibc's heap never used */
}

/* The fallback (glibc's entry points left alone): glibc's pointers go back to glibc. */
static int nopatch_ok(void)
{
	struct lib l;
	open_lib(&l);
	char *c = l.take_ctor_small();
	REQUIRE(c);
	CHECK(!nmm_malloc_owns(c));                 /* glibc's: the library is deep-bound */
	CHECK(malloc_usable_size(c) >= 72);
	CHECK(!strcmp(c, "from the constructor"));
	c = realloc(c, 3000);                       /* moves into our heap */
	REQUIRE(c);
	CHECK(nmm_malloc_owns(c));
	CHECK(!strcmp(c, "from the constructor"));
	free(c);
	free(l.take_ctor_big());
	for (int i = 0; i < 100; i++)
		free(l.malloc(10 + 1000 * i));
	return test_done();
}

/* The bug itself, which the fallback cannot fix: glibc's free of one of our pointers. */
static int nopatch_abort(void)
{
	struct lib l;
	open_lib(&l);
	l.free(malloc(100));
	return 0;
}

static int run_child(const char *mode)
{
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (!pid) {
		setenv("NUMAMM_MALLOC_PATCH_LIBC", "0", 1);
		unsetenv("NUMAMM_MALLOC_DEBUG");
		if (!strcmp(mode, "nopatch-abort"))
			REQUIRE(freopen("/dev/null", "w", stderr));
		execl("/proc/self/exe", "malloc_deepbind_cross_free", mode, (char *)NULL);
		_exit(99);
	}
	int st;
	REQUIRE(waitpid(pid, &st, 0) == pid);
	return st;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nopatch-ok"))
		return nopatch_ok();
	if (argc > 1 && !strcmp(argv[1], "nopatch-abort"))
		return nopatch_abort();
	deep_checks();
	int st = run_child("nopatch-ok");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child("nopatch-abort");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	return test_done();
}
