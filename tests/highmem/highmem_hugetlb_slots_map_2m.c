/* highmem_hugetlb_slots_map_2m: on a hugetlb-backed node with highmem, a pkmap slot maps the
 * whole 2 MiB hugepage holding the page (slots are 2 MiB aligned), so two kmaps of pages of one
 * hugepage share a slot and one mapping and sit PAGE_SIZE apart, while a page of another
 * hugepage gets another slot. Every address aliases the page (memfd view and pread),
 * page_address() is per page, kmap_local works the same way, and the linear address of a
 * highmem page still faults in a child. */
#include <signal.h>
#include <sys/wait.h>

#include "hm_test.h"
#include "hugepool_grow.h"
#include "meminfo.h"

#define HUGE_PAGES 32     /* mem=64M */

int main(void)
{
	/* Pages reserved by other processes count as free but are not ours to take. */
	hp_need(HUGE_PAGES + meminfo("HugePages_Rsvd:") + 2);
	hm_boot("mem=64M highmem=32M backing=hugetlb");
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	REQUIRE(ni.backing == NMM_BACKING_HUGETLB);

	struct page *p = alloc_pages(GFP_HIGHUSER, 1);     /* p and p + 1: one hugepage */
	REQUIRE(p && PageHighMem(p));
	struct page *q = hm_alloc_high();
	while ((page_to_pfn(q) >> 9) == (page_to_pfn(p) >> 9))
		q = hm_alloc_high();
	unsigned long remaps = nmm_pkmap_remaps;

	char *v0 = kmap(p), *v1 = kmap(p + 1), *vq = kmap(q);
	REQUIRE(v0 && v1 && vq);
	CHECK(v1 == v0 + PAGE_SIZE);
	uintptr_t slot = (uintptr_t)v0 - (page_to_pfn(p) & 511) * PAGE_SIZE;
	CHECK_EQ(slot & (HUGE_2M - 1), 0);
	CHECK(((uintptr_t)vq & ~(HUGE_2M - 1)) != slot);
	CHECK_EQ(nmm_pkmap_remaps, remaps + 2);            /* one for p's hugepage, one for q's */
	CHECK(page_address(p) == v0 && page_address(p + 1) == v1 && page_address(q) == vq);

	char buf[PAGE_SIZE];
	hm_fill(v0, 10);
	hm_fill(v1, 11);
	hm_fill(vq, 12);
	CHECK(hm_check(nmm_highmem_view_addr(page_to_pfn(p)), 10));
	CHECK(hm_check(nmm_highmem_view_addr(page_to_pfn(p + 1)), 11));
	hm_pread_page(q, buf);
	CHECK(hm_check(buf, 12));

	kunmap(p);
	CHECK(page_address(p) == NULL);
	CHECK(page_address(p + 1) == v1);                  /* its own count */
	kunmap(p + 1);
	kunmap(q);
	CHECK(page_address(p + 1) == NULL && page_address(q) == NULL);

	char *l0 = kmap_local_page(p + 1), *l1 = kmap_local_page(q);
	REQUIRE(l0 && l1);
	CHECK(hm_check(l0, 11) && hm_check(l1, 12));
	CHECK_EQ(((uintptr_t)l0 - (page_to_pfn(p + 1) & 511) * PAGE_SIZE) & (HUGE_2M - 1), 0);
	kunmap_local(l1);
	kunmap_local(l0);
	CHECK_EQ(nmm_kmap_local_depth(), 0);

	CHECK_EQ(child_touch(__va(page_to_phys(p))), SIGSEGV);
	__free_pages(p, 1);
	__free_page(q);
	nmm_shutdown();
	return test_done();
}
