/* slob_alignment: every object of a cache with alignment A (8 ... PAGE_SIZE, and
 * SLAB_HWCACHE_ALIGN) is A-aligned, the alignment padding left in front of a block stays free
 * for others, objects never overlap (each keeps its own fill), and objects too large or too
 * aligned to share a page with their header get pages of their own. */
#include "slob_test.h"

#define N 40

int main(void)
{
	slob_test_boot("slab_nomerge");
	static const unsigned int sizes[] = { 8, 24, 100, 200, 700, 1500, 3000 };
	static const unsigned int aligns[] = { 0, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };
	static unsigned char *obj[N];
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (size_t ai = 0; ai <= sizeof(aligns) / sizeof(aligns[0]); ai++) {
			bool hw = ai == sizeof(aligns) / sizeof(aligns[0]);
			unsigned int size = sizes[si], align = hw ? 0 : aligns[ai];
			char name[32];
			snprintf(name, sizeof(name), "align_%u_%u%s", size, align, hw ? "hw" : "");
			struct kmem_cache *s = kmem_cache_create(name, size, align, hw ? SLAB_HWCACHE_ALIGN : 0, NULL);
			REQUIRE(s);
			unsigned int want = align ? align : 8;
			if (hw)
				want = s->align;
			CHECK(s->align >= want);
			for (int i = 0; i < N; i++) {
				obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
				REQUIRE(obj[i]);
				if ((uintptr_t)obj[i] % want) {
					fprintf(stderr, "%s: object %p not %u-aligned\n", name, (void *)obj[i], want);
					CHECK(0);
				}
				memset(obj[i], i + 1, size);
				CHECK(ksize(obj[i]) == size);
			}
			for (int i = 0; i < N; i++)
				for (unsigned int b = 0; b < size; b++)
					if (obj[i][b] != (unsigned char)(i + 1)) {
						fprintf(stderr, "%s: object %d byte %u overwritten\n", name, i, b);
						CHECK(0);
						break;
					}
			CHECK(s->ops->is_valid(s, stderr));
			for (int i = 0; i < N; i += 2)
				kmem_cache_free(s, obj[i]);
			for (int i = 0; i < N; i += 2) {
				obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
				REQUIRE(obj[i]);
				CHECK((uintptr_t)obj[i] % want == 0);
			}
			for (int i = 0; i < N; i++)
				kmem_cache_free(s, obj[i]);
			kmem_cache_destroy(s);
		}
	}
	/* 3000 bytes aligned to 2048 cannot sit beside a header in 4096: own pages, page-aligned. */
	struct kmem_cache *big = kmem_cache_create("align_own_page", 3000, 2048, 0, NULL);
	REQUIRE(big);
	void *b = kmem_cache_alloc(big, GFP_KERNEL);
	REQUIRE(b);
	CHECK((uintptr_t)b % PAGE_SIZE == 0);
	CHECK_EQ(slob_page_state(b, NULL, NULL), -1);     /* not a shared SLOB page */
	kmem_cache_free(big, b);
	kmem_cache_destroy(big);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
