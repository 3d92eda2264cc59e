/* highmem_copy_helpers: copy_highpage() high→low, low→high and high→high, clear_highpage(),
 * memcpy_to_page()/memcpy_from_page(), memcpy_page(), memset_page(), memzero_page() and
 * zero_user*() change exactly the bytes they name on highmem and lowmem pages (checked through
 * the memfd view and the linear map, not through the helpers), leave no kmap_local slot held,
 * and a range crossing the end of the page is reported and not written. */
#include <string.h>

#include "hm_test.h"

/* A page's bytes, seen without kmap. */
static unsigned char *raw(struct page *p)
{
	return PageHighMem(p) ? nmm_highmem_view_addr(page_to_pfn(p)) : page_address(p);
}

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *h1 = hm_alloc_high(), *h2 = hm_alloc_high(), *l1 = hm_alloc_low();

	hm_fill(raw(h1), 1);
	memset(raw(l1), 0, PAGE_SIZE);
	copy_highpage(l1, h1);
	CHECK(hm_check(raw(l1), 1));
	hm_fill(raw(l1), 2);
	copy_highpage(h2, l1);
	CHECK(hm_check(raw(h2), 2));
	copy_highpage(h1, h2);
	CHECK(hm_check(raw(h1), 2));
	CHECK_EQ(nmm_kmap_local_depth(), 0);

	clear_highpage(h1);
	int zero = 1;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zero &= raw(h1)[i] == 0;
	CHECK(zero);

	char msg[] = "highmem says hello";
	memcpy_to_page(h1, 4000, msg, sizeof(msg));
	CHECK(memcmp(raw(h1) + 4000, msg, sizeof(msg)) == 0);
	CHECK_EQ(raw(h1)[3999], 0);
	char back[sizeof(msg)] = "";
	memcpy_from_page(back, h1, 4000, sizeof(msg));
	CHECK(memcmp(back, msg, sizeof(msg)) == 0);

	memcpy_page(l1, 10, h1, 4000, sizeof(msg));
	CHECK(memcmp(raw(l1) + 10, msg, sizeof(msg)) == 0);
	memcpy_page(h2, 0, l1, 10, 5);
	CHECK(memcmp(raw(h2), "highm", 5) == 0);

	hm_fill(raw(h2), 3);
	memset_page(h2, 100, 0xab, 50);
	/* Bytes 99 and 150 keep the pattern (word 12 byte 3, word 18 byte 6, little endian). */
	CHECK_EQ(raw(h2)[99], ((3 * 0x9e3779b97f4a7c15ULL + 12) >> 24) & 0xff);
	CHECK_EQ(raw(h2)[150], ((3 * 0x9e3779b97f4a7c15ULL + 18) >> 48) & 0xff);
	for (size_t i = 100; i < 150; i++)
		CHECK_EQ(raw(h2)[i], 0xab);
	memzero_page(h2, 100, 50);
	for (size_t i = 100; i < 150; i++)
		CHECK_EQ(raw(h2)[i], 0);

	memset(raw(h2), 0xff, PAGE_SIZE);
	zero_user_segments(h2, 0, 16, 4080, 4096);
	zero_user(h2, 1000, 24);
	zero_user_segment(h2, 2000, 2001);
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		int want_zero = i < 16 || i >= 4080 || (i >= 1000 && i < 1024) || i == 2000;
		if ((raw(h2)[i] == 0) != want_zero) {
			fprintf(stderr, "byte %zu is %#x\n", i, raw(h2)[i]);
			CHECK(0);
			break;
		}
	}

	memset(raw(h2), 0xff, PAGE_SIZE);
	hm_capture_begin();
	memset_page(h2, 4090, 0, 7);
	memcpy_to_page(h2, PAGE_SIZE + 1, msg, 1);
	const char *out = hm_capture_end();
	CHECK(strstr(out, "memset_page: offset 4090 + len 7 crosses the end of the page") != NULL);
	CHECK(strstr(out, "memcpy_to_page:") != NULL);
	int untouched = 1;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		untouched &= raw(h2)[i] == 0xff;
	CHECK(untouched);
	CHECK_EQ(nmm_kmap_local_depth(), 0);
	nmm_shutdown();
	return test_done();
}
