/* fuzz_vmalloc_ops: the input is a program of vmalloc/vmap operations, run against a model.
 *
 * numamm boots once ($NMM_FUZZ_BOOT, default "mem=64M numa=fake=2 backing=shmem": vmap needs
 * pages that can be mapped twice, and shmem-backed vmalloc keeps no pool pages, so the free
 * page counts compare exactly). Each input is read as operations, an opcode byte and its argument bytes (zeros once the input runs out):
 *   vmalloc / vzalloc / vmalloc_node / vzalloc_node / __vmalloc (gfp with or without __GFP_ZERO)
 *   of 1 byte .. 4 MiB (mostly small, sometimes a page edge), vfree of a held area,
 *   vmap of 1..64 pages from alloc_pages (order-0 pages or the pages of one higher-order block)
 *   and vunmap (then the pages go back with __free_pages), vmalloc_to_page / vmalloc_to_pfn of
 *   any byte of a held area, a read-write-read access through both the vmalloc address and the
 *   linear-map address of the page vmalloc_to_page() names, and nmm_vmap_area_is_valid().
 * The model holds every area: address, size, a tag written at its start and its end (and in
 * the first word of each of its pages) and its pages (a bitmap of owned pfns). A new area must be
 * page aligned, inside the vmalloc range, overlap no held area (guard page included), have a page
 * mapped behind every page (vmalloc_to_page), none of them a page another held area or vmap owns,
 * be zero with vzalloc/__GFP_ZERO; a vmap area's pages must be the pages given, in order, and show
 * what was written through the linear map. Tags are checked at every free. Every K operations the
 * vmap areas pass nmm_vmap_area_is_valid(); at the end everything is freed, the lazy areas purged
 * and, with the pcp lists drained, the free page count is back where it started.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <numamm/numamm.h>

#include "page_alloc/internal.h"
#include "vmalloc/internal.h"
#include "fuzz_common.h"

#define MAX_HELD 64
#define MAX_VMAP_PAGES 64
#define MAX_HELD_BYTES (24UL << 20)
#define K 16
#define MAX_OPS 600

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_vmalloc_ops: " __VA_ARGS__);                  \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

struct area {
	unsigned char *p;
	size_t size;                      /* asked */
	bool vmap;                        /* vmap(): pages[] are ours, given back after vunmap */
	unsigned int order;               /* vmap of one block: its order, pages[0] its head */
	unsigned int nr;                  /* vmap: pages */
	struct page **pages;              /* vmap */
	uint64_t tag;
};

static struct area held[MAX_HELD];
static int nheld;
static size_t held_bytes;
static unsigned char *owned;
static uint64_t tagseq = 0x9e3779b97f4a7c15ULL;

static size_t npages(size_t size)
{
	return (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* Failures are allowed only when memory runs short (lazy areas keep pages until a purge). */
static bool low_memory(size_t size)
{
	return nr_free_pages() < npages(size) + 2048;
}

static bool test_owned(unsigned long pfn)
{
	return owned[pfn / 8] & (1u << (pfn % 8));
}

static void set_owned(unsigned long pfn, bool on)
{
	if (on)
		owned[pfn / 8] |= (unsigned char)(1u << (pfn % 8));
	else
		owned[pfn / 8] &= (unsigned char)~(1u << (pfn % 8));
}

static uint64_t page_tag(const struct area *a, size_t pg)
{
	return a->tag ^ (pg * 0x100000001b3ULL);
}

/* Tags: one word at the start of each page (a word that fits) and the last byte of the area. */
static void write_tags(struct area *a)
{
	for (size_t pg = 0; pg * PAGE_SIZE + 8 <= a->size; pg++)
		memcpy(a->p + pg * PAGE_SIZE, &(uint64_t){ page_tag(a, pg) }, 8);
	a->p[0] = (unsigned char)a->tag;
	a->p[a->size - 1] = (unsigned char)(a->tag >> 8);
}

static void check_tags(const struct area *a, const char *when)
{
	for (size_t pg = 0; pg * PAGE_SIZE + 8 <= a->size; pg++) {
		uint64_t want = page_tag(a, pg);
		for (size_t b = 0; b < 8; b++) {
			size_t i = pg * PAGE_SIZE + b;
			if (i == 0 || i == a->size - 1)
				continue;
			if (a->p[i] != ((unsigned char *)&want)[b])
				FAIL("%s: area %p (%zu bytes%s) page %zu tag byte %zu is %#x, not %#x",
				     when, a->p, a->size, a->vmap ? ", vmap" : "", pg, b, a->p[i],
				     ((unsigned char *)&want)[b]);
		}
	}
	if (a->p[a->size - 1] != (unsigned char)(a->tag >> 8) ||
	    (a->size > 1 && a->p[0] != (unsigned char)a->tag))
		FAIL("%s: area %p (%zu bytes) start/end tag %#x/%#x, not %#x/%#x", when, a->p, a->size,
		     a->p[0], a->p[a->size - 1], (unsigned char)a->tag, (unsigned char)(a->tag >> 8));
}

/* A new area: check it against the model and take its pages (vmap: they are ours already). */
static void check_new(struct area *a, bool zero)
{
	uintptr_t s = (uintptr_t)a->p, e = s + npages(a->size) * PAGE_SIZE;
	if (s & (PAGE_SIZE - 1))
		FAIL("area %p (%zu bytes) not page aligned", a->p, a->size);
	if (!is_vmalloc_addr(a->p) || !is_vmalloc_addr((void *)(e - 1)))
		FAIL("area %p+%zu outside the vmalloc range %#lx-%#lx", a->p, a->size,
		     (unsigned long)VMALLOC_START, (unsigned long)VMALLOC_END);
	for (int i = 0; i < nheld; i++) {
		uintptr_t b = (uintptr_t)held[i].p, f = b + (npages(held[i].size) + 1) * PAGE_SIZE;
		if (s < f && b < e + PAGE_SIZE)
			FAIL("new area %p+%zu overlaps held %p+%zu (guard pages included)", a->p,
			     a->size, held[i].p, held[i].size);
	}
	for (size_t pg = 0; pg < npages(a->size); pg++) {
		struct page *page = vmalloc_to_page(a->p + pg * PAGE_SIZE);
		if (!page)
			FAIL("area %p (%zu bytes): no page behind page %zu", a->p, a->size, pg);
		if (vmalloc_to_page(a->p + pg * PAGE_SIZE + PAGE_SIZE - 1) != page)
			FAIL("area %p page %zu: vmalloc_to_page differs inside the page", a->p, pg);
		unsigned long pfn = page_to_pfn(page);
		if (vmalloc_to_pfn(a->p + pg * PAGE_SIZE) != pfn)
			FAIL("area %p page %zu: vmalloc_to_pfn %#lx, page's pfn %#lx", a->p, pg,
			     vmalloc_to_pfn(a->p + pg * PAGE_SIZE), pfn);
		if (pfn >= max_pfn)
			FAIL("area %p page %zu: pfn %#lx beyond max_pfn", a->p, pg, pfn);
		if (a->vmap) {
			if (page != a->pages[pg])
				FAIL("vmap area %p page %zu is pfn %#lx, not the page given (pfn %#lx)",
				     a->p, pg, pfn, page_to_pfn(a->pages[pg]));
			uint64_t v, w;
			memcpy(&v, a->p + pg * PAGE_SIZE, 8);
			memcpy(&w, page_address(page), 8);
			if (v != w || v != page_tag(a, pg))
				FAIL("vmap area %p page %zu reads %#llx, linear map %#llx, written %#llx",
				     a->p, pg, (unsigned long long)v, (unsigned long long)w,
				     (unsigned long long)page_tag(a, pg));
			continue;
		}
		if (test_owned(pfn))
			FAIL("area %p page %zu: pfn %#lx is already held", a->p, pg, pfn);
		if (PageBuddy(page))
			FAIL("area %p page %zu: pfn %#lx is a free buddy page", a->p, pg, pfn);
		set_owned(pfn, true);
	}
	if (zero)
		for (size_t i = 0; i < a->size; i++)
			if (a->p[i])
				FAIL("zeroed area %p (%zu bytes): byte %zu is %#x", a->p, a->size, i, a->p[i]);
	a->tag = tagseq += 0x9e3779b97f4a7c15ULL;
	write_tags(a);
	check_tags(a, "new");
	held_bytes += npages(a->size) * PAGE_SIZE;
	held[nheld++] = *a;
}

static size_t pick_size(struct cursor *c)
{
	unsigned sel = next8(c), v = next16(c);
	switch (sel % 8) {
	case 0: return v % 64 + 1;
	case 1: case 2: return v % 16384 + 1;
	case 3: return (size_t)(v % 64 + 1) * PAGE_SIZE + (size_t)(int)(sel >> 4) % 3 - 1;  /* page edges */
	case 4: return (size_t)v * 64 % (4UL << 20) + 1;                                 /* up to 4 MiB */
	default: return v % 65536 + 1;
	}
}

static void op_vmalloc(struct cursor *c)
{
	size_t size = pick_size(c);
	unsigned kind = next8(c), nsel = next8(c);
	if (nheld == MAX_HELD || held_bytes + size > MAX_HELD_BYTES)
		return;
	int node = (int)(nsel % (unsigned)(nr_node_ids + 1)) - 1;
	void *p;
	bool zero = false;
	switch (kind % 6) {
	case 0: p = vmalloc(size); break;
	case 1: p = vzalloc(size); zero = true; break;
	case 2: p = vmalloc_node(size, node); break;
	case 3: p = vzalloc_node(size, node); zero = true; break;
	case 4: p = __vmalloc(size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN); zero = true; break;
	default: p = __vmalloc(size, GFP_KERNEL | __GFP_NOWARN); break;
	}
	if (!p) {
		if (!low_memory(size))
			FAIL("vmalloc kind %u of %zu bytes (node %d) failed", kind % 6, size, node);
		return;
	}
	struct area a = { .p = p, .size = size };
	check_new(&a, zero);
}

static void give_back_pages(struct area *a)
{
	if (a->order) {
		__free_pages(a->pages[0], a->order);
	} else {
		for (unsigned i = 0; i < a->nr; i++)
			__free_pages(a->pages[i], 0);
	}
	free(a->pages);
	a->pages = NULL;
}

static void op_vmap(struct cursor *c)
{
	unsigned sel = next8(c), n = next8(c) % MAX_VMAP_PAGES + 1, ro = next8(c);
	if (nheld == MAX_HELD || held_bytes + (size_t)n * PAGE_SIZE > MAX_HELD_BYTES)
		return;
	struct area a = { .vmap = true, .pages = calloc(MAX_VMAP_PAGES, sizeof(struct page *)) };
	if (sel & 1) {           /* one block of 2^order pages */
		a.order = sel / 2 % 7;
		n = 1u << a.order;
		struct page *head = alloc_pages(GFP_KERNEL | __GFP_NOWARN, a.order);
		if (!head) {
			free(a.pages);
			if (!low_memory(n * PAGE_SIZE))
				FAIL("alloc_pages order %u failed", a.order);
			return;
		}
		for (unsigned i = 0; i < n; i++)
			a.pages[i] = head + i;
	} else {
		for (unsigned i = 0; i < n; i++) {
			a.pages[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
			if (!a.pages[i]) {
				a.nr = i;
				give_back_pages(&a);
				if (!low_memory(PAGE_SIZE))
					FAIL("alloc_pages order 0 failed");
				return;
			}
		}
	}
	a.nr = n;
	a.size = (size_t)n * PAGE_SIZE;
	a.tag = tagseq += 0x9e3779b97f4a7c15ULL;
	for (unsigned i = 0; i < n; i++) {
		unsigned long pfn = page_to_pfn(a.pages[i]);
		if (test_owned(pfn))
			FAIL("alloc_pages gave pfn %#lx, held by a vmalloc area", pfn);
		set_owned(pfn, true);
		memcpy(page_address(a.pages[i]), &(uint64_t){ page_tag(&a, i) }, 8);
	}
	a.p = vmap(a.pages, n, 0, ro % 4 == 0 ? PAGE_KERNEL_RO : PAGE_KERNEL);
	if (!a.p)
		FAIL("vmap of %u pages failed", n);
	if (ro % 4 == 0) {
		/* Read-only: only what the linear map wrote can be checked; unmap it again. */
		struct area r = a;
		for (unsigned i = 0; i < n; i++) {
			uint64_t v;
			memcpy(&v, a.p + (size_t)i * PAGE_SIZE, 8);
			if (vmalloc_to_page(a.p + (size_t)i * PAGE_SIZE) != a.pages[i] || v != page_tag(&a, i))
				FAIL("read-only vmap %p page %u: wrong page or contents", a.p, i);
		}
		vunmap(a.p);
		for (unsigned i = 0; i < n; i++)
			set_owned(page_to_pfn(r.pages[i]), false);
		give_back_pages(&r);
		return;
	}
	/* check_new() checks the pages against what was written, then writes its own tags. */
	check_new(&a, false);
}

static void release(int i)
{
	struct area *a = &held[i];
	check_tags(a, "free");
	if (a->vmap) {
		vunmap(a->p);
		for (unsigned k = 0; k < a->nr; k++)
			set_owned(page_to_pfn(a->pages[k]), false);
		give_back_pages(a);
	} else {
		for (size_t pg = 0; pg < npages(a->size); pg++)
			set_owned(vmalloc_to_pfn(a->p + pg * PAGE_SIZE), false);
		vfree(a->p);
	}
	held_bytes -= npages(a->size) * PAGE_SIZE;
	held[i] = held[--nheld];
}

static void op_free(struct cursor *c)
{
	unsigned sel = next8(c);
	if (nheld)
		release((int)(sel % (unsigned)nheld));
}

/* vmalloc_to_page of any byte, and a write through the area seen through the linear map. */
static void op_access(struct cursor *c)
{
	unsigned sel = next8(c), off16 = next16(c), off8 = next8(c);
	if (!nheld)
		return;
	struct area *a = &held[sel % (unsigned)nheld];
	size_t off = ((size_t)off16 << 8 | off8) % a->size;
	struct page *page = vmalloc_to_page(a->p + off);
	if (!page || !test_owned(page_to_pfn(page)))
		FAIL("vmalloc_to_page(%p + %zu) = %p: not a page of the area", a->p, off, (void *)page);
	if (a->vmap && page != a->pages[off >> PAGE_SHIFT])
		FAIL("vmap %p + %zu: vmalloc_to_page is not the page given", a->p, off);
	unsigned char *lin = (unsigned char *)page_address(page) + (off & (PAGE_SIZE - 1));
	unsigned char old = a->p[off];
	if (*lin != old)
		FAIL("area %p + %zu reads %#x, its page's linear map %#x", a->p, off, old, *lin);
	a->p[off] = (unsigned char)~old;
	if (*lin != (unsigned char)~old)
		FAIL("area %p + %zu: a write is not seen through the linear map", a->p, off);
	*lin = old;
	if (a->p[off] != old)
		FAIL("area %p + %zu: a write through the linear map is not seen", a->p, off);
}

static void check_areas(const char *when, int step)
{
	if (!nmm_vmap_area_is_valid(stderr))
		FAIL("vmap areas invalid %s %d", when, step);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_boot("fuzz_vmalloc_ops", "mem=64M numa=fake=2 backing=shmem");
	owned = calloc(max_pfn / 8 + 1, 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!owned)
		LLVMFuzzerInitialize(NULL, NULL);
	purge_vmap_area_lazy(true);
	drain_all_pages(NULL);
	unsigned long start = nr_free_pages();
	struct cursor c = { data, data + size };
	for (int step = 0; c.p < c.end && step < MAX_OPS; step++) {
		switch (next8(&c) % 10) {
		case 0: case 1: case 2: op_vmalloc(&c); break;
		case 3: op_vmap(&c); break;
		case 4: case 5: case 6: op_free(&c); break;
		case 7: case 8: op_access(&c); break;
		case 9: check_areas("at step", step); break;
		}
		if (step % K == K - 1)
			check_areas("after step", step);
	}
	while (nheld)
		release(nheld - 1);
	check_areas("at the end", -1);
	purge_vmap_area_lazy(true);
	check_areas("after the purge", -1);
	drain_all_pages(NULL);
	unsigned long end = nr_free_pages();
	if (end != start)
		FAIL("%lu free pages at the start, %lu after freeing everything", start, end);
	return 0;
}
