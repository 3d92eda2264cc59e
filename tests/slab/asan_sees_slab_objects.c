/* ASan builds: the slab layer poisons what is not allocated (lib/slab/slab_asan.h), so ASan
 * sees slab objects as it sees glibc's. Per back end: a free object, a never-allocated slot and
 * a slot's padding are poisoned, an allocated object is not; a kmalloc object is addressable for
 * the size asked (ksize() opens it to the object size, krealloc in place closes it again); bulk
 * frees poison too; SLAB_TYPESAFE_BY_RCU objects and SLOB stay unpoisoned (documented); and a
 * read of a freed object really ends in ASan's "use-after-poison" report. Other builds: skip.
 */
#include "asan_child_report.h"
#include "slab_test.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#endif

#ifndef HAVE_ASAN
int main(void)
{
	SKIP("not an ASan build (NUMAMM_SANITIZE=address)");
}
#else
#include <sanitizer/asan_interface.h>

static bool slub, slob;

/* Every byte of @obj's object poisoned, but SLUB's free pointer word? */
static bool free_poisoned(struct kmem_cache *s, char *obj)
{
	for (unsigned int i = 0; i < s->object_size; i++) {
		bool fp = slub && i >= s->offset && i < s->offset + sizeof(void *);
		if (__asan_address_is_poisoned(obj + i) == fp)
			return false;
	}
	return true;
}

static bool addressable(const void *p, size_t n)
{
	return __asan_region_is_poisoned((void *)p, n) == NULL;
}

/* A child reads a freed kmalloc object: ASan must stop it with its report. */
static void read_after_free(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	struct kmem_cache *s = virt_to_slab(p)->slab_cache;
	unsigned int at = s->offset == 0 ? 16 : 0;     /* not the free pointer */
	kfree(p);
	volatile char c = ((volatile char *)p)[at];
	(void)c;
}

int main(void)
{
	const char *be = slab_test_backend();
	slub = !strcmp(be, "slub");
	slob = !strcmp(be, "slob");
	slab_test_boot_own(be, NULL);

	struct kmem_cache *s = kmem_cache_create("asan_test", 52, 8, 0, NULL);
	REQUIRE(s);
	char *o = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(o);
	CHECK(addressable(o, 52));
	if (slob) {
		/* SLOB keeps its free list inside free blocks: no poisoning of objects (a second
		 * object keeps the page; an empty SLOB page goes back to the page allocator, which
		 * poisons it: page_alloc/page_asan.h). */
		char *keep = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(keep);
		kmem_cache_free(s, o);
		if (virt_to_page(keep) == virt_to_page(o))
			CHECK(addressable(o, 52));
		kmem_cache_free(s, keep);
		kmem_cache_destroy(s);
		nmm_shutdown();
		return test_done();
	}
	if (s->size > s->object_size)
		CHECK(__asan_address_is_poisoned(o + s->object_size));   /* the slot's padding */
	/* Another slot of the same slab, never allocated: poisoned. */
	char *base = slab_address(virt_to_slab(o));
	char *other = (o - base) / s->size ? o - s->size : o + s->size;
	CHECK(__asan_region_is_poisoned(other, s->object_size) != NULL);
	kmem_cache_free(s, o);
	CHECK(free_poisoned(s, o));
	char *again = kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
	REQUIRE(again);
	CHECK(addressable(again, 52));
	CHECK(again[0] == 0 && again[51] == 0);
	kmem_cache_free(s, again);

	/* Bulk: every object addressable while held, poisoned after the bulk free. */
	void *v[20];
	REQUIRE(kmem_cache_alloc_bulk(s, GFP_KERNEL, 20, v) == 20);
	for (int i = 0; i < 20; i++)
		CHECK(addressable(v[i], 52));
	kmem_cache_free_bulk(s, 20, v);
	for (int i = 0; i < 20; i++)
		CHECK(free_poisoned(s, v[i]));
	kmem_cache_destroy(s);

	/* kmalloc: the request's size, then ksize's, then krealloc's. */
	char *k = kmalloc(40, GFP_KERNEL);
	REQUIRE(k);
	CHECK(addressable(k, 40));
	struct kmem_cache *ks = virt_to_slab(k)->slab_cache;
	CHECK(ks->object_size == 64);
	bool tail_fp = slub && ks->offset >= 40 && ks->offset < 64;
	CHECK(__asan_address_is_poisoned(k + (tail_fp && ks->offset == 40 ? 48 : 40)));
	CHECK(ksize(k) == 64);
	CHECK(addressable(k, 64));
	char *k2 = krealloc(k, 20, GFP_KERNEL);
	CHECK(k2 == k);
	CHECK(addressable(k, 20));
	CHECK(__asan_address_is_poisoned(k + (slub && ks->offset == 24 ? 32 : 24)));
	char *k3 = krealloc(k, 100, GFP_KERNEL);                /* moves to kmalloc-128 */
	REQUIRE(k3 && k3 != k);
	CHECK(addressable(k3, 100));
	CHECK(free_poisoned(ks, k));
	kfree(k3);

	/* SLAB_TYPESAFE_BY_RCU: readers may look at freed objects, so they stay addressable. */
	struct kmem_cache *r = kmem_cache_create("asan_rcu", 48, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	REQUIRE(r);
	char *ro = kmem_cache_alloc(r, GFP_KERNEL);
	REQUIRE(ro);
	kmem_cache_free(r, ro);
	CHECK(addressable(ro, 48));
	kmem_cache_destroy(r);

	check_child_asan_report(read_after_free, "AddressSanitizer: use-after-poison");
	nmm_shutdown();
	return test_done();
}
#endif
