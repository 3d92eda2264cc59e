/* kmalloc serves every size from 1 byte to KMALLOC_MAX_SIZE: ksize() is the size class (at least
 * the size asked for), power-of-two classes are naturally aligned, contents are private to each
 * object, kmalloc(0) is ZERO_SIZE_PTR, and too large or overflowing requests return NULL. */
#include "slab_test.h"

static size_t expected_class(size_t size)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192 };
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	size_t pages = PAGE_SIZE;
	while (pages < size)
		pages <<= 1;
	return pages;
}

int main(void)
{
	slab_test_boot(NULL);
	static void *p[20000];
	size_t n = 0;
	for (size_t size = 1; size <= 20000; size += (size < 300 ? 1 : 97)) {
		p[n] = kmalloc(size, GFP_KERNEL);
		REQUIRE(p[n] != NULL);
		size_t ks = ksize(p[n]);
		if (ks != expected_class(size)) {
			fprintf(stderr, "size %zu: ksize %zu, expected %zu\n", size, ks, expected_class(size));
			CHECK(0);
		}
		size_t cls = expected_class(size);
		if ((cls & (cls - 1)) == 0)
			CHECK(((uintptr_t)p[n] & ((cls < PAGE_SIZE ? cls : PAGE_SIZE) - 1)) == 0);
		else
			CHECK(((uintptr_t)p[n] & (ARCH_KMALLOC_MINALIGN - 1)) == 0);
		memset(p[n], (int)(n & 0xff), size);
		((size_t *)p[n])[0] = size >= sizeof(size_t) ? size : 0;
		n++;
	}
	/* Every object kept its contents: no two overlap. */
	size_t i = 0;
	for (size_t size = 1; size <= 20000; size += (size < 300 ? 1 : 97), i++) {
		unsigned char *b = p[i];
		if (size >= sizeof(size_t)) {
			CHECK_EQ(((size_t *)b)[0], size);
			for (size_t k = sizeof(size_t); k < size; k++)
				if (b[k] != (unsigned char)(i & 0xff)) {
					CHECK(0);
					break;
				}
		}
		kfree(p[i]);
	}

	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	CHECK_EQ(ksize(ZERO_SIZE_PTR), 0);
	CHECK_EQ(ksize(NULL), 0);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	CHECK(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN) == NULL);
	CHECK(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	CHECK(kcalloc(SIZE_MAX / 8, 16, GFP_KERNEL) == NULL);
	CHECK(kvmalloc_array(SIZE_MAX / 8, 16, GFP_KERNEL) == NULL);

	void *big = kmalloc(1 << 20, GFP_KERNEL);
	REQUIRE(big);
	CHECK_EQ(ksize(big), 1 << 20);
	CHECK(((uintptr_t)big & (PAGE_SIZE - 1)) == 0);
	memset(big, 1, 1 << 20);
	kfree(big);

	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
