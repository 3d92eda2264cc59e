/* ASan builds: an element in a mempool's reserve is poisoned while it sits there and unpoisoned
 * when it leaves (lib/mempool/mempool.c), for slab, kmalloc and page pools: the elements the pool
 * was created with, an element mempool_free puts back into a short reserve, one mempool_alloc
 * takes from the reserve (its allocator failing: failslab / fail_page_alloc), resize's shrink and
 * destroy (which hand reserve elements to the allocator, which must be able to write them). A
 * kmalloc pool's element keeps kmalloc's red zone past the pool's size. Other builds: skip. */
#include <numamm/fault_inject.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "sanitize.h"
#include "slab/slab.h"
#include "test.h"

#if !NMM_ASAN
int main(void)
{
	SKIP("not an ASan build (NUMAMM_SANITIZE=address)");
}
#else

#define MIN_NR 4
#define KMALLOC_SIZE 100

static void *bytes_of(int kind, void *element, size_t *len, struct kmem_cache *kc)
{
	switch (kind) {
	case 0: *len = kc->object_size; return element;
	case 1: *len = KMALLOC_SIZE; return element;
	default: *len = PAGE_SIZE; return page_address(element);
	}
}

static bool addressable(const void *p, size_t n)
{
	return __asan_region_is_poisoned((void *)p, n) == NULL;
}

static bool all_poisoned(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8)
		if (!__asan_address_is_poisoned(p + i))
			return false;
	return true;
}

static void fail_allocator(int kind, bool on)
{
	int point = kind == 2 ? NMM_FAULT_PAGE_ALLOC : NMM_FAULT_SLAB;
	struct nmm_fault_attr a = { .probability = 100, .interval = 1, .times = -1 };
	REQUIRE(nmm_fault_set(point, on ? &a : NULL) == 0);
}

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);
	struct kmem_cache *kc = kmem_cache_create("asan-pool", 200, 0, 0, NULL);
	REQUIRE(kc);
	for (int kind = 0; kind < 3; kind++) {
		mempool_t *pool = kind == 0 ? mempool_create_slab_pool(MIN_NR, kc)
				: kind == 1 ? mempool_create_kmalloc_pool(MIN_NR, KMALLOC_SIZE)
					    : mempool_create_page_pool(MIN_NR, 0);
		REQUIRE(pool);
		REQUIRE(pool->curr_nr == MIN_NR);
		size_t len;
		for (int i = 0; i < MIN_NR; i++) {
			char *p = bytes_of(kind, pool->elements[i], &len, kc);
			CHECK(all_poisoned(p, len));
		}

		/* The allocator fails: the reserve serves, and what it hands out is addressable. */
		fail_allocator(kind, true);
		void *e[MIN_NR];
		for (int i = 0; i < MIN_NR; i++) {
			e[i] = mempool_alloc(pool, GFP_NOWAIT);
			REQUIRE(e[i]);
			char *p = bytes_of(kind, e[i], &len, kc);
			CHECK(addressable(p, len));
			memset(p, 0x6b, len);
			if (kind == 1)
				CHECK(__asan_address_is_poisoned(p + KMALLOC_SIZE));   /* kmalloc's red zone */
		}
		CHECK_EQ(pool->curr_nr, 0);
		CHECK(mempool_alloc(pool, GFP_NOWAIT) == NULL);
		fail_allocator(kind, false);

		/* Freed back into the short reserve: poisoned again. */
		for (int i = 0; i < MIN_NR; i++) {
			mempool_free(e[i], pool);
			char *p = bytes_of(kind, e[i], &len, kc);
			CHECK(all_poisoned(p, len));
		}
		CHECK_EQ(pool->curr_nr, MIN_NR);

		/* Shrink and destroy give reserve elements to the allocator, which writes them
		 * (SLUB's free pointer, the page's own poisoning): ASan would stop us here. */
		CHECK_EQ(mempool_resize(pool, 1), 0);
		CHECK_EQ(pool->curr_nr, 1);
		CHECK_EQ(mempool_resize(pool, MIN_NR), 0);
		mempool_destroy(pool);
	}
	kmem_cache_destroy(kc);
	nmm_shutdown();
	return test_done();
}
#endif
