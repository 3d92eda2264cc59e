/* SLAB_STORE_USER: reports name the allocation and free call sites as function+offset/size (the
 * test is linked with its symbols exported, so dladdr finds its functions), with cpu, pid and
 * age; the second free of a double free is named too, and slab_debug_print_object shows the
 * same tracks for a live object (alloc track only). */
#include <unistd.h>

#include "debug_test.h"

noinline void *debug_site_alloc(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	__asm__ volatile("" ::: "memory");
	return p;
}

noinline void debug_site_free(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ volatile("" ::: "memory");
}

noinline void debug_site_free_again(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("sites", 56, 0, SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	REQUIRE(s);
	void *live = debug_site_alloc(s);
	void *obj = debug_site_alloc(s);
	REQUIRE(live && obj);

	/* A live object: its alloc track, no free track. */
	char msg[DEBUG_MSG_MAX], want[128];
	FILE *f = tmpfile();
	REQUIRE(f);
	slab_debug_print_object(s, live, f);
	rewind(f);
	size_t n = fread(msg, 1, sizeof(msg) - 1, f);
	msg[n] = '\0';
	fclose(f);
	CHECK(strstr(msg, "INFO: Allocated in debug_site_alloc+0x") != NULL);
	CHECK(strstr(msg, "INFO: Freed in") == NULL);
	snprintf(want, sizeof(want), "pid=%d", gettid());
	CHECK(strstr(msg, want) != NULL);

	debug_site_free(s, obj);
	CAPTURE_STDERR(msg, debug_site_free_again(s, obj));
	CHECK(strstr(msg, "BUG sites (Not tainted): Object already free") != NULL);
	CHECK(strstr(msg, "INFO: Allocated in debug_site_alloc+0x") != NULL);
	CHECK(strstr(msg, "INFO: Freed in debug_site_free+0x") != NULL);
	CHECK(strstr(msg, "freed again in debug_site_free_again+0x") != NULL);
	CHECK(strstr(msg, " age=") != NULL && strstr(msg, " cpu=") != NULL);
	/* function+0xoffset/0xsize: the offset lies inside the function */
	const char *p = strstr(msg, "Freed in debug_site_free+0x");
	unsigned long off = 0, size = 0;
	CHECK(p && sscanf(p, "Freed in debug_site_free+0x%lx/0x%lx", &off, &size) == 2);
	CHECK(off > 0 && off < size);

	debug_site_free(s, live);
	churn_cache(s, 500, NULL, 0);
	CHECK_EQ(slab_debug_reports(s), 1);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
