/* Pointers the slab layer never returned are reported and left alone — a stack address, a
 * glibc malloc block, a pointer into the middle of an object, an object given to the wrong
 * cache — and the objects involved stay allocated and usable. Always on, no debug flags. */
#include <stdlib.h>

#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *a = kmem_cache_create("badfree_a", 72, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("badfree_b", 200, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	REQUIRE(a && b && a != b);
	unsigned char *oa = kmem_cache_alloc(a, GFP_KERNEL);
	unsigned char *ob = kmem_cache_alloc(b, GFP_KERNEL);
	unsigned char *km = kmalloc(100, GFP_KERNEL);
	REQUIRE(oa && ob && km);
	memset(oa, 0xa1, 72);
	memset(ob, 0xb2, 200);
	memset(km, 0xc3, 100);
	int on_stack;
	void *libc = malloc(64);

	char msg[8192];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kfree(&on_stack);
	kfree(libc);
	kfree(km + 8);
	kmem_cache_free(a, ob);                /* b's object to a */
	kmem_cache_free(b, oa + 16);
	kmem_cache_free(a, oa + 8);            /* inside an object of the right cache: its CPU slab */
	kmem_cache_free(a, oa + 40);           /* the middle of it */
	kmem_cache_free(a, &on_stack);
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "not an object numamm's slab allocator returned") != NULL);
	CHECK(strstr(msg, "Wrong slab cache") != NULL);
	CHECK(strstr(msg, "not the start of an object") != NULL);

	/* Nothing was freed: the objects keep their contents while we allocate more. */
	void *more[64];
	for (int i = 0; i < 64; i++) {
		more[i] = kmem_cache_alloc(i & 1 ? a : b, GFP_KERNEL);
		REQUIRE(more[i]);
		memset(more[i], 0, i & 1 ? 72 : 200);
	}
	for (int i = 0; i < 72; i++)
		CHECK(oa[i] == 0xa1);
	for (int i = 0; i < 200; i++)
		CHECK(ob[i] == 0xb2);
	for (int i = 0; i < 100; i++)
		CHECK(km[i] == 0xc3);
	for (int i = 0; i < 64; i++)
		kmem_cache_free(i & 1 ? a : b, more[i]);
	kmem_cache_free(a, oa);
	kmem_cache_free(b, ob);
	kfree(km);
	free(libc);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
