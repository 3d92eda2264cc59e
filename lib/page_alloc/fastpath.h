/* lib/page_alloc/fastpath.h - the order-0 fast paths of alloc_pages() and __free_pages().
 *
 * With rseq (the normal case) a page comes from, and goes back to, this CPU's magazine in its
 * local zone: a few loads and one committing add to memory inside an rseq sequence, no lock
 * and no atomic instruction (lib/percpu/mag.h). Without rseq (valgrind, rseq disabled by
 * tunable) the same magazines live per thread. Behind the magazines are the kernel's pcp
 * lists (pcp.c): an empty or full magazine, an unusual GFP mask, another zone's page or a
 * restarted sequence all go to the slow path, which is always correct.
 *
 * Alloc does no zone walk and no watermark check: pages in magazines and pcp lists already left
 * the buddy allocator's free count, and the refill from the buddy (rmqueue_pcplist, reached via
 * get_page_from_freelist) is where watermarks are checked.
 * Counting: the magazines count their pushes (frees) in their commit word; allocations follow
 * (see nmm_zone_events()).
 * Cost, per-thread path: alloc_page() 20 instructions, __free_page() 24 (with the lock decl);
 * a pair in a loop 52 (tools/callgrind-fastpath page).
 */
#ifndef NUMAMM_LIB_PAGE_ALLOC_FASTPATH_H
#define NUMAMM_LIB_PAGE_ALLOC_FASTPATH_H

#include <numamm/cpu.h>

#include "../percpu/mag.h"
#include "page_asan.h"
#include "../trace/events.h"
#include "internal.h"

struct nmm_pcp_fast {
	struct per_cpu_pages *pcp;   /* this CPU's set in its local zone; NULL = no rseq fast path */
	struct zone *zone;           /* that zone (also set when only the per-thread path may run) */
	unsigned long match;         /* NMM_FREE_KEY(zone): the free key of a page it takes */
};
#define NMM_NODE_ZONE_MASK ((NMM_NODES_MASK << NMM_NODES_PGSHIFT) | (NMM_ZONES_MASK << NMM_ZONES_PGSHIFT))
/* One mask and compare decide the free fast path: the page is an allocated order-0 page (order
 * field 1; not head, reserved or on a pcp list) of this zone (node and zone bits). The mask
 * works as an or with every other bit, the page's free key: never 0, so a key of 0 (no fast
 * path here) matches no page and needs no test of its own. */
#define NMM_FREE_CHECK (NMM_NODE_ZONE_MASK | NMM_ALLOC_ORDER_MASK | (1UL << PG_head) | \
			(1UL << PG_reserved) | (1UL << PG_pcp))
#define NMM_FREE_KEY(zone_bits) ((zone_bits) | (1UL << NMM_ALLOC_ORDER_PGSHIFT) | ~NMM_FREE_CHECK)
_Static_assert(~NMM_FREE_CHECK != 0, "a free key must never be 0");

static inline unsigned long nmm_page_free_key(unsigned long flags)
{
	return flags | ~NMM_FREE_CHECK;
}
extern struct nmm_pcp_fast nmm_pcp_fast[NMM_MAX_CPUS] __attribute__((visibility("hidden")));
_Static_assert((NMM_MAX_CPUS & (NMM_MAX_CPUS - 1)) == 0, "NMM_MAX_CPUS must be a power of two");

/*
 * Per-thread magazines, for threads without rseq. key == 0: not in use (every rseq thread, and
 * any thread before its first slow-path visit or after a shutdown); otherwise
 * NMM_FREE_KEY(the thread's local zone), never 0.
 * Every thread's set is on a registry so nmm_shutdown() can void them all.
 */
struct nmm_thread_pcp {
	unsigned long key;
	struct list_head registry;
	struct zone *zone;
	uint64_t folded_pushes, folded_count;   /* for nmm_thread_pcp_fold() */
	struct nmm_mag mag[4];          /* [3] stays empty: see struct per_cpu_pages */
};
extern __thread struct nmm_thread_pcp nmm_thread_pcp
	__attribute__((tls_model("initial-exec"), visibility("hidden")));
void nmm_thread_pcps_void(void);   /* at shutdown: forget every thread's magazines */

/* This thread's key. Only nmm_thread_pcps_void() (at shutdown) writes another thread's: an
 * atomic load for TSan, a plain one otherwise, which the compiler folds into the compare. */
static __always_inline unsigned long nmm_thread_pcp_key(const struct nmm_thread_pcp *t)
{
#ifdef __SANITIZE_THREAD__
	return __atomic_load_n(&t->key, __ATOMIC_RELAXED);
#else
	return t->key;
#endif
}

/* GFP bits that the fast path does not handle. */
#define NMM_GFP_NOFAST (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_ZERO | __GFP_THISNODE | \
			__GFP_MEMALLOC | __GFP_COMP)

static inline unsigned int nmm_this_cpu(void)
{
	unsigned int cpu = (unsigned int)nmm_cpu_current_hint();
	return likely(cpu < (unsigned int)nmm_nr_cpu_ids) ? cpu : 0;
}

/* The CPU from rseq, or -1 when this thread's magazines must be per-thread ones: no rseq, or
 * a build without rseq magazines (TSan). */
static inline int nmm_rseq_cpu(void)
{
	return NMM_HAVE_RSEQ_MAG ? nmm_cpu_rseq_id() : -1;
}

/* A page in magazine mag[mt] is free (PG_pcp, order field 0) and already carries mt in its
 * flags (frees push by the page's mt; refills set it), so allocating it and freeing it again
 * each flip the same two fields: one xor. */
#define NMM_PCP_FLIP ((1UL << PG_pcp) | (1UL << NMM_ALLOC_ORDER_PGSHIFT))

static inline void nmm_page_set_mt(struct page *page, unsigned int mt)
{
	__atomic_store_n(&page->flags, (page->flags & ~NMM_ALLOC_MT_MASK) | ((unsigned long)mt << NMM_ALLOC_MT_PGSHIFT),
			 __ATOMIC_RELAXED);
}

static __always_inline void nmm_page_flip_pcp(struct page *page)
{
#ifdef __SANITIZE_THREAD__
	/* Neighbours' frees read our flags without our lock (PageBuddy): TSan needs atomics. */
	__atomic_store_n(&page->flags, page->flags ^ NMM_PCP_FLIP, __ATOMIC_RELAXED);
#elif defined(__x86_64__)
	/* One xor to memory (the racing reader only tests PG_buddy). In C the compiler xors the
	 * copy of the flags it holds and stores that: two instructions. */
	__asm__("xorq %[flip], %[flags]" : [flags] "+m" (page->flags) : [flip] "i" (NMM_PCP_FLIP) : "cc");
#else
	page->flags ^= NMM_PCP_FLIP;
#endif
}

/*
 * Is tracepoint @name (lib/trace/events.h) attached? The same test as NMM_TRACE_ENABLED, but one
 * compare to memory, where a volatile read compiles to a load and a test. asm goto is volatile:
 * the semaphore is read afresh at every call.
 */
#if defined(__x86_64__)
#define NMM_FAST_TRACED(name) nmm_fast_traced(&NMM_TRACE_SEMAPHORE(name))
static __always_inline bool nmm_fast_traced(volatile unsigned short *sem)
{
	__asm__ goto("cmpw $0, %[sem]\n\t"
		     "jne %l[traced]\n\t"
		     : : [sem] "m" (*sem) : "cc" : traced);
	return false;
traced:
	return true;
}
#else
#define NMM_FAST_TRACED(name) NMM_TRACE_ENABLED(name)
#endif

/* Return: false when the full path must allocate; else true with the page in *@out. */
static __always_inline bool nmm_alloc_page_fast(gfp_t gfp, struct page **out)
{
	/* The mobility bits times sizeof(struct nmm_mag) index the magazines directly; the
	 * invalid __GFP_MOVABLE|__GFP_RECLAIMABLE lands on the always-empty [3] and the slow path
	 * reports it. */
	unsigned int mag_off = (gfp & GFP_MOVABLE_MASK) << (8 - GFP_MOVABLE_SHIFT);
	_Static_assert(sizeof(struct nmm_mag) == 1UL << 8, "magazine indexing assumes 256-byte magazines");
	struct page *page;
	/* A thread with per-thread magazines has no rseq; a thread with rseq never sets key. */
	struct nmm_thread_pcp *t = &nmm_thread_pcp;
	if (nmm_thread_pcp_key(t)) {
		void *obj;
		if (unlikely(!nmm_mag_pop_local((struct nmm_mag *)((char *)t->mag + mag_off), &obj)))
			return false;
		page = obj;
	} else {
#if NMM_HAVE_RSEQ_MAG
		struct rseq *rs = nmm_rseq_area();
		int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
		struct per_cpu_pages *pcp = nmm_pcp_fast[(unsigned int)cpu & (NMM_MAX_CPUS - 1)].pcp;
		void *obj;
		if (unlikely(cpu < 0 || !pcp ||
			     !nmm_mag_pop_rseq(rs, cpu, (struct nmm_mag *)((char *)pcp->mag + mag_off), &obj)))
			return false;
		page = obj;
#else
		return false;
#endif
	}
	nmm_page_flip_pcp(page);
	set_page_count(page, 1);
	page_asan_unpoison(page, 0);
	*out = page;
	return true;
}

/* @page has dropped its last reference. Return: false when the full path must free it. */
static __always_inline bool nmm_free_page_fast(struct page *page)
{
	unsigned long flags = page->flags;
	unsigned long key = nmm_page_free_key(flags);
	/* Allocated pages carry a pcp migratetype (0..2): __alloc_pages refuses the invalid 3.
	 * Shifted to the byte offset of its magazine in one go. */
	unsigned long mag_off = (flags & NMM_ALLOC_MT_MASK) >> (NMM_ALLOC_MT_PGSHIFT - 8);
	/* Equal keys: this thread has per-thread magazines (key != 0) and the page is theirs. */
	struct nmm_thread_pcp *t = &nmm_thread_pcp;
	if (key == nmm_thread_pcp_key(t)) {
		/* In a magazine the page is free: no order, PG_pcp. Flipped before the push
		 * publishes it, back if the push fails. */
		page_asan_poison(page, 0);      /* an allocated page of ours (the key says so) */
		nmm_page_flip_pcp(page);
		if (likely(nmm_mag_push_local((struct nmm_mag *)((char *)t->mag + mag_off), page)))
			return true;
		nmm_page_flip_pcp(page);
		return false;
	}
#if NMM_HAVE_RSEQ_MAG
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	struct nmm_pcp_fast *f = &nmm_pcp_fast[(unsigned int)cpu & (NMM_MAX_CPUS - 1)];
	struct per_cpu_pages *pcp = f->pcp;
	if (unlikely(cpu < 0 || !pcp || key != f->match))
		return false;
	page_asan_poison(page, 0);
	nmm_page_flip_pcp(page);
	if (likely(nmm_mag_push_rseq(rs, cpu, (struct nmm_mag *)((char *)pcp->mag + mag_off), page)))
		return true;
	nmm_page_flip_pcp(page);
#endif
	return false;
}

/* Slow side (pcp.c). */
void nmm_thread_pcp_flush(struct nmm_thread_pcp *t);
void nmm_thread_pcp_fold(struct nmm_thread_pcp *t, unsigned long refilled, unsigned long flushed);
bool nmm_thread_pcp_ready(struct zone *zone);
void nmm_pcp_mags_drain(struct zone *zone, int cpu);
unsigned long nmm_pcp_mag_pages(struct per_cpu_pages *pcp);

#endif
