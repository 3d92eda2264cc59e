/* malloc_dlopen_dlclose_no_growth - a library whose constructor allocates (72 B and 1 MiB) and
 * whose destructor frees, dlopen'ed and dlclose'd 1000 times (every other time RTLD_DEEPBIND, so
 * through glibc's diverted entry points), while two threads allocate and free; each round the
 * program takes the constructor's small block and frees it. Expect every such block ours, memory in
 * use (mallinfo2: arena, early heap and direct mappings) and RSS after the last round within a
 * few MiB of where they were after round 100: a leak of the constructor's memory would be 1 GiB. */
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <numamm/malloc_ext.h>

#include "test.h"

#define ROUNDS 1000
#define SLACK (16UL << 20)

static volatile int stop;

static void *churn(void *arg)
{
	void *live[64] = { 0 };
	unsigned int x = (unsigned int)(uintptr_t)arg;
	uintptr_t bad = 0;
	while (!stop) {
		x = x * 1103515245 + 12345;
		unsigned int slot = (x >> 8) & 63;
		free(live[slot]);
		size_t n = ((x >> 16) & 1) ? 16 + (x >> 20) % 4000 : 8192 + (x >> 20) % 200000;
		live[slot] = malloc(n);
		if (!live[slot] || !nmm_malloc_owns(live[slot]))
			bad++;
		else
			memset(live[slot], 1, 16);
	}
	for (int i = 0; i < 64; i++)
		free(live[i]);
	return (void *)bad;
}

static size_t in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static size_t rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

int main(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		REQUIRE(pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)) == 0);
	size_t use100 = 0, rss100 = 0, not_ours = 0;
	for (int i = 0; i < ROUNDS; i++) {
		void *h = dlopen(DEEPBIND_LIB, RTLD_NOW | ((i & 1) ? RTLD_DEEPBIND : 0));
		if (!h) {
			fprintf(stderr, "dlopen %s: %s\n", DEEPBIND_LIB, dlerror());
			return 1;
		}
		/* the constructor's small block changes hands: the program frees it, the destructor
		 * frees the big one */
		void *(*take)(void) = (void *(*)(void))dlsym(h, "lib_take_ctor_small");
		REQUIRE(take);
		void *c = take();
		REQUIRE(c);
		if (!nmm_malloc_owns(c))
			not_ours++;
		free(c);
		REQUIRE(dlclose(h) == 0);
		if (i == 99) {
			use100 = in_use();
			rss100 = rss();
		}
	}
	stop = 1;
	uintptr_t bad = 0;
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (uintptr_t)r;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(not_ours, 0);
	size_t use = in_use(), now = rss();
	if (use > use100 + SLACK || now > rss100 + SLACK)
		fprintf(stderr, "in use %zu -> %zu bytes, rss %zu -> %zu bytes\n", use100, use, rss100, now);
	CHECK(use <= use100 + SLACK);
	CHECK(now <= rss100 + SLACK);
	return test_done();
}
