/* Writes into a freed object are found when it leaves the quarantine: kmem_cache_shrink empties
 * it, and so does pushing it out with more frees. The report says "Poison overwritten" with the
 * first and last damaged byte, shows where the object was freed (SLAB_STORE_USER), keeps the
 * object out of circulation, and nothing else is disturbed. A write into a freed object's
 * redzone is caught the same way; an untouched freed object goes back quietly. */
#include "debug_test.h"

noinline void debug_uaf_free_site(struct kmem_cache *s, void *obj)
{
	kmem_cache_free(s, obj);
	__asm__ volatile("" ::: "memory");   /* keep the call from being a tail call */
}

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *s = kmem_cache_create("uaf", 100, 0, SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	REQUIRE(s);
	unsigned char *a = kmem_cache_alloc(s, GFP_KERNEL);     /* written at 5 and 70 */
	unsigned char *b = kmem_cache_alloc(s, GFP_KERNEL);     /* written at its last byte */
	unsigned char *c = kmem_cache_alloc(s, GFP_KERNEL);     /* written in its right redzone */
	unsigned char *d = kmem_cache_alloc(s, GFP_KERNEL);     /* left alone */
	REQUIRE(a && b && c && d);
	for (int i = 0; i < 100; i++)
		CHECK(a[i] == 0x5a);            /* SLAB_POISON: new objects are 5a-filled */
	debug_uaf_free_site(s, a);
	debug_uaf_free_site(s, b);
	debug_uaf_free_site(s, c);
	debug_uaf_free_site(s, d);
	CHECK(a[0] == 0x6b && a[98] == 0x6b && a[99] == 0xa5);
	a[5] = 0x01;
	a[70] = 0x02;
	b[99] = 0x00;
	c[100] = 0x44;

	char msg[DEBUG_MSG_MAX], want[160];
	CAPTURE_STDERR(msg, kmem_cache_shrink(s));
	CHECK_EQ(count_substr(msg, "BUG uaf (Not tainted): Poison overwritten"), 2);
	CHECK_EQ(count_substr(msg, "BUG uaf (Not tainted): Right Redzone overwritten"), 1);
	CHECK(strstr(msg, "@offset=5..70. First byte 0x1 instead of 0x6b") != NULL);
	CHECK(strstr(msg, "@offset=99..99. First byte 0x0 instead of 0xa5") != NULL);
	CHECK(strstr(msg, "@offset=100..100. First byte 0x44 instead of 0xbb") != NULL);
	CHECK_EQ(count_substr(msg, "INFO: Freed in debug_uaf_free_site+0x"), 3);
	snprintf(want, sizeof(want), "FIX uaf: Object at %p not freed", (void *)a);
	CHECK(strstr(msg, want) != NULL);
	snprintf(want, sizeof(want), "Object at %p", (void *)d);
	CHECK(strstr(msg, want) == NULL);
	CHECK_EQ(slab_debug_reports(s), 3);
	CHECK_EQ(slab_debug_leaked(s), 3);

	/* Pushed out of the quarantine by later frees, not by a shrink. */
	unsigned char *e = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(e);
	debug_uaf_free_site(s, e);
	e[50] = 0x77;
	enum { N = 200 };
	void *more[N];
	for (int i = 0; i < N; i++)
		REQUIRE((more[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	CAPTURE_STDERR(msg, for (int i = 0; i < N; i++) kmem_cache_free(s, more[i]));
	CHECK(strstr(msg, "@offset=50..50. First byte 0x77 instead of 0x6b") != NULL);
	CHECK_EQ(slab_debug_reports(s), 4);

	void *kept[4] = { a, b, c, e };
	churn_cache(s, 3000, kept, 4);
	kmem_cache_shrink(s);
	CHECK_EQ(slab_debug_reports(s), 4);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
