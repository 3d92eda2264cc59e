/* vmalloc_node_places_pages: with numa=fake=2, vmalloc_node(size, n) and vzalloc_node take
 * every page from node n (page_to_nid of vmalloc_to_page), for n = 0 and 1, under THP backing
 * (node pools) and shmem backing (page allocator); __vmalloc_node with __GFP_THISNODE too; and
 * vmallocinfo counts the pages as N<n>=<count>. */
#include "vmt.h"

#define PAGES 700

static int pages_on(const char *v, size_t n, int nid)
{
	int on = 0;
	for (size_t i = 0; i < n; i++)
		on += page_to_nid(vmalloc_to_page(v + i * PAGE_SIZE)) == nid;
	return on;
}

int main(void)
{
	const char *boots[] = { "mem=512M numa=fake=2 backing=thp", "mem=512M numa=fake=2 backing=shmem" };
	for (int b = 0; b < 2; b++) {
		vmt_boot(boots[b]);
		for (int nid = 0; nid < 2; nid++) {
			char *v = vmalloc_node(PAGES * PAGE_SIZE, nid);
			char *z = vzalloc_node(PAGES * PAGE_SIZE, nid);
			char *t = __vmalloc_node(PAGES * PAGE_SIZE, 1, GFP_KERNEL | __GFP_THISNODE, nid,
						 __builtin_return_address(0));
			REQUIRE(v && z && t);
			CHECK_EQ(pages_on(v, PAGES, nid), PAGES);
			CHECK_EQ(pages_on(z, PAGES, nid), PAGES);
			CHECK_EQ(pages_on(t, PAGES, nid), PAGES);
			memset(v, 1, PAGES * PAGE_SIZE);

			char *buf;
			size_t len;
			FILE *f = open_memstream(&buf, &len);
			REQUIRE(f);
			REQUIRE(nmm_report("vmallocinfo", f) == 0);
			fclose(f);
			char want[96];
			snprintf(want, sizeof(want), "pages=%d vmalloc N%d=%d\n", PAGES, nid, PAGES);
			CHECK(strstr(buf, want) != NULL);
			if (!strstr(buf, want))
				fprintf(stderr, "no '%s' in:\n%s", want, buf);
			free(buf);
			vfree(v);
			vfree(z);
			vfree(t);
		}
	}
	nmm_shutdown();
	return test_done();
}
