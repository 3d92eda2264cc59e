/* lib/vmalloc/vmalloc.c - the vmalloc family, vmap/vunmap, vfree, vmalloc_to_page and
 * remap_vmalloc_range (mm/vmalloc.c: __vmalloc_node_range, __vmalloc_area_node, vmap, vfree).
 *
 * An allocation: a vmap_area (vmap_area.c) of the size plus a guard page; then pages, node by
 * node from the preferred one in distance order (only that node with __GFP_THISNODE), each run
 * of pages that is contiguous in its memory file mapped with one mmap(MAP_FIXED | MAP_SHARED |
 * MAP_POPULATE) at its place - the kernel's vmap_pages_range, with the page tables filled
 * eagerly as the kernel does. The kernel allocates vmalloc pages one by one (order 0, in bulk);
 * here a shmem node's pages come as order <= 9 blocks split into order-0 pages, because the
 * cost is the mmap per run, not the page allocator (each page is still freed on its own).
 * vmalloc_huge maps whole 2 MiB hugetlb pages instead (see <linux/vmalloc.h>).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/numa.h>
#include <numamm/topology.h>
#include <numamm/numamm.h>

#include "../boot/boot.h"
#include "../page_alloc/internal.h"
#include "../fault/fault.h"
#include "../trace/vmalloc_events.h"
#include "internal.h"

static unsigned long totalram_pages;

/* Runs of pages contiguous in one file become one mmap. */
struct map_batch {
	uintptr_t addr;
	int fd;
	uint64_t off;
	size_t len;
	int prot;
	int err;
};

static void batch_flush(struct map_batch *mb)
{
	if (!mb->len || mb->err)
		return;
	if (mmap((void *)mb->addr, mb->len, mb->prot, MAP_SHARED | MAP_FIXED | MAP_POPULATE, mb->fd,
		 (off_t)mb->off) == MAP_FAILED)
		mb->err = -errno;
	mb->addr += mb->len;
	mb->len = 0;
}

static void batch_add(struct map_batch *mb, const struct vm_file_ref *r, size_t len)
{
	if (mb->len && (r->fd != mb->fd || r->off != mb->off + mb->len))
		batch_flush(mb);
	if (!mb->len) {
		mb->fd = r->fd;
		mb->off = r->off;
	}
	mb->len += len;
}

/* Nodes to take pages from: @node first, then the others by distance (ties by id). */
static int node_order(int node, gfp_t gfp, int out[NMM_MAX_NODES])
{
	if (node == NUMA_NO_NODE || !node_online(node))
		node = numa_node_id();
	if (!node_online(node))
		node = 0;
	int n = 0;
	out[n++] = node;
	if (gfp & __GFP_THISNODE)
		return n;
	for (int i = 0; i < nr_node_ids; i++) {
		if (i == node)
			continue;
		int j = n;
		while (j > 1 && node_distance(node, out[j - 1]) > node_distance(node, i)) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
		n++;
	}
	return n;
}

/* Drop what a failed setup mapped and allocated: nothing else has seen the area. */
static void area_undo(struct vmap_area *va, uintptr_t mapped_end, bool free_pages)
{
	struct nmm_vm_pte *pte = vm_pte(va->va_start);
	unsigned long n = (va->va_end - va->va_start) >> PAGE_SHIFT;
	if (mapped_end > va->va_start)
		vm_unmap_range(va->va_start, mapped_end);
	if (free_pages) {
		unsigned long step = va->huge ? 1UL << VM_HUGE_ORDER : 1;
		for (unsigned long i = 0; i < n; i += step) {
			if (!pte[i].page)
				continue;
			if (va->huge)
				__free_pages(pte[i].page, VM_HUGE_ORDER);
			else
				vm_free_page(pte[i].page);
		}
	}
	memset(pte, 0, n * sizeof(*pte));
	va->huge = false;
	free_vmap_area_now(va);
}

/* Pages for [va_start, va_start + size), mapped as they come. Return: 0, -ENOMEM. */
static int area_fill_small(struct vmap_area *va, unsigned long size, gfp_t gfp, int prot, int node)
{
	int order[NMM_MAX_NODES], nr = node_order(node, gfp, order), o = 0;
	struct map_batch mb = { .addr = va->va_start, .prot = prot };
	struct nmm_vm_pte *pte = vm_pte(va->va_start);
	unsigned long n = size >> PAGE_SHIFT, done = 0;
	/* fail_vmalloc decides page by page: armed, runs are one page long. */
	bool inject = nmm_fault_on(NMM_FAULT_VMALLOC);
	while (done < n && o < nr) {
		struct page *first;
		unsigned long want = n - done;
		if (unlikely(inject)) {
			if (nmm_should_fail(NMM_FAULT_VMALLOC, PAGE_SIZE, (uintptr_t)va->caller, gfp & __GFP_NOWARN))
				break;
			want = 1;
		}
		unsigned int k = vm_alloc_run(order[o], gfp, want > (1U << 30) ? 1U << 30 : (unsigned int)want,
					      &first);
		if (!k) {
			o++;
			continue;
		}
		struct vm_file_ref r;
		for (unsigned int i = 0; i < k; i++)
			pte[done + i].page = first + i;
		done += k;
		if (vm_page_file(first, &r)) {
			mb.err = -EINVAL;
			break;
		}
		batch_add(&mb, &r, (size_t)k << PAGE_SHIFT);
		if (mb.err)
			break;
	}
	batch_flush(&mb);
	if (done < n || mb.err) {
		area_undo(va, va->va_start + (done << PAGE_SHIFT), true);
		return mb.err && mb.err != -EINVAL ? mb.err : -ENOMEM;
	}
	va->nr_pages = (unsigned int)n;
	return 0;
}

/* vmalloc_huge on hugetlb nodes: order-9 blocks mapped 2 MiB at a time. Return: 0, -ENOMEM. */
static int area_fill_huge(struct vmap_area *va, unsigned long size, gfp_t gfp, int prot, int node)
{
	int order[NMM_MAX_NODES], nr = node_order(node, gfp, order), o = 0;
	struct nmm_vm_pte *pte = vm_pte(va->va_start);
	unsigned long n = size >> PAGE_SHIFT, done = 0;
	gfp = (gfp & ~(__GFP_ZERO | __GFP_COMP | __GFP_NOFAIL)) | __GFP_THISNODE | __GFP_NOWARN |
	      __GFP_NORETRY;
	va->huge = true;
	while (done < n && o < nr) {
		struct page *page = NULL;
		struct vm_file_ref r;
		if (nmm_fault_on(NMM_FAULT_VMALLOC) &&
		    nmm_should_fail(NMM_FAULT_VMALLOC, VM_HUGE_SIZE, (uintptr_t)va->caller, true))
			break;
		if (vm_node_is_hugetlb(order[o]))
			page = alloc_pages_node(order[o], gfp, VM_HUGE_ORDER);
		if (!page) {
			o++;
			continue;
		}
		for (unsigned int i = 0; i < 1U << VM_HUGE_ORDER; i++)
			pte[done + i].page = page + i;
		void *addr = (void *)(va->va_start + (done << PAGE_SHIFT));
		done += 1UL << VM_HUGE_ORDER;
		/* hugetlb keeps the memory policy per mapping: bind before the first touch. */
		if (vm_huge_file(page, &r) ||
		    mmap(addr, VM_HUGE_SIZE, prot, MAP_SHARED | MAP_FIXED, r.fd, (off_t)r.off) == MAP_FAILED ||
		    nmm_numa_bind(addr, VM_HUGE_SIZE, r.phys_node) ||
		    madvise(addr, VM_HUGE_SIZE, MADV_POPULATE_WRITE))
			break;
	}
	if (done < n || pte[n - 1].page == NULL) {
		area_undo(va, va->va_start + (done << PAGE_SHIFT), true);
		return -ENOMEM;
	}
	va->nr_pages = (unsigned int)n;
	return 0;
}

static bool any_hugetlb_node(void)
{
	for (int n = 0; n < nr_node_ids; n++)
		if (vm_node_is_hugetlb(n))
			return true;
	return false;
}

static void vmalloc_warn(gfp_t gfp, int node, const char *what, unsigned long size)
{
	if (gfp & __GFP_NOWARN)
		return;
	char why[96];
	snprintf(why, sizeof(why), "vmalloc error: size %lu, %s", size, what);
	warn_alloc(gfp, 0, node, why);
}

void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp_mask, pgprot_t prot, unsigned long vm_flags,
			   int node, const void *caller)
{
	unsigned long real_size = size;
	if (!size) {
		fprintf(stderr, "numamm: WARNING: vmalloc of 0 bytes\n");
		return NULL;
	}
	if (nmm_boot_if_needed())
		return NULL;
	if (start != nmm_vmalloc_start || end != nmm_vmalloc_end) {
		fprintf(stderr, "numamm: vmalloc: only [VMALLOC_START, VMALLOC_END) can be used\n");
		return NULL;
	}
	size = (size + PAGE_SIZE - 1) & PAGE_MASK;
	if (size < real_size || (size >> PAGE_SHIFT) > totalram_pages) {
		vmalloc_warn(gfp_mask, node, "exceeds total pages", real_size);
		return NULL;
	}
	if (!(gfp_mask & (__GFP_DMA | __GFP_DMA32)))
		gfp_mask |= __GFP_HIGHMEM;
	unsigned long guard = vm_flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
	int p = (int)pgprot_val(prot);
	struct vmap_area *va = NULL;
	for (int attempt = 0; attempt < 2 && !va; attempt++) {
		if ((vm_flags & VM_ALLOW_HUGE_VMAP) && size >= VM_HUGE_SIZE && any_hugetlb_node()) {
			unsigned long hsize = (size + VM_HUGE_SIZE - 1) & ~(VM_HUGE_SIZE - 1);
			va = alloc_vmap_area(hsize + guard, align > VM_HUGE_SIZE ? align : VM_HUGE_SIZE,
					     VM_ALLOC | vm_flags, caller, node, gfp_mask & __GFP_NOWARN);
			if (va && area_fill_huge(va, hsize, gfp_mask, p, node))
				va = NULL;              /* given back: fall back to small pages */
		}
		if (!va) {
			va = alloc_vmap_area(size + guard, align, VM_ALLOC | vm_flags, caller, node,
					     gfp_mask & __GFP_NOWARN);
			if (!va)
				return NULL;
			if (area_fill_small(va, size, gfp_mask, p, node))
				va = NULL;
		}
		if (!va) {
			/* Lazily freed areas still hold their pages: purge once, then give up. */
			struct nmm_vmalloc_stats st;
			nmm_vmap_area_stats(&st);
			if (!st.lazy_areas)
				break;
			purge_vmap_area_lazy(true);
		}
	}
	if (!va) {
		vmalloc_warn(gfp_mask, node, "failed to allocate pages", real_size);
		trace_vmalloc((unsigned long)caller, NULL, real_size, node);
		return NULL;
	}
	void *addr = (void *)va->va_start;
	if (gfp_mask & __GFP_ZERO)
		memset(addr, 0, (size_t)va->nr_pages << PAGE_SHIFT);
	publish_vmap_area(va);
	trace_vmalloc((unsigned long)caller, addr, real_size, node);
	return addr;
}

noinline void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask, int node,
			      const void *caller)
{
	return __vmalloc_node_range(size, align, nmm_vmalloc_start, nmm_vmalloc_end, gfp_mask, PAGE_KERNEL,
				    0, node, caller);
}

/* The entry points below each record their caller for vmallocinfo. Each boots numamm on first
 * use first, so VMALLOC_START is known when it is read. */
#define VMALLOC_ENTRY(gfp, flags, node, align)                                                   \
	(nmm_boot_if_needed() ? NULL                                                             \
	 : __vmalloc_node_range(size, align, nmm_vmalloc_start, nmm_vmalloc_end, gfp, PAGE_KERNEL, \
				flags, node, __builtin_return_address(0)))

noinline void *vmalloc(unsigned long size) { return VMALLOC_ENTRY(GFP_KERNEL, 0, NUMA_NO_NODE, 1); }
noinline void *vzalloc(unsigned long size)
{
	return VMALLOC_ENTRY(GFP_KERNEL | __GFP_ZERO, 0, NUMA_NO_NODE, 1);
}
noinline void *vmalloc_node(unsigned long size, int node) { return VMALLOC_ENTRY(GFP_KERNEL, 0, node, 1); }
noinline void *vzalloc_node(unsigned long size, int node)
{
	return VMALLOC_ENTRY(GFP_KERNEL | __GFP_ZERO, 0, node, 1);
}
noinline void *vmalloc_user(unsigned long size)
{
	return VMALLOC_ENTRY(GFP_KERNEL | __GFP_ZERO, VM_USERMAP, NUMA_NO_NODE, 1);
}
noinline void *vmalloc_32(unsigned long size)
{
	return VMALLOC_ENTRY(GFP_DMA32 | GFP_KERNEL, 0, NUMA_NO_NODE, 1);
}
noinline void *vmalloc_32_user(unsigned long size)
{
	return VMALLOC_ENTRY(GFP_DMA32 | GFP_KERNEL | __GFP_ZERO, VM_USERMAP, NUMA_NO_NODE, 1);
}
noinline void *vmalloc_huge(unsigned long size, gfp_t gfp_mask)
{
	return VMALLOC_ENTRY(gfp_mask, VM_ALLOW_HUGE_VMAP, NUMA_NO_NODE, 1);
}
noinline void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return VMALLOC_ENTRY(gfp_mask, 0, NUMA_NO_NODE, 1);
}

static void bad_free(const char *fn, const void *addr, const void *caller, bool aligned)
{
	if (aligned)
		fprintf(stderr, "numamm: WARNING: %s: Trying to %s() nonexistent vm area (%p), caller %p\n",
			fn, fn, addr, caller);
	else
		fprintf(stderr, "numamm: WARNING: %s: Trying to %s() bad address (%p), caller %p\n", fn, fn,
			addr, caller);
}

static void do_vfree(const void *addr, bool vunmap_only, const void *caller)
{
	const char *fn = vunmap_only ? "vunmap" : "vfree";
	unsigned long size;
	bool aligned = !((uintptr_t)addr & (PAGE_SIZE - 1)) && is_vmalloc_addr(addr);
	if (!aligned || free_vmap_area_noflush((uintptr_t)addr, vunmap_only, &size)) {
		bad_free(fn, addr, caller, aligned);
		return;
	}
	trace_vfree((unsigned long)caller, addr, size);
}

noinline void vfree(const void *addr)
{
	if (!addr)
		return;
	do_vfree(addr, false, __builtin_return_address(0));
}

noinline void vunmap(const void *addr)
{
	if (!addr)
		return;
	do_vfree(addr, true, __builtin_return_address(0));
}

noinline void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	const void *caller = __builtin_return_address(0);
	if (!count || !pages || nmm_boot_if_needed())
		return NULL;
	if (count > totalram_pages) {
		fprintf(stderr, "numamm: WARNING: vmap of %u pages: more than the %lu pages of memory\n",
			count, totalram_pages);
		return NULL;
	}
	for (unsigned int i = 0; i < count; i++) {
		struct vm_file_ref r;
		if (!pages[i] || vm_page_file(pages[i], &r)) {
			int nid = pages[i] ? page_to_nid(pages[i]) : -1;
			fprintf(stderr, "numamm: vmap: page %u (pfn %#lx, node %d, %s backing) cannot be mapped "
				"a second time\n", i, pages[i] ? page_to_pfn(pages[i]) : 0UL, nid,
				nid >= 0 ? nmm_backing_name(nmm_layout.arena[nid].backing) : "no");
			return NULL;
		}
	}
	unsigned long size = (unsigned long)count << PAGE_SHIFT;
	unsigned long guard = flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
	struct vmap_area *va = alloc_vmap_area(size + guard, PAGE_SIZE, VM_MAP | flags, caller,
					       NUMA_NO_NODE, false);
	if (!va)
		return NULL;
	struct map_batch mb = { .addr = va->va_start, .prot = (int)pgprot_val(prot) };
	struct nmm_vm_pte *pte = vm_pte(va->va_start);
	for (unsigned int i = 0; i < count && !mb.err; i++) {
		struct vm_file_ref r;
		vm_page_file(pages[i], &r);
		pte[i].page = pages[i];
		batch_add(&mb, &r, PAGE_SIZE);
	}
	batch_flush(&mb);
	if (mb.err) {
		fprintf(stderr, "numamm: vmap of %u pages failed: %s\n", count, strerror(-mb.err));
		area_undo(va, va->va_start + size, false);
		return NULL;
	}
	/* As the kernel: only VM_MAP_PUT_PAGES areas own (and count) their pages. */
	va->nr_pages = flags & VM_MAP_PUT_PAGES ? count : 0;
	publish_vmap_area(va);
	return (void *)va->va_start;
}

struct page *vmalloc_to_page(const void *addr)
{
	if (!is_vmalloc_addr(addr) || !nmm_vm_ptes)
		return NULL;
	return vm_pte((uintptr_t)addr)->page;
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);
	return page ? page_to_pfn(page) : 0;
}

/* The live VM_USERMAP area starting at @addr, or NULL (reported). */
static struct vmap_area *usermap_area(const void *addr, const char *fn)
{
	struct vmap_area *va = NULL;
	if (is_vmalloc_addr(addr) && nmm_vm_ptes && !((uintptr_t)addr & (PAGE_SIZE - 1)))
		va = vm_pte((uintptr_t)addr)->va;
	if (!va || va->va_start != (uintptr_t)addr || va->state != VA_BUSY) {
		fprintf(stderr, "numamm: %s: %p is not the start of a vmalloc area\n", fn, addr);
		return NULL;
	}
	if (!(va->flags & VM_USERMAP) || va->huge) {
		fprintf(stderr, "numamm: %s: the area at %p is not VM_USERMAP (vmalloc_user)\n", fn, addr);
		return NULL;
	}
	return va;
}

int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff)
{
	struct vmap_area *va = usermap_area(addr, "remap_vmalloc_range");
	if (!va || !vma)
		return -EINVAL;
	unsigned long len = vma->vm_end - vma->vm_start;
	if (vma->vm_end <= vma->vm_start || ((vma->vm_start | vma->vm_end) & (PAGE_SIZE - 1)) ||
	    pgoff > va->nr_pages || len >> PAGE_SHIFT > va->nr_pages - pgoff) {
		fprintf(stderr, "numamm: remap_vmalloc_range: %lu bytes from page %lu do not fit the "
			"%u pages of the area at %p\n", len, pgoff, va->nr_pages, addr);
		return -EINVAL;
	}
	struct map_batch mb = { .addr = vma->vm_start, .prot = PROT_READ | PROT_WRITE };
	struct nmm_vm_pte *pte = vm_pte((uintptr_t)addr) + pgoff;
	for (unsigned long i = 0; i < len >> PAGE_SHIFT && !mb.err; i++) {
		struct vm_file_ref r;
		if (vm_page_file(pte[i].page, &r))
			return -EINVAL;
		batch_add(&mb, &r, PAGE_SIZE);
	}
	batch_flush(&mb);
	return mb.err;
}

void *nmm_vmalloc_user_mmap(const void *addr)
{
	struct vmap_area *va = usermap_area(addr, "nmm_vmalloc_user_mmap");
	if (!va)
		return NULL;
	size_t len = (size_t)va->nr_pages << PAGE_SHIFT;
	void *u = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (u == MAP_FAILED)
		return NULL;
	struct vm_area_struct vma = { .vm_start = (uintptr_t)u, .vm_end = (uintptr_t)u + len };
	if (remap_vmalloc_range(&vma, (void *)addr, 0)) {
		munmap(u, len);
		return NULL;
	}
	return u;
}

void vm_unmap_aliases(void)
{
	if (nmm_booted())
		purge_vmap_area_lazy(true);
}

int nmm_vmalloc_stats(struct nmm_vmalloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!nmm_booted())
		return -ENODEV;
	nmm_vmap_area_stats(st);
	nmm_vm_pool_stats(&st->pool_pages, &st->pool_free_pages);
	return 0;
}

int nmm_vmalloc_init(uint64_t size, char *err, size_t errlen)
{
	totalram_pages = 0;
	for (int n = 0; n < nmm_layout.nr_nodes; n++)
		totalram_pages += (unsigned long)(nmm_layout.arena[n].bytes >> PAGE_SHIFT);
	int e = nmm_vm_pool_init(err, errlen);
	if (!e)
		e = nmm_vmap_area_init(size, err, errlen);
	return e;
}

void nmm_vmalloc_release(void)
{
	nmm_vmap_area_release();
	nmm_vm_pool_release();
	totalram_pages = 0;
}
