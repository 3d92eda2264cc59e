/* tests/catalogue/catalogue_cases.c - one misuse per sub-case, for README.md's "Bad input
 * catalogue": `catalogue_cases <case>` boots numamm, commits the misuse once, and checks what the
 * caller got and that numamm keeps working afterwards (exit 0 pass, 1 fail). What numamm printed
 * on stderr is checked by catalogue_readme, against the message the README's row promises — so
 * the table cannot drift from the library. `catalogue_cases --list` names every case.
 *
 * Cases marked "not detected" prove the silence: the misuse goes through and nothing is printed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/dmapool.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/highmem.h>
#include <numamm/linux/io.h>
#include <numamm/linux/ioport.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "io/io.h"
#include "test.h"

#define BOOT "mem=64M hugepages=off "

static void boot(const char *extra)
{
	char line[256];
	snprintf(line, sizeof(line), BOOT "%s", extra);
	int e = nmm_boot(line);
	if (e && strstr(nmm_boot_strerror(), "not built"))
		SKIP("%s: %s", line, nmm_boot_strerror());
	REQUIRE(e == 0);
}

/* After a misuse the allocator must still hand out distinct, writable objects. */
static void slab_still_works(struct kmem_cache *s)
{
	void *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(p[i]);
		memset(p[i], i, kmem_cache_size(s));
		for (int k = 0; k < i; k++)
			CHECK(p[k] != p[i]);
	}
	for (int i = 0; i < 64; i++)
		kmem_cache_free(s, p[i]);
}

static void pages_still_work(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	REQUIRE(p);
	memset(page_address(p), 1, 2 * PAGE_SIZE);
	__free_pages(p, 1);
}

/* ---- page allocator ---- */

static void pa_double_free(void)
{
	boot("");
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	REQUIRE(p);
	__free_pages(p, 2);
	__free_pages(p, 2);
	pages_still_work();
}

static void pa_wrong_order(void)
{
	boot("");
	struct page *p = alloc_pages(GFP_KERNEL, 3);
	REQUIRE(p);
	__free_pages(p, 1);
	pages_still_work();
}

static void pa_reserved_page(void)
{
	boot("");
	__free_pages(pfn_to_page(0), 0);
	CHECK(PageReserved(pfn_to_page(0)));
	pages_still_work();
}

static void pa_order_above_max(void)
{
	boot("");
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	REQUIRE(p);
	__free_pages(p, MAX_ORDER + 1);
	__free_pages(p, 0);
	pages_still_work();
}

static void pa_free_pages_not_linear(void)
{
	static char not_ours[2 * 4096];
	boot("");
	free_pages((unsigned long)not_ours, 0);
	pages_still_work();
}

static void pa_put_page_zero(void)
{
	boot("");
	struct page *p = alloc_page(GFP_KERNEL);
	REQUIRE(p);
	put_page(p);
	put_page(p);
	pages_still_work();
}

static void pa_order_too_big(void)
{
	boot("");
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER + 1) == NULL);
	pages_still_work();
}

/* ---- slab, always on ---- */

static void slab_foreign_pointer(void)
{
	static long not_ours[16];
	boot("");
	kfree(not_ours);
	CHECK(not_ours[0] == 0);
	void *p = kmalloc(64, GFP_KERNEL);
	REQUIRE(p);
	kfree(p);
}

static void slab_wrong_cache(void)
{
	boot("slab_nomerge");
	struct kmem_cache *a = kmem_cache_create("cat-a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("cat-b", 64, 0, 0, NULL);
	REQUIRE(a && b);
	void *o = kmem_cache_alloc(a, GFP_KERNEL);
	REQUIRE(o);
	kmem_cache_free(b, o);
	slab_still_works(b);
	kmem_cache_free(a, o);               /* the right cache takes it */
	slab_still_works(a);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

static void slab_inner_pointer(void)
{
	boot("");
	char *p = kmalloc(64, GFP_KERNEL);
	REQUIRE(p);
	kfree(p + 8);
	kfree(p);
}

/* Freed twice in a row: the object heads its freelist (SLUB's check). */
static void slub_double_free_head(void)
{
	boot("slab=slub slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-dfree", 64, 0, 0, NULL);
	REQUIRE(s);
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	void *x = kmem_cache_alloc(s, GFP_KERNEL), *y = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(x != y);
	kmem_cache_free(s, x);
	kmem_cache_free(s, y);
	slab_still_works(s);
	kmem_cache_destroy(s);
}

/* NOT DETECTED: another free came between the two frees, so the object is not the freelist
 * head; SLUB (and so the drop-in malloc, whose small sizes are kmalloc caches) takes it twice
 * and hands it out twice. The cache is corrupt after this: the case ends without freeing. */
static void slub_double_free_not_head(void)
{
	boot("slab=slub slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-dfree2", 64, 0, 0, NULL);
	REQUIRE(s);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a && b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);
	void *got[3];
	int twice = 0;
	for (int i = 0; i < 3; i++)
		got[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 3; i++)
		twice += got[i] == a;
	CHECK_EQ(twice, 2);                  /* the silent corruption this row documents */
	_exit(test_done());
}

/* SLAB (classic) without debug flags: is a double free caught? */
static void slabc_double_free(void)
{
	boot("slab=slab slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-slabc", 64, 0, 0, NULL);
	REQUIRE(s);
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	void *x = kmem_cache_alloc(s, GFP_KERNEL), *y = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(x == a && y == a);             /* handed out twice: not detected */
	_exit(test_done());
}

static void slob_double_free(void)
{
	boot("slab=slob slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-slob", 64, 0, 0, NULL);
	REQUIRE(s);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *keep = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a && keep);                  /* keep holds the page: it stays a slab page */
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	kmem_cache_free(s, keep);
	slab_still_works(s);
	kmem_cache_destroy(s);
}

/* NOT DETECTED: without red zones a write past the object lands in its neighbour silently. */
static void slab_overflow_no_debug(void)
{
	boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-ovf", 64, 0, 0, NULL);
	REQUIRE(s);
	char *p[8];
	for (int i = 0; i < 8; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(p[i]);
		memset(p[i], 0, 64);
	}
	char *lo = NULL, *hi = NULL;
	for (int i = 0; i < 8 && !lo; i++)
		for (int k = 0; k < 8; k++)
			if (p[k] == p[i] + kmem_cache_size(s)) {
				lo = p[i];
				hi = p[k];
				break;
			}
	if (!lo)
		SKIP("no two adjacent objects among 8");
	lo[kmem_cache_size(s)] = 0x77;       /* one byte past lo */
	CHECK(hi[0] == 0x77);
	for (int i = 0; i < 8; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

/* NOT DETECTED: without poison a write into a freed object is not noticed (the last byte: the
 * free pointer is elsewhere, so the allocator itself is not broken by it). ASan builds poison
 * free objects (lib/slab/slab_asan.h) and would stop the write; the catalogue is about what
 * numamm itself detects, so the misuse is not instrumented. */
__attribute__((no_sanitize_address)) static void slab_use_after_free_no_debug(void)
{
	boot("slab=slub slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-uaf", 64, 0, 0, NULL);
	REQUIRE(s);
	unsigned char *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	kmem_cache_free(s, a);
	a[63] = 0x99;
	unsigned char *b = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(b == a && b[63] == 0x99);
	kmem_cache_free(s, b);
	kmem_cache_shrink(s);
	kmem_cache_destroy(s);
}

static void slab_destroy_live(void)
{
	boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("cat-live", 64, 0, 0, NULL);
	REQUIRE(s);
	void *o = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(o);
	kmem_cache_destroy(s);
	memset(o, 1, 64);                    /* the cache was kept: the object is still good */
}

static void slab_create_bad_args(void)
{
	boot("");
	CHECK(kmem_cache_create("cat-bad", 64, 3, 0, NULL) == NULL);
	CHECK(kmem_cache_create("cat-bad0", 0, 0, 0, NULL) == NULL);
	struct kmem_cache *s = kmem_cache_create("cat-good", 64, 0, 0, NULL);
	CHECK(s != NULL);
	kmem_cache_destroy(s);
}

static void kmalloc_too_big(void)
{
	boot("");
	CHECK(kmalloc((size_t)KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == NULL);
	void *p = kmalloc(64, GFP_KERNEL);
	CHECK(p != NULL);
	kfree(p);
}

/* ---- slab, debug (slub_debug= or per-cache flags) ---- */

static struct kmem_cache *debug_cache(const char *name, slab_flags_t flags)
{
	boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create(name, 64, 0, flags, NULL);
	REQUIRE(s);
	return s;
}

static void debug_double_free(void)
{
	struct kmem_cache *s = debug_cache("cat-ddf", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a && b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);               /* not the head: debug still sees it */
	slab_still_works(s);
}

static void debug_left_redzone(void)
{
	struct kmem_cache *s = debug_cache("cat-lrz", SLAB_RED_ZONE);
	char *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	a[-1] = 0x11;
	kmem_cache_free(s, a);
	slab_still_works(s);
}

static void debug_right_redzone(void)
{
	struct kmem_cache *s = debug_cache("cat-rrz", SLAB_RED_ZONE);
	char *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	a[64] = 0x22;
	kmem_cache_free(s, a);
	slab_still_works(s);
}

static void debug_use_after_free(void)
{
	struct kmem_cache *s = debug_cache("cat-poison", SLAB_POISON | SLAB_RED_ZONE);
	char *a = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(a);
	kmem_cache_free(s, a);
	a[5] = 0x01;
	kmem_cache_shrink(s);                /* empties the quarantine: the check runs */
	slab_still_works(s);
}

static void debug_destroy_live_sites(void)
{
	struct kmem_cache *s = debug_cache("cat-livesite", SLAB_STORE_USER);
	void *o = kmem_cache_alloc(s, GFP_KERNEL);
	REQUIRE(o);
	kmem_cache_destroy(s);
	memset(o, 1, 64);
}

static void debug_slub_debug_option_kmalloc(void)
{
	boot("slub_debug=Z,kmalloc-64");
	char *a = kmalloc(64, GFP_KERNEL);
	REQUIRE(a);
	volatile size_t end = 64;            /* past the object: the compiler must not see it */
	a[end] = 0x22;
	kfree(a);
	a = kmalloc(64, GFP_KERNEL);
	CHECK(a != NULL);
	kfree(a);
}

/* ---- boot line and environment ---- */

static void boot_expect_einval(const char *line)
{
	CHECK_EQ(nmm_boot(line), -EINVAL);
	boot("");                            /* nothing was left half-booted */
}

static void boot_unknown_token(void) { boot_expect_einval("mem=64M frobnicate=1"); }
static void boot_bad_size(void) { boot_expect_einval("mem=12Q"); }
static void boot_bad_slub_debug(void) { boot_expect_einval(BOOT "slub_debug=Q"); }

static void boot_twice(void)
{
	boot("");
	CHECK_EQ(nmm_boot(BOOT), -EBUSY);
	pages_still_work();
}

static void env_bad_numamm_stats(void)
{
	setenv("NUMAMM_STATS", "sometimes", 1);
	boot("");
	pages_still_work();
}

static void env_bad_last_pkmap(void)
{
	setenv("NUMAMM_LAST_PKMAP", "0", 1);
	boot("highmem=16M backing=shmem");
	struct page *p = alloc_page(GFP_HIGHUSER);
	REQUIRE(p);
	CHECK(kmap(p) != NULL);
	CHECK_EQ(nmm_pkmap_slots(), LAST_PKMAP);
	kunmap(p);
	__free_page(p);
}

/* ---- highmem ---- */

static struct page *highpage(void)
{
	boot("highmem=16M backing=shmem");
	struct page *p = alloc_page(GFP_HIGHUSER);
	REQUIRE(p && PageHighMem(p));
	return p;
}

static void hm_kunmap_unmapped(void)
{
	struct page *p = highpage();
	kunmap(p);
	char *v = kmap(p);
	REQUIRE(v);
	v[0] = 1;
	kunmap(p);
	__free_page(p);
}

static void hm_kunmap_local_unmapped(void)
{
	struct page *p = highpage();
	char *v = kmap_local_page(p);
	REQUIRE(v);
	kunmap_local(v);
	kunmap_local(v);
	__free_page(p);
}

static void hm_kunmap_local_out_of_order(void)
{
	struct page *p = highpage(), *q = alloc_page(GFP_HIGHUSER);
	REQUIRE(q);
	char *a = kmap_local_page(p), *b = kmap_local_page(q);
	REQUIRE(a && b);
	kunmap_local(a);                     /* b is the last mapped */
	kunmap_local(b);
	__free_page(p);
	__free_page(q);
}

static void hm_range_past_page(void)
{
	struct page *p = highpage();
	char buf[64] = { 0 };
	memcpy_to_page(p, PAGE_SIZE - 8, buf, 64);
	memcpy_to_page(p, 0, buf, 64);
	__free_page(p);
}

/* ---- vmalloc ---- */

static void vm_vfree_bad_address(void)
{
	int local = 0;
	boot("");
	vfree(&local);
	char *v = vmalloc(PAGE_SIZE);
	REQUIRE(v);
	vfree(v);
}

static void vm_vfree_inside_area(void)
{
	boot("");
	char *v = vmalloc(4 * PAGE_SIZE);
	REQUIRE(v);
	vfree(v + PAGE_SIZE);
	v[3 * PAGE_SIZE] = 1;                /* untouched: still mapped */
	vfree(v);
}

static void vm_vfree_twice(void)
{
	boot("");
	char *v = vmalloc(PAGE_SIZE);
	REQUIRE(v);
	vfree(v);
	vfree(v);
}

static void vm_vmalloc_zero(void)
{
	boot("");
	CHECK(vmalloc(0) == NULL);
}

static void vm_vunmap_vmalloc_area(void)
{
	boot("");
	char *v = vmalloc(PAGE_SIZE);
	REQUIRE(v);
	vunmap(v);
	vfree(v);
}

static void vm_remap_not_usermap(void)
{
	boot("");
	char *v = vmalloc(PAGE_SIZE);
	REQUIRE(v);
	struct vm_area_struct vma = { 0 };
	CHECK_EQ(remap_vmalloc_range(&vma, v, 0), -EINVAL);
	vfree(v);
}

/* NOT DETECTED: vfree is lazy, so the area stays mapped until the purge and a write after
 * vfree goes through silently (its pages are not reused before the purge unmaps them). */
static void vm_use_after_vfree(void)
{
	boot("");
	volatile char *v = vmalloc(PAGE_SIZE);
	REQUIRE(v);
	vfree((void *)v);
	v[0] = 1;
	CHECK(v[0] == 1);
}

/* ---- mempool ---- */

static void mp_bad_min_nr(void)
{
	boot("");
	CHECK(mempool_create_kmalloc_pool(-1, 64) == NULL);
	mempool_t *p = mempool_create_kmalloc_pool(2, 64);
	REQUIRE(p);
	CHECK_EQ(mempool_resize(p, 0), -EINVAL);
	mempool_destroy(p);
}

/* ---- io (the RAM stand-in device: everything above the VFIO backend) ---- */

static struct pci_dev *ramdev(void)
{
	static const u64 start[1] = { 0xfe000000 }, size[1] = { 1 << 20 };
	boot("");
	struct pci_dev *pdev = nmm_io_ramdev_open("0000:00:07.0", 0x1234, 0x11e8, start, size, 1);
	REQUIRE(pdev);
	return pdev;
}

static void io_pci_open_bad_id(void)
{
	boot("");
	CHECK(nmm_pci_open("not-a-device") == NULL);
	CHECK_EQ(errno, EINVAL);
}

static void io_ioremap_outside_bar(void)
{
	struct pci_dev *pdev = ramdev();
	CHECK(ioremap(0x1000, 16) == NULL);
	void __iomem *a = ioremap(0xfe000000, 4096);
	CHECK(a != NULL);
	iounmap(a);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_iounmap_twice(void)
{
	struct pci_dev *pdev = ramdev();
	void __iomem *a = ioremap(0xfe000000, 4096);
	REQUIRE(a);
	iounmap(a);
	iounmap(a);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_close_busy(void)
{
	struct pci_dev *pdev = ramdev();
	void __iomem *a = ioremap(0xfe000000, 4096);
	REQUIRE(a);
	CHECK_EQ(nmm_pci_close(pdev), -EBUSY);
	iounmap(a);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_region_conflict(void)
{
	struct pci_dev *pdev = ramdev();
	CHECK(request_mem_region(0xfe000000, 0x1000, "first") != NULL);
	CHECK(request_mem_region(0xfe000800, 0x1000, "second") == NULL);
	release_mem_region(0xfe000000, 0x1000);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_release_nonexistent(void)
{
	struct pci_dev *pdev = ramdev();
	release_mem_region(0xfe002000, 0x1000);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_dma_pool_double_free(void)
{
	struct pci_dev *pdev = ramdev();
	struct dma_pool *pool = dma_pool_create("cat-pool", &pdev->dev, 64, 64, 0);
	REQUIRE(pool);
	dma_addr_t h;
	void *b = dma_pool_alloc(pool, GFP_KERNEL, &h);
	REQUIRE(b);
	dma_pool_free(pool, b, h);
	dma_pool_free(pool, b, h);
	dma_pool_destroy(pool);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_dma_free_coherent_bad(void)
{
	struct pci_dev *pdev = ramdev();
	dma_addr_t h;
	void *b = dma_alloc_coherent(&pdev->dev, 4096, &h, GFP_KERNEL);
	REQUIRE(b);
	dma_free_coherent(&pdev->dev, 4096, (char *)b + 64, h + 64);
	dma_free_coherent(&pdev->dev, 4096, b, h);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static void io_dma_map_above_mask(void)
{
	struct pci_dev *pdev = ramdev();
	CHECK_EQ(dma_set_mask(&pdev->dev, DMA_BIT_MASK(24)), 0);
	struct page *p = alloc_page(GFP_DMA32);         /* ZONE_DMA32: above 16 MiB */
	REQUIRE(p && page_to_pfn(p) >= (1UL << (24 - PAGE_SHIFT)));
	CHECK(dma_map_single(&pdev->dev, page_address(p), 64, DMA_TO_DEVICE) == DMA_MAPPING_ERROR);
	__free_page(p);
	CHECK_EQ(nmm_pci_close(pdev), 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
#define C(n) { #n, n }
	C(pa_double_free), C(pa_wrong_order), C(pa_reserved_page), C(pa_order_above_max),
	C(pa_free_pages_not_linear), C(pa_put_page_zero), C(pa_order_too_big),
	C(slab_foreign_pointer), C(slab_wrong_cache), C(slab_inner_pointer),
	C(slub_double_free_head), C(slub_double_free_not_head), C(slabc_double_free),
	C(slob_double_free), C(slab_overflow_no_debug), C(slab_use_after_free_no_debug),
	C(slab_destroy_live), C(slab_create_bad_args), C(kmalloc_too_big),
	C(debug_double_free), C(debug_left_redzone), C(debug_right_redzone), C(debug_use_after_free),
	C(debug_destroy_live_sites), C(debug_slub_debug_option_kmalloc),
	C(boot_unknown_token), C(boot_bad_size), C(boot_bad_slub_debug), C(boot_twice),
	C(env_bad_numamm_stats), C(env_bad_last_pkmap),
	C(hm_kunmap_unmapped), C(hm_kunmap_local_unmapped), C(hm_kunmap_local_out_of_order),
	C(hm_range_past_page),
	C(vm_vfree_bad_address), C(vm_vfree_inside_area), C(vm_vfree_twice), C(vm_vmalloc_zero),
	C(vm_vunmap_vmalloc_area), C(vm_remap_not_usermap), C(vm_use_after_vfree),
	C(mp_bad_min_nr),
	C(io_pci_open_bad_id), C(io_ioremap_outside_bar), C(io_iounmap_twice), C(io_close_busy),
	C(io_region_conflict), C(io_release_nonexistent), C(io_dma_pool_double_free),
	C(io_dma_free_coherent_bad), C(io_dma_map_above_mask),
#undef C
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CASE | --list\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!strcmp(argv[1], "--list")) {
			printf("%s\n", cases[i].name);
			continue;
		}
		if (strcmp(argv[1], cases[i].name))
			continue;
		/* the reports go to stderr; stdout marks where the misuse's output ends */
		setvbuf(stderr, NULL, _IONBF, 0);
		cases[i].fn();
		nmm_shutdown();
		return test_done();
	}
	if (!strcmp(argv[1], "--list"))
		return 0;
	fprintf(stderr, "%s: no case '%s'\n", argv[0], argv[1]);
	return 2;
}
