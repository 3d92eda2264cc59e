/* slob_stray_pointer_not_freed: SLOB pages hold objects of every cache, so the slab layer asks
 * SLOB's own block headers what a pointer is. Pointers into a SLOB page that are not live object
 * starts — inside an object, on its header, inside free space, an object already freed (also
 * once merged with its neighbours), an own-page object's interior — are reported and nothing
 * is freed; ksize() of them is 0; and a header overwritten by an overflow is reported, not
 * followed. */
#include "slob_test.h"

int main(void)
{
	slob_test_boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("stray", 40, 0, 0, NULL);      /* 48-byte blocks */
	struct kmem_cache *big = kmem_cache_create("stray_big", 5000, 0, 0, NULL);
	REQUIRE(s && big);
	char *o[6];
	for (int i = 0; i < 6; i++) {
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
		memset(o[i], 0x40 + i, 40);
	}
	char *b = kmem_cache_alloc(big, GFP_KERNEL);
	REQUIRE(b);
	unsigned char *km = kmalloc(100, GFP_KERNEL);
	REQUIRE(km);
	long units0 = slob_free_units(o[0]);
	kmem_cache_free(s, o[2]);
	kmem_cache_free(s, o[3]);                  /* merged with o[2]'s block */

	char msg[16384];
	struct stderr_capture cap;
	stderr_capture_begin(&cap);
	kmem_cache_free(s, o[1] + 8);              /* inside an object */
	kmem_cache_free(s, o[1] - 8);              /* its header */
	kmem_cache_free(s, o[1] - 4);
	kfree((char *)((uintptr_t)o[0] | (PAGE_SIZE - 8)));   /* the page's free tail */
	kmem_cache_free(s, o[2]);                  /* double free, merged block */
	kmem_cache_free(s, o[3]);                  /* double free, middle of a merged block */
	kfree(km + 1);
	kfree(b + 64);                             /* inside an own-page object */
	kmem_cache_free(big, b + PAGE_SIZE);       /* its second page */
	CHECK_EQ(ksize(o[1] + 8), 0);
	CHECK_EQ(ksize(o[3]), 0);
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "not the start of an object") != NULL);
	CHECK(strstr(msg, "not a live object of its slab page (freed already?)") != NULL);   /* the double frees */
	int reports = 0;
	for (const char *p = msg; (p = strstr(p, "not freed")); p++)
		reports++;
	CHECK_EQ(reports, 9 + 2);
	CHECK_EQ(slob_free_units(o[0]), units0 + 12);      /* only o[2] and o[3] are free */
	for (int i = 0; i < 6; i++)
		if (i != 2 && i != 3)
			for (int j = 0; j < 40; j++)
				CHECK(o[i][j] == 0x40 + i);
	CHECK(slab_all_caches_valid());

	/* An overflow from o[0] over o[1]'s header: lookups report the page and give up. */
	char saved[8];
	memcpy(saved, o[1] - 8, 8);
	memset(o[1] - 8, 0xee, 8);
	stderr_capture_begin(&cap);
	kmem_cache_free(s, o[4]);
	CHECK(!s->ops->is_valid(s, stderr));
	stderr_capture_end(&cap, msg, sizeof(msg));
	CHECK(strstr(msg, "corrupted") != NULL);
	CHECK(strstr(msg, "not freed") != NULL);
	memcpy(o[1] - 8, saved, 8);
	CHECK(slab_all_caches_valid());

	kfree(km);
	kmem_cache_free(big, b);
	for (int i = 0; i < 6; i++)
		if (i != 2 && i != 3)
			kmem_cache_free(s, o[i]);
	kmem_cache_destroy(s);
	kmem_cache_destroy(big);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
