/* With every debug check on (slub_debug), the front end's always-on checks still come first: an
 * object freed to the wrong cache and a pointer into the middle of an object are reported in
 * the kernel's words and not freed, and debug never touches them (no poison, no redzone
 * change, no quarantine), so their later correct frees are clean and make no report. */
#include "debug_test.h"

int main(void)
{
	slab_test_boot("slub_debug");
	struct kmem_cache *a = kmem_cache_create("wrong_a", 72, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("wrong_b", 200, 0, 0, NULL);
	REQUIRE(a && b && a != b);
	REQUIRE((a->flags & SLAB_DEBUG_FLAGS) == SLAB_DEBUG_FLAGS);
	unsigned char *oa = kmem_cache_alloc(a, GFP_KERNEL);
	unsigned char *ob = kmem_cache_alloc(b, GFP_KERNEL);
	unsigned char *km = kmalloc(100, GFP_KERNEL);
	REQUIRE(oa && ob && km);
	memset(oa, 0xa1, 72);
	memset(ob, 0xb2, 200);
	memset(km, 0xc3, 100);

	char msg[DEBUG_MSG_MAX];
	CAPTURE_STDERR(msg, {
		kmem_cache_free(a, ob);         /* b's object to a */
		kmem_cache_free(b, oa + 16);    /* inside an object, and the wrong cache */
		kmem_cache_free(a, oa + 8);     /* inside an object of the right cache */
		kfree(km + 1);
	});
	CHECK(strstr(msg, "Wrong slab cache. wrong_a but object") != NULL);
	CHECK_EQ(count_substr(msg, "not freed"), 4);
	CHECK(count_substr(msg, "not the start of an object") + count_substr(msg, "Wrong slab cache") >= 3);
	CHECK(strstr(msg, "BUG ") == NULL);     /* debug never saw them */
	for (int i = 0; i < 72; i++)
		CHECK(oa[i] == 0xa1);
	for (int i = 0; i < 200; i++)
		CHECK(ob[i] == 0xb2);
	for (int i = 0; i < 100; i++)
		CHECK(km[i] == 0xc3);

	void *live[3] = { oa, ob, km };
	churn_cache(a, 1000, live, 3);
	churn_cache(b, 1000, live, 3);
	CAPTURE_STDERR(msg, {
		kmem_cache_free(a, oa);
		kmem_cache_free(b, ob);
		kfree(km);
		kmem_cache_shrink(a);
		kmem_cache_shrink(b);
	});
	CHECK(msg[0] == '\0');
	CHECK_EQ(slab_debug_reports(a) + slab_debug_reports(b), 0);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
