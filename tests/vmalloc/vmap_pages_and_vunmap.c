/* vmap_pages_and_vunmap: vmap() maps the given pages in the given order (reversed here, so no
 * run is file-contiguous) with the protection asked for; bytes agree with each page's linear
 * map; vunmap() leaves the pages allocated and intact, and after the purge the address faults.
 * A read-only vmap faults on write. Pages of a THP-backed node cannot be mapped twice: vmap
 * refuses them with a report. VM_MAP_PUT_PAGES hands the pages to vfree(). */
#include "vmt.h"

#define N 16

int main(void)
{
	vmt_boot(VMT_BOOT_SHMEM);
	struct page *pages[N];
	for (int i = 0; i < N; i++) {
		pages[N - 1 - i] = alloc_page(GFP_KERNEL);
		REQUIRE(pages[N - 1 - i]);
		vmt_fill(page_address(pages[N - 1 - i]), PAGE_SIZE, 50 + N - 1 - i);
	}
	char *v = vmap(pages, N, 0, PAGE_KERNEL);
	REQUIRE(v);
	for (int i = 0; i < N; i++) {
		CHECK(vmalloc_to_page(v + i * PAGE_SIZE) == pages[i]);
		CHECK(vmt_check(v + i * PAGE_SIZE, PAGE_SIZE, 50 + i));
		vmt_fill(v + i * PAGE_SIZE, PAGE_SIZE, 90 + i);
		CHECK(vmt_check(page_address(pages[i]), PAGE_SIZE, 90 + i));
	}
	CHECK_EQ(child_touch(v + N * PAGE_SIZE), SIGSEGV);
	vunmap(v);
	vm_unmap_aliases();
	CHECK_EQ(child_touch(v), SIGSEGV);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(page_ref_count(pages[i]), 1);
		CHECK(vmt_check(page_address(pages[i]), PAGE_SIZE, 90 + i));
	}

	char *ro = vmap(pages, 2, 0, PAGE_KERNEL_RO);
	REQUIRE(ro);
	CHECK(vmt_check(ro, PAGE_SIZE, 90));
	CHECK_EQ(child_touch(ro), SIGSEGV);
	vunmap(ro);

	/* VM_MAP_PUT_PAGES: vfree frees them (the free count comes back after the purge). */
	unsigned long before = vmt_free_pages();
	char *put = vmap(pages, N, VM_MAP_PUT_PAGES, PAGE_KERNEL);
	REQUIRE(put);
	vfree(put);
	CHECK_EQ(vmt_free_pages(), before + N);

	vmt_boot(VMT_BOOT_THP);
	struct page *thp = alloc_page(GFP_KERNEL);
	REQUIRE(thp);
	vmt_capture_begin();
	void *no = vmap(&thp, 1, 0, PAGE_KERNEL);
	const char *out = vmt_capture_end();
	CHECK(no == NULL);
	CHECK(strstr(out, "cannot be mapped a second time") != NULL);
	/* ...but vmalloc's own pages (pool pages) can be vmapped again. */
	char *v2 = vmalloc(2 * PAGE_SIZE);
	REQUIRE(v2);
	struct page *pp[2] = { vmalloc_to_page(v2 + PAGE_SIZE), vmalloc_to_page(v2) };
	char *w = vmap(pp, 2, 0, PAGE_KERNEL);
	REQUIRE(w);
	v2[0] = 'a';
	v2[PAGE_SIZE] = 'b';
	CHECK_EQ(w[0], 'b');
	CHECK_EQ(w[PAGE_SIZE], 'a');
	vunmap(w);
	vfree(v2);
	__free_page(thp);
	nmm_shutdown();
	return test_done();
}
