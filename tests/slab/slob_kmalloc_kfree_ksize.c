/* slob_kmalloc_kfree_ksize: kmalloc under SLOB, every size from 1 to 8 KiB: the object is
 * aligned as its class promises, ksize() is the class size (found from SLOB's block header,
 * since SLOB pages belong to no cache), kfree() gives it back (the page allocator gets every
 * page back), and krealloc keeps the contents. */
#include "slob_test.h"

static void *held[8200];

int main(void)
{
	slob_test_boot(NULL);
	unsigned long free0 = slob_test_free_pages();
	for (size_t size = 1; size <= 8192; size++) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);
		REQUIRE(p);
		size_t ks = ksize(p);
		size_t cls = size <= 8 ? 8 : size <= 16 ? 16 : size <= 32 ? 32 : size <= 64 ? 64 : size <= 96 ? 96
			   : size <= 128 ? 128 : size <= 192 ? 192 : 1;
		if (cls == 1)
			while (cls < size)
				cls <<= 1;
		CHECK_EQ(ks, cls);
		if ((cls & (cls - 1)) == 0)
			CHECK((uintptr_t)p % (cls < PAGE_SIZE ? cls : PAGE_SIZE) == 0);
		else
			CHECK((uintptr_t)p % 8 == 0);
		memset(p, 0x5a, ks);
		held[size] = p;
	}
	CHECK(slab_all_caches_valid());
	for (size_t size = 1; size <= 8192; size += 2)
		kfree(held[size]);
	for (size_t size = 2; size <= 8192; size += 2) {
		unsigned char *p = held[size];
		CHECK(p[0] == 0x5a && p[size - 1] == 0x5a);
		kfree(p);
	}
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slob_test_free_pages(), free0);

	char *s = kmalloc(20, GFP_KERNEL);
	REQUIRE(s);
	strcpy(s, "slob keeps contents");
	char *t = krealloc(s, 3000, GFP_KERNEL);
	REQUIRE(t);
	CHECK(!strcmp(t, "slob keeps contents"));
	CHECK_EQ(ksize(t), 4096);
	CHECK_EQ(ksize(s), 0);                 /* freed by krealloc: reported, size 0 */
	kfree(t);
	CHECK(slab_all_caches_valid());
	CHECK_EQ(slob_test_free_pages(), free0);
	nmm_shutdown();
	return test_done();
}
