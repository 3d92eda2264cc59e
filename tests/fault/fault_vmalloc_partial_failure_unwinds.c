/* fault_vmalloc_partial_failure_unwinds: a vmalloc whose N-th page cannot be had (fail_vmalloc:
 * the first, a middle one, the last of 64) returns NULL and gives back every page it took and its
 * vmap area; one whose area cannot be had (fail_vmap_area) takes no page; vmap too. With the
 * page allocator failing at its N-th call (fail_page_alloc, every N up to success), vmalloc either
 * succeeds with every byte usable or fails leaving nothing. Under shmem nodes (pages straight
 * from the page allocator) and THP nodes (pages from the vmalloc pool). */
#include "ft.h"
#include "process_resources.h"

#define NPAGES 64

static unsigned long start;

static void no_leak(const char *boot, const char *what, unsigned long n)
{
	struct nmm_vmalloc_stats st;
	unsigned long now = ft_free_pages();
	REQUIRE(nmm_vmalloc_stats(&st) == 0);
	if (now != start || st.busy_areas || st.busy_pages || st.lazy_areas) {
		fprintf(stderr, "%s: %s %lu: free pages %lu (were %lu), busy areas %lu pages %lu, lazy %lu\n",
			boot, what, n, now, start, st.busy_areas, st.busy_pages, st.lazy_areas);
		test_failures++;
	}
}

int main(void)
{
	const char *boots[] = { "mem=64M backing=shmem", "mem=64M backing=thp" };
	for (int b = 0; b < 2; b++) {
		ft_boot(boots[b]);
		vfree(vmalloc(NPAGES * PAGE_SIZE));   /* the pool's first block, counts settled */
		start = ft_free_pages();

		/* fail_vmalloc: page N of 64 (one decision per page); NULL, everything given back. */
		unsigned long nths[] = { 1, 2, 17, NPAGES };
		for (int i = 0; i < 4; i++) {
			ft_set(NMM_FAULT_VMALLOC, ft_nth(nths[i]));
			CHECK(__vmalloc(NPAGES * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN) == NULL);
			struct nmm_fault_stats fs;
			nmm_fault_stats(NMM_FAULT_VMALLOC, &fs);
			CHECK_EQ(fs.injected, 1);
			CHECK_EQ(fs.calls, nths[i]);
			nmm_fault_set(NMM_FAULT_VMALLOC, NULL);
			no_leak(boots[b], "fail_vmalloc page", nths[i]);
		}
		/* One vmalloc of 65 pages: page 65 (beyond) is never asked for. */
		ft_set(NMM_FAULT_VMALLOC, ft_nth(NPAGES + 1));
		void *p = vmalloc(NPAGES * PAGE_SIZE);
		CHECK(p != NULL);
		CHECK_EQ(nmm_fault_injected(NMM_FAULT_VMALLOC), 0);
		vfree(p);
		nmm_fault_set(NMM_FAULT_VMALLOC, NULL);
		no_leak(boots[b], "fail_vmalloc none", 0);

		/* fail_vmap_area: no area, so no page is taken (not even transiently) — and the
		 * warning says so unless __GFP_NOWARN. */
		ft_set(NMM_FAULT_VMAP_AREA, ft_always(2));
		unsigned long before = nr_free_pages();
		ft_capture_begin();
		CHECK(vmalloc(NPAGES * PAGE_SIZE) == NULL);
		const char *out = ft_capture_end();
		CHECK(strstr(out, "vmap allocation for size") != NULL);
		CHECK(nr_free_pages() >= before);
		if (b == 0) {   /* vmap needs aliasable (memfd) pages: shmem nodes */
			struct page *pg[4];
			for (int i = 0; i < 4; i++)
				pg[i] = alloc_page(GFP_KERNEL);
			CHECK(vmap(pg, 4, VM_MAP, PAGE_KERNEL) == NULL);
			for (int i = 0; i < 4; i++)
				__free_page(pg[i]);
			CHECK_EQ(nmm_fault_injected(NMM_FAULT_VMAP_AREA), 2);
		}
		nmm_fault_set(NMM_FAULT_VMAP_AREA, NULL);
		no_leak(boots[b], "fail_vmap_area", 0);

		/* fail_page_alloc at the N-th page allocation: success (a fallback served) with every
		 * byte usable, or NULL and nothing kept. */
		bool whole = false;
		for (unsigned long nth = 1; nth <= 32 && !whole; nth++) {
			size_t len = 3 * 1024 * 1024 + 3 * PAGE_SIZE;
			ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(nth));
			char *v = __vmalloc(len, GFP_KERNEL | __GFP_NOWARN);
			whole = !nmm_fault_injected(NMM_FAULT_PAGE_ALLOC);
			nmm_fault_set(NMM_FAULT_PAGE_ALLOC, NULL);
			if (v) {
				memset(v, 0x5a, len);
				CHECK(v[0] == 0x5a && v[len - 1] == 0x5a);
				vfree(v);
			} else {
				CHECK(!whole);
			}
			no_leak(boots[b], "fail_page_alloc call", nth);
		}
		CHECK(whole);
		nmm_shutdown();
	}
	return test_done();
}
