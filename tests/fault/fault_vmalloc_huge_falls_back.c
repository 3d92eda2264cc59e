/* fault_vmalloc_huge_falls_back: on a hugetlb node, vmalloc_huge maps 2 MiB blocks; with its
 * N-th block refused (fail_vmalloc) or the page allocator failing at its N-th call, it gives back
 * the blocks it took and falls back to small pages, or fails leaving nothing: every byte of what
 * it returns is usable, and after vfree the free page count is what it was. */
#include "ft.h"

#define LEN (8UL << 20)

int main(void)
{
	if (nmm_boot("mem=64M backing=hugetlb"))
		SKIP("no hugetlb boot (%s): needs 32 free 2 MiB pages", nmm_boot_strerror());
	vfree(vmalloc_huge(LEN, GFP_KERNEL));
	unsigned long start = ft_free_pages();
	for (unsigned long nth = 1; nth <= 4; nth++) {
		ft_set(NMM_FAULT_VMALLOC, ft_nth(nth));
		char *p = vmalloc_huge(LEN, GFP_KERNEL | __GFP_NOWARN);
		CHECK_EQ(nmm_fault_injected(NMM_FAULT_VMALLOC), 1);   /* block nth: four blocks */
		nmm_fault_set(NMM_FAULT_VMALLOC, NULL);
		CHECK(p != NULL);                                    /* small pages served */
		if (p) {
			memset(p, 0x3c, LEN);
			CHECK(p[0] == 0x3c && p[LEN - 1] == 0x3c);
			CHECK(vmalloc_to_page(p) && vmalloc_to_page(p + LEN - 1));
		}
		vfree(p);
		CHECK_EQ(ft_free_pages(), start);
	}
	bool whole = false;
	for (unsigned long nth = 1; nth <= 64 && !whole; nth++) {
		ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(nth));
		char *p = vmalloc_huge(LEN, GFP_KERNEL | __GFP_NOWARN);
		whole = !nmm_fault_injected(NMM_FAULT_PAGE_ALLOC);
		nmm_fault_set(NMM_FAULT_PAGE_ALLOC, NULL);
		if (p) {
			memset(p, 0x3c, LEN);
			vfree(p);
		}
		unsigned long now = ft_free_pages();
		if (now != start) {
			fprintf(stderr, "page allocation %lu failing: free pages %lu, were %lu\n", nth, now, start);
			test_failures++;
		}
	}
	CHECK(whole);
	nmm_shutdown();
	return test_done();
}
