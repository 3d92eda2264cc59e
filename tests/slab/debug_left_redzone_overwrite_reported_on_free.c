/* A byte written just before an object lands in its left redzone; the free reports "Left
 * Redzone overwritten" with offset -1 and the byte, keeps the object out of circulation, and
 * the cache goes on working. Also with an alignment of 64 (a 64-byte left redzone), and with
 * both sides hit at once. */
#include "debug_test.h"

static void underflow_case(struct kmem_cache *s, bool both)
{
	unsigned char *obj = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(obj);
	unsigned int size = kmem_cache_size(s);
	memset(obj, 0x22, size);
	obj[-1] = 0x11;
	if (both)
		obj[size + 1] = 0x33;
	unsigned long reports = slab_debug_reports(s);

	char msg[DEBUG_MSG_MAX], want[160];
	CAPTURE_STDERR(msg, kmem_cache_free(s, obj));
	snprintf(want, sizeof(want), "BUG %s (Not tainted): %s", s->name,
		 both ? "Left and Right Redzone overwritten" : "Left Redzone overwritten");
	CHECK(strstr(msg, want) != NULL);
	CHECK(strstr(msg, "@offset=-1..-1. First byte 0x11 instead of 0xcc") != NULL);
	if (both) {
		snprintf(want, sizeof(want), "@offset=%u..%u. First byte 0x33 instead of 0xcc", size + 1, size + 1);
		CHECK(strstr(msg, want) != NULL);
	}
	snprintf(want, sizeof(want), "FIX %s: Object at %p not freed", s->name, obj);
	CHECK(strstr(msg, want) != NULL);
	CHECK_EQ(slab_debug_reports(s), reports + 1);

	void *avoid = obj;
	churn_cache(s, 2000, &avoid, 1);
	kmem_cache_shrink(s);
	CHECK_EQ(slab_debug_reports(s), reports + 1);
	CHECK(obj[0] == 0x22 && obj[size - 1] == 0x22);   /* never handed out again */
}

int main(void)
{
	slab_test_boot(NULL);
	struct kmem_cache *a = kmem_cache_create("rz_left", 24, 0, SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	struct kmem_cache *b = kmem_cache_create("rz_left_aligned", 100, 64, SLAB_RED_ZONE | SLAB_POISON, NULL);
	REQUIRE(a && b);
	underflow_case(a, false);
	underflow_case(b, false);
	underflow_case(a, true);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
