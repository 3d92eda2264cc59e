/* ASan builds: the page allocator poisons a block when it is freed and unpoisons it when it is
 * handed out (lib/page_alloc/page_asan.h). Order 0 through the fast path and the slow path,
 * higher orders, __GFP_ZERO, split blocks, a shared block's last put, a reserved page freed by
 * mistake (reported, stays addressable); pages never allocated
 * since boot stay addressable (documented); a shutdown leaves the linear map clean for the next
 * boot; and a write to a freed page really ends in ASan's "use-after-poison" report.
 * Other builds: skip.
 */
#include "asan_child_report.h"
#include "pa_test.h"
#include "sanitize.h"

#if !NMM_ASAN
int main(void)
{
	SKIP("not an ASan build (NUMAMM_SANITIZE=address)");
}
#else

static bool addressable(const void *p, size_t n)
{
	return __asan_region_is_poisoned((void *)p, n) == NULL;
}

/* Every byte of [p, p+n) poisoned? (ASan's granule is 8 bytes: test each one.) */
static bool poisoned(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8)
		if (!__asan_address_is_poisoned(p + i))
			return false;
	return true;
}

/* A child writes to a page it freed: ASan must stop it with its report. */
static void write_after_free(void)
{
	struct page *pg = alloc_pages(GFP_KERNEL, 1);
	char *p = page_address(pg);
	__free_pages(pg, 1);
	((volatile char *)p)[PAGE_SIZE + 100] = 1;
}

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);

	/* Order 0, many times: the magazines' fast paths in both directions. */
	char *held[64];
	for (int i = 0; i < 64; i++) {
		struct page *pg = alloc_page(GFP_KERNEL);
		REQUIRE(pg);
		held[i] = page_address(pg);
		CHECK(addressable(held[i], PAGE_SIZE));
		memset(held[i], 0x5a, PAGE_SIZE);
	}
	for (int i = 0; i < 64; i++) {
		__free_page(virt_to_page(held[i]));
		CHECK(poisoned(held[i], PAGE_SIZE));
	}
	/* They come back from the magazine: addressable again, __GFP_ZERO cleared. */
	for (int i = 0; i < 64; i++) {
		struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);    /* the slow path */
		REQUIRE(pg);
		char *p = page_address(pg);
		CHECK(addressable(p, PAGE_SIZE));
		CHECK(p[0] == 0 && p[PAGE_SIZE - 1] == 0);
		held[i] = p;
	}
	for (int i = 0; i < 64; i++)
		free_page((unsigned long)held[i]);

	/* Higher orders through the buddy lists. */
	for (unsigned int order = 1; order <= 6; order++) {
		struct page *pg = alloc_pages(GFP_KERNEL, order);
		REQUIRE(pg);
		char *p = page_address(pg);
		CHECK(addressable(p, PAGE_SIZE << order));
		__free_pages(pg, order);
		CHECK(poisoned(p, PAGE_SIZE << order));
	}

	/* A split block: each page its own, each poisoned when it goes. */
	struct page *blk = alloc_pages(GFP_KERNEL, 2);
	REQUIRE(blk);
	split_page(blk, 2);
	char *b = page_address(blk);
	__free_page(blk + 1);
	CHECK(poisoned(b + PAGE_SIZE, PAGE_SIZE));
	CHECK(addressable(b, PAGE_SIZE) && addressable(b + 2 * PAGE_SIZE, 2 * PAGE_SIZE));
	__free_page(blk);
	__free_page(blk + 2);
	__free_page(blk + 3);
	CHECK(poisoned(b, 4 * PAGE_SIZE));

	/* A shared page: addressable until its last reference goes. */
	struct page *sh = alloc_page(GFP_KERNEL);
	REQUIRE(sh);
	get_page(sh);
	put_page(sh);
	CHECK(addressable(page_address(sh), PAGE_SIZE));
	char *shp = page_address(sh);
	put_page(sh);
	CHECK(poisoned(shp, PAGE_SIZE));

	/* alloc_pages_exact: the tail pages it gives back are poisoned, the rest not. */
	char *ex = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	REQUIRE(ex);
	CHECK(addressable(ex, 3 * PAGE_SIZE));
	CHECK(poisoned(ex + 3 * PAGE_SIZE, PAGE_SIZE));
	free_pages_exact(ex, 3 * PAGE_SIZE);
	CHECK(poisoned(ex, 3 * PAGE_SIZE));

	/* A reserved page (here the one holding struct pages) freed by mistake: reported, not
	 * freed, and its memory stays addressable (it is the memory map). */
	struct page *any = alloc_page(GFP_KERNEL);
	REQUIRE(any);
	struct page *res = virt_to_page(any);
	REQUIRE(PageReserved(res));
	__free_page(res);
	CHECK(addressable(page_address(res), PAGE_SIZE));
	CHECK(addressable(any, sizeof(*any)));
	__free_page(any);

	check_child_asan_report(write_after_free, "AddressSanitizer: use-after-poison");
	CHECK(all_zones_valid());

	/* Shutdown unpoisons the linear map: a second boot maps it again and must find every
	 * page it hands out, and every page of its own boot data, addressable. */
	nmm_shutdown();
	CHECK(addressable(shp, PAGE_SIZE));
	REQUIRE(nmm_boot("mem=64M") == 0);
	for (int i = 0; i < 64; i++) {
		struct page *pg = alloc_page(GFP_KERNEL);
		REQUIRE(pg);
		CHECK(addressable(page_address(pg), PAGE_SIZE));
		__free_page(pg);
	}
	nmm_shutdown();
	return test_done();
}
#endif
