/* vmalloc_hugetlb_backed: with node memory on hugetlb (2 MiB pages, mappable only whole), vmalloc
 * still maps 4 KiB pages (from the node's vmalloc pool) that alias the linear map; vmalloc_huge
 * of 6 MiB + 1 page maps 2 MiB hugetlb pages (4 of them: the size is rounded up), each a whole
 * order-9 block (vmalloc_to_page consecutive inside each 2 MiB), aliasing the linear map too;
 * a small vmalloc_huge falls back to 4 KiB pages. Everything comes back after vfree + purge. */
#include "vmt.h"
#include "highmem/hugepool_grow.h"

int main(void)
{
	hp_need(128);
	vmt_boot("mem=256M hugepages=on");
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	if (ni.backing != NMM_BACKING_HUGETLB)
		SKIP("node 0 did not get hugetlb backing: %s", ni.backing_why);
	unsigned long start = vmt_free_pages();

	size_t size = 3 * MiB + 3 * PAGE_SIZE;
	char *v = vmalloc(size);
	REQUIRE(v);
	vmt_fill(v, size, 21);
	for (size_t i = 0; i < size / PAGE_SIZE; i++) {
		struct page *pg = vmalloc_to_page(v + i * PAGE_SIZE);
		REQUIRE(pg && page_to_nid(pg) == 0);
		CHECK(memcmp(page_address(pg), v + i * PAGE_SIZE, PAGE_SIZE) == 0);
	}

	size_t hsize = 6 * MiB + PAGE_SIZE;
	char *h = vmalloc_huge(hsize, GFP_KERNEL);
	REQUIRE(h);
	CHECK_EQ((uintptr_t)h & (2 * MiB - 1), 0);
	for (size_t i = 0; i < 8 * MiB / PAGE_SIZE; i++) {
		struct page *pg = vmalloc_to_page(h + i * PAGE_SIZE);
		REQUIRE(pg);
		if (i % 512)
			CHECK(pg == vmalloc_to_page(h + (i - 1) * PAGE_SIZE) + 1);
		else
			CHECK_EQ(page_to_pfn(pg) % 512, 0);
	}
	vmt_fill(h, 8 * MiB, 22);
	struct page *mid = vmalloc_to_page(h + 5 * MiB);
	CHECK(memcmp(page_address(mid), h + 5 * MiB, PAGE_SIZE) == 0);
	char *sh = vmalloc_huge(64 * 1024, GFP_KERNEL);
	REQUIRE(sh);
	sh[0] = 1;

	vfree(sh);
	vfree(h);
	vfree(v);
	CHECK_EQ(vmt_free_pages(), start);
	nmm_shutdown();
	return test_done();
}
