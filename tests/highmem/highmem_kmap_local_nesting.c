/* highmem_kmap_local_nesting: kmap_local_page() stacks: nested mappings get distinct addresses
 * that each alias their page (two mappings of one page alias each other), kunmap_local() pops
 * in reverse order, an out-of-order kunmap_local() is reported and the stack recovers when the
 * top is released, a double kunmap_local() is reported, KM_MAX_IDX is the depth limit (the next
 * kmap_local_page() is reported and returns NULL), kmap_atomic() shares the same stack, and
 * another thread has its own stack. */
#include <pthread.h>
#include <string.h>

#include "hm_test.h"

static struct page *shared;
static void *main_addr, *thread_addr;
static int thread_depth_before, thread_depth_mapped;

static void *other_thread(void *arg)
{
	(void)arg;
	thread_depth_before = nmm_kmap_local_depth();
	thread_addr = kmap_local_page(shared);
	thread_depth_mapped = nmm_kmap_local_depth();
	if (thread_addr) {
		CHECK(hm_check(thread_addr, page_to_pfn(shared)));
		CHECK(!nmm_kmap_local_addr(main_addr));
		kunmap_local(thread_addr);
	}
	return NULL;
}

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p[KM_MAX_IDX + 1];
	for (int i = 0; i <= KM_MAX_IDX; i++) {
		p[i] = hm_alloc_high();
		hm_fill(nmm_highmem_view_addr(page_to_pfn(p[i])), page_to_pfn(p[i]));
	}

	/* Nesting: three pages, distinct addresses, right contents, LIFO release. */
	char *a = kmap_local_page(p[0]), *b = kmap_local_page(p[1]), *c = kmap_local_page(p[2]);
	REQUIRE(a && b && c);
	CHECK(a != b && b != c && a != c);
	CHECK(page_address(p[0]) == NULL);      /* kmap_local does not set page_address */
	CHECK_EQ(nmm_kmap_local_depth(), 3);
	CHECK(hm_check(a, page_to_pfn(p[0])) && hm_check(b, page_to_pfn(p[1])) &&
	      hm_check(c, page_to_pfn(p[2])));
	/* One page twice: two addresses, one page. */
	char *a2 = kmap_local_page(p[0]);
	REQUIRE(a2);
	CHECK(a2 != a);
	a2[8] = 'x';
	CHECK_EQ(((volatile char *)a)[8], 'x');
	hm_fill(a2, page_to_pfn(p[0]));
	kunmap_local(a2);
	kunmap_local(c);
	CHECK_EQ(nmm_kmap_local_depth(), 2);
	kunmap_local(b);
	kunmap_local(a);
	CHECK_EQ(nmm_kmap_local_depth(), 0);

	/* Out of order: reported; the stack empties once the top goes too. */
	unsigned long bad = nmm_kmap_local_bad_unmaps;
	a = kmap_local_page(p[0]);
	b = kmap_local_page(p[1]);
	REQUIRE(a && b);
	hm_capture_begin();
	kunmap_local(a + 17);                   /* any address inside the mapping will do */
	const char *out = hm_capture_end();
	CHECK(strstr(out, "kunmap_local: out of order") != NULL);
	CHECK_EQ(nmm_kmap_local_bad_unmaps, bad + 1);
	CHECK_EQ(nmm_kmap_local_depth(), 2);
	kunmap_local(b);
	CHECK_EQ(nmm_kmap_local_depth(), 0);
	/* Releasing again is reported too. */
	hm_capture_begin();
	kunmap_local(b);
	out = hm_capture_end();
	CHECK(strstr(out, "kunmap_local:") && strstr(out, "is not mapped"));
	CHECK_EQ(nmm_kmap_local_bad_unmaps, bad + 2);

	/* Depth limit, shared by kmap_atomic. */
	char *m[KM_MAX_IDX];
	for (int i = 0; i < KM_MAX_IDX; i++) {
		m[i] = i & 1 ? kmap_atomic(p[i]) : kmap_local_page(p[i]);
		REQUIRE(m[i]);
	}
	CHECK_EQ(nmm_kmap_local_depth(), KM_MAX_IDX);
	hm_capture_begin();
	void *over = kmap_local_page(p[KM_MAX_IDX]);
	out = hm_capture_end();
	CHECK(over == NULL);
	CHECK(strstr(out, "kmap_local: all") != NULL);
	for (int i = 0; i < KM_MAX_IDX; i++)
		CHECK(hm_check(m[i], page_to_pfn(p[i])));
	for (int i = KM_MAX_IDX - 1; i >= 0; i--) {
		if (i & 1)
			kunmap_atomic(m[i]);
		else
			kunmap_local(m[i]);
	}
	CHECK_EQ(nmm_kmap_local_depth(), 0);

	/* Another thread: its own stack, its own addresses. */
	shared = p[3];
	main_addr = kmap_local_page(shared);
	REQUIRE(main_addr);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, other_thread, NULL) == 0);
	pthread_join(t, NULL);
	CHECK_EQ(thread_depth_before, 0);
	CHECK_EQ(thread_depth_mapped, 1);
	CHECK(thread_addr && thread_addr != main_addr);
	CHECK_EQ(nmm_kmap_local_depth(), 1);
	kunmap_local(main_addr);
	CHECK_EQ(nmm_kmap_local_depth(), 0);
	nmm_shutdown();
	return test_done();
}
