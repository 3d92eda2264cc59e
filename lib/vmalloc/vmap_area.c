/* lib/vmalloc/vmap_area.c - the vmalloc address range: vmap_area allocation and the lazy purge
 * (mm/vmalloc.c: alloc_vmap_area, free_vmap_area_noflush, __purge_vmap_area_lazy).
 *
 * The range is one PROT_NONE, MAP_NORESERVE reservation, 2 MiB aligned. Every byte of it is in
 * exactly one struct vmap_area (FREE, BUSY or LAZY), the areas chained in address order. The
 * kernel keeps free space in an augmented rbtree and allocates lowest-address first; here free
 * areas sit on power-of-two size buckets, most recently freed first, so an allocation is one
 * bucket-mask lookup and usually the first entry of the list: addresses just purged are reused
 * first, which keeps the range small under alloc/free churn.
 *
 * Freeing is lazy (free_vmap_area_noflush): the area keeps its mapping and, for vmalloc areas,
 * its pages until lazy_max_pages are waiting. A purge then sorts the lazy areas by address and
 * unmaps each run of adjacent ones with a single mmap(PROT_NONE, MAP_FIXED) - the analogue of
 * the kernel's one TLB flush per purge - frees their pages, and only then merges the ranges
 * back into free space: an address is never handed out while anything is still mapped at it,
 * and a use after vfree() reads or writes a page nobody else owns yet.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../fault/fault.h"
#include "../trace/vmalloc_events.h"
#include "internal.h"

#define VA_BUCKETS 64
#define VA_BATCH 63

uintptr_t nmm_vmalloc_start, nmm_vmalloc_end;
struct nmm_vm_pte *nmm_vm_ptes;
static size_t ptes_len;
static void *reservation;
static size_t reservation_len;

static pthread_mutex_t vmap_area_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;

/* Under vmap_area_lock. */
static struct list_head free_bucket[VA_BUCKETS];
static uint64_t bucket_mask;                 /* bit b: free_bucket[b] is not empty */
static struct vmap_area *va_head;            /* lowest area */
static LIST_HEAD(purge_list);
static unsigned long vmap_lazy_nr, lazy_areas, lazy_max_pages;
static unsigned long busy_areas, busy_pages, nr_purges, nr_purge_unmaps;
static uintptr_t high_water;

/* struct vmap_area comes from batches (the kernel's vmap_area_cachep). */
struct va_batch {
	struct va_batch *next;
	struct vmap_area va[VA_BATCH];
};
static struct va_batch *va_batches;
static struct vmap_area *va_spare;           /* free structs, chained through ->next */
static unsigned long nr_va_spare;

static bool va_spare_refill(void)
{
	if (nr_va_spare >= 2)
		return true;
	struct va_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return false;
	b->next = va_batches;
	va_batches = b;
	for (int i = 0; i < VA_BATCH; i++) {
		b->va[i].next = va_spare;
		va_spare = &b->va[i];
	}
	nr_va_spare += VA_BATCH;
	return true;
}

static struct vmap_area *va_struct_get(void)
{
	struct vmap_area *va = va_spare;
	va_spare = va->next;
	nr_va_spare--;
	memset(va, 0, sizeof(*va));
	return va;
}

static void va_struct_put(struct vmap_area *va)
{
	va->state = 0xff;
	va->next = va_spare;
	va_spare = va;
	nr_va_spare++;
}

static int va_bucket(unsigned long size)
{
	return 63 - __builtin_clzl(size >> PAGE_SHIFT);
}

static void insert_free(struct vmap_area *va)
{
	int b = va_bucket(va->va_end - va->va_start);
	va->state = VA_FREE;
	list_add(&va->list, &free_bucket[b]);
	bucket_mask |= 1ULL << b;
}

static void remove_free(struct vmap_area *va)
{
	int b = va_bucket(va->va_end - va->va_start);
	list_del(&va->list);
	if (list_empty(&free_bucket[b]))
		bucket_mask &= ~(1ULL << b);
}

/* Link @nv into the address chain right after @va. */
static void link_after(struct vmap_area *va, struct vmap_area *nv)
{
	nv->prev = va;
	nv->next = va->next;
	if (va->next)
		va->next->prev = nv;
	va->next = nv;
}

static void unlink_va(struct vmap_area *va)
{
	if (va->prev)
		va->prev->next = va->next;
	else
		va_head = va->next;
	if (va->next)
		va->next->prev = va->prev;
}

/* The first free area [s, e) in which ALIGN(s, align) + size fits. */
static struct vmap_area *find_fit(unsigned long size, unsigned long align)
{
	for (uint64_t m = bucket_mask & (~0ULL << va_bucket(size)); m; m &= m - 1) {
		struct vmap_area *va;
		list_for_each_entry(va, &free_bucket[__builtin_ctzll(m)], list) {
			uintptr_t a = (va->va_start + align - 1) & ~(align - 1);
			if (a + size <= va->va_end)
				return va;
		}
	}
	return NULL;
}

/* Make [a, a + size) of free area @va a busy area; what is left on each side stays free. */
static void carve(struct vmap_area *va, uintptr_t a, unsigned long size)
{
	remove_free(va);
	if (a > va->va_start) {
		struct vmap_area *lo = va_struct_get();
		lo->va_start = va->va_start;
		lo->va_end = a;
		if (va->prev)
			link_after(va->prev, lo);
		else {
			lo->next = va;
			va->prev = lo;
			va_head = lo;
		}
		insert_free(lo);
		va->va_start = a;
	}
	if (a + size < va->va_end) {
		struct vmap_area *hi = va_struct_get();
		hi->va_start = a + size;
		hi->va_end = va->va_end;
		link_after(va, hi);
		insert_free(hi);
		va->va_end = a + size;
	}
	va->state = VA_BUSY;
}

/* Return @va's range to free space, merged with free neighbours. */
static void merge_free(struct vmap_area *va)
{
	struct vmap_area *p = va->prev, *n = va->next;
	if (p && p->state == VA_FREE) {
		remove_free(p);
		p->va_end = va->va_end;
		unlink_va(va);
		va_struct_put(va);
		va = p;
	}
	if (n && n->state == VA_FREE) {
		remove_free(n);
		va->va_end = n->va_end;
		unlink_va(n);
		va_struct_put(n);
	}
	insert_free(va);
}

struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align, unsigned long flags,
				  const void *caller, int node, bool nowarn)
{
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	/* fail_vmap_area: as if the range were full (the same warning follows). */
	bool injected = nmm_fault_on(NMM_FAULT_VMAP_AREA) &&
			nmm_should_fail(NMM_FAULT_VMAP_AREA, size, (uintptr_t)caller, nowarn);
	for (int attempt = 0; attempt < 2 && !injected; attempt++) {
		pthread_mutex_lock(&vmap_area_lock);
		struct vmap_area *va = nmm_vm_ptes && va_spare_refill() ? find_fit(size, align) : NULL;
		if (va) {
			uintptr_t a = (va->va_start + align - 1) & ~(align - 1);
			carve(va, a, size);
			va->flags = flags | VM_UNINITIALIZED;
			va->caller = caller;
			va->node = node;
			vm_pte(a)->va = va;
			busy_areas++;
			if (va->va_end - nmm_vmalloc_start > high_water)
				high_water = va->va_end - nmm_vmalloc_start;
			pthread_mutex_unlock(&vmap_area_lock);
			trace_alloc_vmap_area(a, size, align, nmm_vmalloc_start, nmm_vmalloc_end, 0);
			return va;
		}
		bool lazy = vmap_lazy_nr != 0;
		pthread_mutex_unlock(&vmap_area_lock);
		if (!lazy)
			break;
		purge_vmap_area_lazy(true);
	}
	trace_alloc_vmap_area(0, size, align, nmm_vmalloc_start, nmm_vmalloc_end, 1);
	if (!nowarn)
		fprintf(stderr, "numamm: vmap allocation for size %lu failed: use vmalloc=<size> to "
			"increase size\n", size);
	return NULL;
}

void publish_vmap_area(struct vmap_area *va)
{
	pthread_mutex_lock(&vmap_area_lock);
	va->flags &= ~(unsigned long)VM_UNINITIALIZED;
	busy_pages += va->nr_pages;
	pthread_mutex_unlock(&vmap_area_lock);
}

void free_vmap_area_now(struct vmap_area *va)
{
	pthread_mutex_lock(&vmap_area_lock);
	vm_pte(va->va_start)->va = NULL;
	busy_areas--;
	merge_free(va);
	pthread_mutex_unlock(&vmap_area_lock);
}

int free_vmap_area_noflush(uintptr_t addr, bool vunmap_only, unsigned long *size)
{
	pthread_mutex_lock(&vmap_area_lock);
	struct vmap_area *va = NULL;
	if (nmm_vm_ptes && is_vmalloc_addr((void *)addr) && !(addr & (PAGE_SIZE - 1)))
		va = vm_pte(addr)->va;
	if (!va || va->va_start != addr || va->state != VA_BUSY || (va->flags & VM_UNINITIALIZED)) {
		pthread_mutex_unlock(&vmap_area_lock);
		return -EINVAL;
	}
	if (vunmap_only && (va->flags & VM_ALLOC))
		fprintf(stderr, "numamm: vunmap: %#lx is a vmalloc area: unmapped, but its %u pages are "
			"leaked (free a vmalloc area with vfree, not vunmap)\n", (unsigned long)addr,
			va->nr_pages);
	if (vunmap_only)
		va->flags &= ~(unsigned long)(VM_ALLOC | VM_MAP_PUT_PAGES);
	vm_pte(addr)->va = NULL;
	va->state = VA_LAZY;
	list_add_tail(&va->list, &purge_list);
	unsigned long pages = (va->va_end - va->va_start) >> PAGE_SHIFT;
	*size = va->va_end - va->va_start;
	vmap_lazy_nr += pages;
	lazy_areas++;
	busy_areas--;
	busy_pages -= va->nr_pages;
	unsigned long nr_lazy = vmap_lazy_nr, max = lazy_max_pages;
	pthread_mutex_unlock(&vmap_area_lock);
	trace_free_vmap_area_noflush(addr, nr_lazy, max);
	if (nr_lazy > max)
		purge_vmap_area_lazy(nr_lazy > 2 * max);
	return 0;
}

void vm_unmap_range(uintptr_t start, uintptr_t end)
{
	if (mmap((void *)start, end - start, PROT_NONE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		fprintf(stderr, "numamm: vmalloc: cannot unmap %#lx-%#lx: %s\n", (unsigned long)start,
			(unsigned long)end, strerror(errno));
}

/* Merge sort of the purge chain by address. */
static struct vmap_area *sort_by_addr(struct vmap_area *l)
{
	if (!l || !l->purge_next)
		return l;
	struct vmap_area *slow = l, *fast = l->purge_next;
	while (fast && fast->purge_next) {
		slow = slow->purge_next;
		fast = fast->purge_next->purge_next;
	}
	struct vmap_area *b = slow->purge_next;
	slow->purge_next = NULL;
	struct vmap_area *a = sort_by_addr(l), head = { 0 }, *t = &head;
	b = sort_by_addr(b);
	while (a && b) {
		struct vmap_area **m = a->va_start < b->va_start ? &a : &b;
		t->purge_next = *m;
		t = *m;
		*m = (*m)->purge_next;
	}
	t->purge_next = a ? a : b;
	return head.purge_next;
}

/* Free the pages of a purged area (its mapping is gone) and clear its page table. */
static void free_area_pages(struct vmap_area *va)
{
	struct nmm_vm_pte *pte = vm_pte(va->va_start);
	unsigned long n = (va->va_end - va->va_start) >> PAGE_SHIFT;
	if (va->flags & (VM_ALLOC | VM_MAP_PUT_PAGES)) {
		unsigned long step = va->huge ? 1UL << VM_HUGE_ORDER : 1;
		for (unsigned long i = 0; i < n; i += step) {
			struct page *page = pte[i].page;
			if (!page)
				continue;
			if (va->huge)
				__free_pages(page, VM_HUGE_ORDER);
			else if (va->flags & VM_ALLOC)
				vm_free_page(page);
			else
				__free_page(page);
		}
	}
	memset(pte, 0, n * sizeof(*pte));
}

void purge_vmap_area_lazy(bool wait)
{
	if (wait)
		pthread_mutex_lock(&purge_lock);
	else if (pthread_mutex_trylock(&purge_lock))
		return;            /* another thread is purging: it takes ours too, or the next one will */
	LIST_HEAD(local);
	pthread_mutex_lock(&vmap_area_lock);
	list_splice_init(&purge_list, &local);
	unsigned long n = lazy_areas;
	vmap_lazy_nr = 0;
	lazy_areas = 0;
	pthread_mutex_unlock(&vmap_area_lock);
	if (list_empty(&local)) {
		pthread_mutex_unlock(&purge_lock);
		return;
	}
	struct vmap_area *chain = NULL, *va, *tmp;
	list_for_each_entry_safe(va, tmp, &local, list) {
		va->purge_next = chain;
		chain = va;
	}
	chain = sort_by_addr(chain);
	/* One unmap per run of adjacent lazy areas. Free space between runs is left alone:
	 * another thread may be mapping an area it just got there. */
	unsigned long unmaps = 0;
	uintptr_t rs = chain->va_start, re = chain->va_end, first = rs, last = 0;
	for (va = chain->purge_next; va; va = va->purge_next) {
		if (va->va_start != re) {
			vm_unmap_range(rs, re);
			unmaps++;
			rs = va->va_start;
		}
		re = va->va_end;
	}
	vm_unmap_range(rs, re);
	unmaps++;
	last = re;
	for (va = chain; va; va = va->purge_next)
		free_area_pages(va);
	pthread_mutex_lock(&vmap_area_lock);
	for (va = chain; va; va = tmp) {
		tmp = va->purge_next;
		merge_free(va);
	}
	nr_purges++;
	nr_purge_unmaps += unmaps;
	pthread_mutex_unlock(&vmap_area_lock);
	trace_purge_vmap_area_lazy(first, last, (unsigned int)n);
	pthread_mutex_unlock(&purge_lock);
}

void nmm_vmap_area_walk(void (*fn)(const struct vmap_area *va, void *arg), void *arg)
{
	pthread_mutex_lock(&vmap_area_lock);
	for (struct vmap_area *va = va_head; va; va = va->next)
		if (va->state == VA_BUSY && !(va->flags & VM_UNINITIALIZED))
			fn(va, arg);
	struct vmap_area *va;
	list_for_each_entry(va, &purge_list, list)
		fn(va, arg);
	pthread_mutex_unlock(&vmap_area_lock);
}

void nmm_vmap_area_stats(struct nmm_vmalloc_stats *st)
{
	pthread_mutex_lock(&vmap_area_lock);
	st->reserved_bytes = nmm_vmalloc_end - nmm_vmalloc_start;
	st->high_water_bytes = high_water;
	st->busy_areas = busy_areas;
	st->busy_pages = busy_pages;
	st->lazy_areas = lazy_areas;
	st->lazy_pages = vmap_lazy_nr;
	st->lazy_max_pages = lazy_max_pages;
	st->purges = nr_purges;
	st->purge_unmaps = nr_purge_unmaps;
	pthread_mutex_unlock(&vmap_area_lock);
}

bool nmm_vmap_area_is_valid(FILE *why)
{
	bool ok = true;
	unsigned long lazy = 0;
	pthread_mutex_lock(&vmap_area_lock);
	uintptr_t expect = nmm_vmalloc_start;
	for (struct vmap_area *va = va_head; va; va = va->next) {
		if (va->va_start != expect || va->va_end <= va->va_start) {
			fprintf(why, "vmap_area %#lx-%#lx: expected to start at %#lx\n",
				(unsigned long)va->va_start, (unsigned long)va->va_end, (unsigned long)expect);
			ok = false;
			break;
		}
		if (va->state == VA_FREE && va->next && va->next->state == VA_FREE) {
			fprintf(why, "vmap_area %#lx-%#lx: two adjacent free areas\n",
				(unsigned long)va->va_start, (unsigned long)va->va_end);
			ok = false;
		}
		if (va->state == VA_LAZY)
			lazy += (va->va_end - va->va_start) >> PAGE_SHIFT;
		expect = va->va_end;
	}
	if (ok && expect != nmm_vmalloc_end) {
		fprintf(why, "vmap areas end at %#lx, the range at %#lx\n", (unsigned long)expect,
			(unsigned long)nmm_vmalloc_end);
		ok = false;
	}
	for (int b = 0; b < VA_BUCKETS; b++) {
		struct vmap_area *va;
		list_for_each_entry(va, &free_bucket[b], list)
			if (va->state != VA_FREE || va_bucket(va->va_end - va->va_start) != b) {
				fprintf(why, "vmap_area %#lx-%#lx on free bucket %d: state %d\n",
					(unsigned long)va->va_start, (unsigned long)va->va_end, b, va->state);
				ok = false;
			}
	}
	if (lazy != vmap_lazy_nr) {
		fprintf(why, "lazy pages %lu, vmap_lazy_nr %lu\n", lazy, vmap_lazy_nr);
		ok = false;
	}
	pthread_mutex_unlock(&vmap_area_lock);
	return ok;
}

int nmm_vmap_area_init(uint64_t size, char *err, size_t errlen)
{
	if (!size)
		size = NMM_VMALLOC_DEFAULT_SIZE;
	size = (size + VM_HUGE_SIZE - 1) & ~(uint64_t)(VM_HUGE_SIZE - 1);
	/* Over-reserve by 2 MiB to align the base: vmalloc_huge maps 2 MiB pages. */
	char *p = mmap(NULL, size + VM_HUGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot reserve %llu MiB of address space for vmalloc: %s",
			 (unsigned long long)(size >> 20), strerror(errno));
		return -ENOMEM;
	}
	uintptr_t base = ((uintptr_t)p + VM_HUGE_SIZE - 1) & ~(uintptr_t)(VM_HUGE_SIZE - 1);
	if (base > (uintptr_t)p)
		munmap(p, base - (uintptr_t)p);
	if ((uintptr_t)p + size + VM_HUGE_SIZE > base + size)
		munmap((void *)(base + size), (uintptr_t)p + size + VM_HUGE_SIZE - (base + size));
	ptes_len = (size_t)(size >> PAGE_SHIFT) * sizeof(struct nmm_vm_pte);
	void *t = mmap(NULL, ptes_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (t == MAP_FAILED) {
		munmap((void *)base, size);
		snprintf(err, errlen, "cannot reserve the vmalloc page table (%zu MiB): %s", ptes_len >> 20,
			 strerror(errno));
		return -ENOMEM;
	}
	pthread_mutex_lock(&vmap_area_lock);
	reservation = (void *)base;
	reservation_len = size;
	for (int b = 0; b < VA_BUCKETS; b++)
		INIT_LIST_HEAD(&free_bucket[b]);
	bucket_mask = 0;
	INIT_LIST_HEAD(&purge_list);
	nmm_vmalloc_start = base;
	nmm_vmalloc_end = base + size;
	nmm_vm_ptes = t;
	vmap_lazy_nr = lazy_areas = busy_areas = busy_pages = nr_purges = nr_purge_unmaps = 0;
	high_water = 0;
	/* The kernel's lazy_max_pages(): 32 MiB per log2 of the CPUs; here also at most 1/8 of
	 * free memory, since lazily freed pages are only freed at the purge. */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long fls = 64 - (unsigned long)__builtin_clzl((unsigned long)(cpus > 0 ? cpus : 1));
	lazy_max_pages = ((32UL << 20) >> PAGE_SHIFT) * fls;
	unsigned long cap = nr_free_pages() / 8;
	if (lazy_max_pages > cap)
		lazy_max_pages = cap > 64 ? cap : 64;
	int e = 0;
	if (!va_spare_refill()) {
		e = -ENOMEM;
	} else {
		struct vmap_area *va = va_struct_get();
		va->va_start = nmm_vmalloc_start;
		va->va_end = nmm_vmalloc_end;
		va_head = va;
		insert_free(va);
	}
	pthread_mutex_unlock(&vmap_area_lock);
	if (e)
		snprintf(err, errlen, "vmalloc: out of memory for vmap areas");
	return e;
}

void nmm_vmap_area_release(void)
{
	pthread_mutex_lock(&purge_lock);
	pthread_mutex_lock(&vmap_area_lock);
	while (va_batches) {
		struct va_batch *b = va_batches;
		va_batches = b->next;
		free(b);
	}
	va_spare = NULL;
	nr_va_spare = 0;
	va_head = NULL;
	for (int b = 0; b < VA_BUCKETS; b++)
		INIT_LIST_HEAD(&free_bucket[b]);
	bucket_mask = 0;
	INIT_LIST_HEAD(&purge_list);
	vmap_lazy_nr = lazy_areas = busy_areas = busy_pages = 0;
	if (reservation)
		munmap(reservation, reservation_len);
	if (nmm_vm_ptes)
		munmap(nmm_vm_ptes, ptes_len);
	reservation = NULL;
	reservation_len = 0;
	nmm_vm_ptes = NULL;
	nmm_vmalloc_start = nmm_vmalloc_end = 0;
	pthread_mutex_unlock(&vmap_area_lock);
	pthread_mutex_unlock(&purge_lock);
}
