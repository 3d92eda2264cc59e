/* One byte written past the end of an object lands in its right redzone; the free reports
 * "Right Redzone overwritten" with the offset and the bytes, the object is kept out of
 * circulation, and the cache goes on working. Expect it for an object whose size is a multiple
 * of 8 (the redzone is a whole word after it), one that is not (the redzone is the alignment
 * slack), and a kmalloc-64 object under slub_debug=Z,kmalloc-64 freed with kfree. */
#include "debug_test.h"

static void overflow_case(struct kmem_cache *s, unsigned int size, bool use_kfree)
{
	unsigned char *obj = use_kfree ? kmalloc(size, GFP_KERNEL) : kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(obj);
	memset(obj, 0x11, size);                 /* the whole object is fine to write */
	obj[size] = 0x00;                        /* one byte too far */
	unsigned long reports = slab_debug_reports(s), leaked = slab_debug_leaked(s);

	char msg[DEBUG_MSG_MAX], want[160];
	CAPTURE_STDERR(msg, use_kfree ? kfree(obj) : kmem_cache_free(s, obj));
	snprintf(want, sizeof(want), "BUG %s (Not tainted): Right Redzone overwritten", s->name);
	CHECK(strstr(msg, want) != NULL);
	snprintf(want, sizeof(want), "@offset=%u..%u. First byte 0x0 instead of 0xcc", size, size);
	CHECK(strstr(msg, want) != NULL);
	snprintf(want, sizeof(want), "FIX %s: Object at %p not freed, kept out of circulation", s->name, obj);
	CHECK(strstr(msg, want) != NULL);
	CHECK(strstr(msg, "Redzone  ") != NULL && strstr(msg, "Object   ") != NULL);   /* the dump */
	CHECK_EQ(slab_debug_reports(s), reports + 1);
	CHECK_EQ(slab_debug_leaked(s), leaked + 1);

	/* The object never comes back; everything else does, with no new report. */
	void *avoid = obj;
	churn_cache(s, 2000, &avoid, 1);
	kmem_cache_shrink(s);
	CHECK_EQ(slab_debug_reports(s), reports + 1);
	for (unsigned int i = 0; i < size; i++)
		if (obj[i] != 0x11) {
			CHECK(!"the kept object was reused");
			break;
		}
}

int main(void)
{
	slab_test_boot("slub_debug=Z,kmalloc-64");
	struct kmem_cache *w = kmem_cache_create("rz_right_word", 40, 0, SLAB_RED_ZONE, NULL);
	struct kmem_cache *b = kmem_cache_create("rz_right_bytes", 36, 0, SLAB_RED_ZONE | SLAB_POISON, NULL);
	REQUIRE(w && b);
	overflow_case(w, 40, false);
	overflow_case(b, 36, false);
	void *probe = kmalloc(64, GFP_KERNEL);
	struct kmem_cache *k = virt_to_slab(probe)->slab_cache;
	kfree(probe);
	if (!k)   /* SLOB shares pages between caches: find kmalloc-64 by name */
		list_for_each_entry(k, &slab_caches, list)
			if (!strcmp(k->name, "kmalloc-64"))
				break;
	REQUIRE(k && !strcmp(k->name, "kmalloc-64") && (k->flags & SLAB_RED_ZONE));
	overflow_case(k, 64, true);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
