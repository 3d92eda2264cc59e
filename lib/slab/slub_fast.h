/* lib/slab/slub_fast.h - SLUB's inline fast paths (mm/slub.c slab_alloc_node and do_slab_free,
 * their fast branches) and the per-CPU structure they work on. Included by slab_fastpath.h into
 * every alloc/free entry point; the slow paths are in slub.c.
 *
 * Contract with slab_common.c (kmem_cache_alloc/free) and slab_fastpath.h:
 *   slub_alloc_fast(s)       pop one object from the calling CPU's freelist (rseq) or the
 *                            thread's (no rseq); NULL: take the slow path.
 *   slub_free_fast(s, obj)   push @obj onto that freelist when it is an object start (reciprocal
 *                            multiply) inside the CPU's (thread's) active slab of @s and not the
 *                            freelist head. Those checks prove @obj is an object of @s without
 *                            touching struct page; anything else — NULL, other slabs or caches,
 *                            stray or inner pointers, the trivial double free — returns false and
 *                            the front end's full check (slab_free_check) decides and reports.
 * Only caches with s->fast == SLAB_FAST_SLUB come here (no debug flags).
 *
 * Where the per-CPU state lives, decided per thread:
 *   rseq    glibc registered rseq (x86-64, not TSan) and membarrier works: s->cpu[cpu id],
 *           worked on inside rseq critical sections (lib/percpu/mag.h explains the ABI):
 *             alloc: cpu == cpu_id? !locked? obj = freelist; obj? next = *(obj + offset);
 *                    stat++; [commit] freelist = next
 *             free:  cpu == cpu_id? !locked? off = obj - base < span? off an object start?
 *                    head = freelist; head != obj? *(obj + offset) = head; stat++;
 *                    [commit] freelist = obj
 *           The commit is one store; preemption, migration or a signal before it restarts the
 *           sequence at its abort label, which takes the slow path. The slow path takes the
 *           CPU's `locked` inside a sequence too (slub_cpu.c), so while it is held no fast path
 *           of that CPU can run: everything in the structure is then the holder's.
 *   thread  no rseq (valgrind, GLIBC_TUNABLES=glibc.pthread.rseq=0, TSan builds) or no
 *           membarrier: slub_thread_cpu[s->id], the thread's own table of the same structure,
 *           plain loads and stores; flushed at thread exit.
 * A thread that has a table never uses rseq; a thread on rseq never gets a table.
 *
 * Cost, x86-64 Release (callgrind, thread path): a 64-byte kmem_cache alloc+free pair in a loop
 * is 55 instructions (`tools/callgrind-fastpath slab`), 10 of them the loop: kmem_cache_alloc 19
 * (SLUB cache? no __GFP_ZERO? untraced? 6; the thread's entry 5; the pop 8), kmem_cache_free 26
 * (4 of tests; the entry 6; in the slab and not the head 6; an object start 6; the push 4).
 */
#ifndef NUMAMM_LIB_SLAB_SLUB_FAST_H
#define NUMAMM_LIB_SLAB_SLUB_FAST_H

#include <stdint.h>

#include <numamm/cpu.h>

#include "../percpu/mag.h"      /* NMM_RSEQ_CS_BEGIN, NMM_HAVE_RSEQ_MAG */
#include "slab.h"

/* SLUB's statistics (mm/slub.c enum stat_item): counted per CPU or per thread, folded on read.
 * The first two are counted by the fast paths and sit in the structure's first cache line. */
enum slub_stat_item {
	ALLOC_FASTPATH,          /* allocation from the CPU freelist */
	FREE_FASTPATH,           /* free to the CPU freelist */
	ALLOC_SLOWPATH,          /* allocation through the slow path */
	FREE_SLOWPATH,           /* free to a slab that is not the CPU's active slab */
	FREE_FROZEN,             /* free to a slab another CPU owns */
	FREE_ADD_PARTIAL,        /* a full slab got a free object: to a node's partial list */
	FREE_REMOVE_PARTIAL,     /* an empty slab left a node's lists to be freed */
	ALLOC_FROM_PARTIAL,      /* a node's partial slab became the CPU slab */
	ALLOC_SLAB,              /* a new slab from the page allocator */
	ALLOC_REFILL,            /* the CPU freelist refilled from its slab's remote frees */
	ALLOC_NODE_MISMATCH,     /* the CPU slab was on another node than asked */
	FREE_SLAB,               /* a slab given back to the page allocator */
	CPUSLAB_FLUSH,           /* a CPU slab flushed (shrink, destroy, thread exit) */
	DEACTIVATE_FULL,         /* a deactivated CPU slab was full */
	DEACTIVATE_EMPTY,        /* ... was empty (and freed) */
	DEACTIVATE_TO_HEAD,      /* ... went to the head of the node's partial list */
	DEACTIVATE_TO_TAIL,      /* ... to its tail (it still had CPU-free objects) */
	DEACTIVATE_REMOTE_FREES, /* ... had objects freed by other CPUs */
	DEACTIVATE_BYPASS,       /* the CPU slab ran out and left without a deactivation */
	ORDER_FALLBACK,          /* a slab of the minimum order, the preferred one failed */
	CMPXCHG_DOUBLE_FAIL,     /* a freelist+counters cmpxchg lost a race and retried */
	CPU_PARTIAL_ALLOC,       /* a CPU partial slab became the CPU slab */
	CPU_PARTIAL_FREE,        /* a free made a full slab a CPU partial slab */
	CPU_PARTIAL_NODE,        /* a node partial slab moved to the CPU partial list */
	CPU_PARTIAL_DRAIN,       /* the CPU partial list overflowed: half went to the nodes */
	NR_SLUB_STAT_ITEMS
};

/*
 * struct kmem_cache_cpu - one CPU's (or, without rseq, one thread's) SLUB state for one cache.
 *
 * Invariants (when not locked, or for the owner):
 *   slab == NULL  <=>  span == 0  (then freelist == NULL and base == 0);
 *   slab != NULL: slab->frozen, base == slab_address(slab), span == the slab's bytes, and
 *     every object on freelist is a free object of slab that slab->inuse counts as in use;
 *   partial: frozen slabs chained through slab->next, nr_partial of them, each with free
 *     objects on its own slab->freelist.
 * The fast paths read line 0 only.
 */
/* An owner-only counter that reports read from other threads: a relaxed store of the new value
 * (the same mov as a plain add on x86-64; whole values for readers, no race for TSan). */
#ifdef __SANITIZE_THREAD__
#define SLUB_STAT_OWNER_INC(word) __atomic_store_n(&(word), (word) + 1, __ATOMIC_RELAXED)
#else
#define SLUB_STAT_OWNER_INC(word) ((word)++)   /* one add to memory: whole values on x86-64 */
#endif

/* The fast paths' own counters (alloc_fastpath, free_fastpath) cost an add to memory each and
 * are counted only in builds with -DNUMAMM_SLUB_STATS=ON (the kernel's CONFIG_SLUB_STATS, off by
 * default for the same reason); every slow-path counter is always on. */
#ifndef NMM_SLUB_STATS
#define NMM_SLUB_STATS 0
#endif
#if NMM_SLUB_STATS
#define SLUB_FAST_STAT(word) SLUB_STAT_OWNER_INC(word)
#define SLUB_FAST_STAT_ASM(operand) "addq $1, " operand "\n\t"
#else
#define SLUB_FAST_STAT(word) ((void)0)
#define SLUB_FAST_STAT_ASM(operand) ""
#endif

/* Object starts by multiplication: idx = off * ceil(2^SHIFT / size) >> SHIFT is exact for the
 * offsets of a slab (< 4 MiB) and sizes >= 8; off is an object start iff idx * size == off. */
#define SLUB_RECIP_SHIFT 44

struct kmem_cache_cpu {
	void *freelist;                  /* the CPU's private free objects of @slab */
	uintptr_t base;                  /* slab_address(slab), 0 when no slab */
	unsigned long span;              /* bytes of the slab, 0 when no slab */
	struct slab *slab;               /* the active (frozen) slab */
	struct slab *partial;            /* frozen partial slabs, through slab->next */
	int locked;                      /* rseq: 0 free, 1 a slow path on this CPU, 2 a drainer */
	unsigned int nr_partial;         /* slabs on @partial */
	unsigned long stat[NR_SLUB_STAT_ITEMS];
} __attribute__((aligned(NMM_CACHE_LINE)));

_Static_assert(sizeof(struct kmem_cache_cpu) == NMM_SLAB_THREAD_ENTRY,
	       "per-thread tables index by s->thread_off, rseq arrays by shifting");
_Static_assert(__builtin_offsetof(struct kmem_cache_cpu, stat[FREE_FASTPATH]) < NMM_CACHE_LINE,
	       "fast-path counters in line 0");

/* This thread's table of NMM_SLAB_MAX_CACHES entries (indexed by s->id), or NULL. */
extern __thread struct kmem_cache_cpu *slub_thread_cpu
	__attribute__((tls_model("initial-exec"), visibility("hidden")));

#if NMM_HAVE_RSEQ_MAG
/* The calling CPU's structure, NULL without rseq. A plain read of cpu_id: every sequence
 * compares it with the kernel's again. cpu_id < nmm_nr_cpu_ids (possible CPUs) always. */
static __always_inline struct kmem_cache_cpu *slub_rseq_cpu(struct kmem_cache *s, struct rseq *rs,
							     int *cpu)
{
	*cpu = (int)rs->cpu_id;
	if (unlikely(*cpu < 0))
		return NULL;
	return (struct kmem_cache_cpu *)s->cpu + *cpu;
}

static __always_inline bool slub_alloc_rseq(struct kmem_cache *s, void **objp)
{
	struct rseq *rs = nmm_rseq_area();
	int cpu;
	struct kmem_cache_cpu *c = slub_rseq_cpu(s, rs, &cpu);
	if (unlikely(!c))
		return false;
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movq %[fl], %%rcx\n\t"
		     "testq %%rcx, %%rcx\n\t"
		     "jz %l[fail]\n\t"
		     "movq (%%rcx, %[off]), %%rdx\n\t"
		     "movq %%rcx, %[objp]\n\t"
		     SLUB_FAST_STAT_ASM("%[nr]")
		     "movq %%rdx, %[fl]\n\t"
		     "2:\n\t"
		     : /* no outputs: see NMM_RSEQ_CS_BEGIN */
		     : [fl] "m" (c->freelist), [nr] "m" (c->stat[ALLOC_FASTPATH]), [objp] "m" (*objp),
		       [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (c->locked), [off] "r" ((unsigned long)s->offset)
		     : "rax", "rcx", "rdx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}

static __always_inline bool slub_free_rseq(struct kmem_cache *s, void *obj)
{
	struct rseq *rs = nmm_rseq_area();
	int cpu;
	struct kmem_cache_cpu *c = slub_rseq_cpu(s, rs, &cpu);
	if (unlikely(!c))
		return false;
	/* c's and s's fields through one register each (fixed offsets): few enough operands for
	 * an unoptimised build too. */
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %c[o_locked](%[c])\n\t"
		     "jnz %l[fail]\n\t"
		     "movq %[obj], %%rcx\n\t"
		     "subq %c[o_base](%[c]), %%rcx\n\t"
		     "cmpq %c[o_span](%[c]), %%rcx\n\t"
		     "jae %l[fail]\n\t"
		     "movq %%rcx, %%rax\n\t"
		     "imulq %c[o_recip](%[s]), %%rax\n\t"
		     "shrq $44, %%rax\n\t"
		     "imull %c[o_size](%[s]), %%eax\n\t"
		     "cmpq %%rax, %%rcx\n\t"
		     "jne %l[fail]\n\t"
		     "movq %c[o_fl](%[c]), %%rcx\n\t"
		     "cmpq %%rcx, %[obj]\n\t"
		     "je %l[fail]\n\t"
		     "movl %c[o_off](%[s]), %%eax\n\t"
		     "movq %%rcx, (%[obj], %%rax)\n\t"
		     SLUB_FAST_STAT_ASM("%c[o_nr](%[c])")
		     "movq %[obj], %c[o_fl](%[c])\n\t"
		     "2:\n\t"
		     :
		     : [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [c] "r" (c), [s] "r" (s), [obj] "r" (obj),
		       [o_locked] "i" (__builtin_offsetof(struct kmem_cache_cpu, locked)),
		       [o_base] "i" (__builtin_offsetof(struct kmem_cache_cpu, base)),
		       [o_span] "i" (__builtin_offsetof(struct kmem_cache_cpu, span)),
		       [o_fl] "i" (__builtin_offsetof(struct kmem_cache_cpu, freelist)),
		       [o_nr] "i" (__builtin_offsetof(struct kmem_cache_cpu, stat[FREE_FASTPATH])),
		       [o_recip] "i" (__builtin_offsetof(struct kmem_cache, reciprocal_size)),
		       [o_size] "i" (__builtin_offsetof(struct kmem_cache, size)),
		       [o_off] "i" (__builtin_offsetof(struct kmem_cache, offset))
		     : "rax", "rcx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}
#endif

/* slub_alloc_fast - pop the calling CPU's (or thread's) freelist. Return: NULL: slow path. */
static __always_inline void *slub_alloc_fast(struct kmem_cache *s)
{
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (tc) {
		struct kmem_cache_cpu *c = (void *)((char *)tc + s->thread_off);
		void *obj = c->freelist;
		if (likely(obj)) {
			c->freelist = get_freepointer(s, obj);
			SLUB_FAST_STAT(c->stat[ALLOC_FASTPATH]);
		}
		return obj;
	}
#if NMM_HAVE_RSEQ_MAG
	void *obj;
	return slub_alloc_rseq(s, &obj) ? obj : NULL;
#else
	return NULL;
#endif
}

/*
 * slub_free_fast - push @obj onto the CPU's (thread's) freelist when it is an object start in
 * the CPU's active slab of @s and not the freelist head (the trivial double free). Those checks
 * prove @obj is an object of @s; anything else (NULL, other slabs, other caches, stray and inner
 * pointers) returns false and the front end's full check reports or frees it.
 */
static __always_inline bool slub_free_fast(struct kmem_cache *s, void *obj)
{
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (tc) {
		struct kmem_cache_cpu *c = (void *)((char *)tc + s->thread_off);
		uintptr_t off = (uintptr_t)obj - c->base;
		void *head = c->freelist;
		if (unlikely(off >= c->span || head == obj))
			return false;
		/* idx < 2^20: a 32-bit multiply by s->size straight from memory */
		unsigned int idx = (unsigned int)((off * s->reciprocal_size) >> SLUB_RECIP_SHIFT);
		if (unlikely((uintptr_t)(idx * s->size) != off))
			return false;
		set_freepointer(s, obj, head);
		c->freelist = obj;
		SLUB_FAST_STAT(c->stat[FREE_FASTPATH]);
		return true;
	}
#if NMM_HAVE_RSEQ_MAG
	return slub_free_rseq(s, obj);
#else
	return false;
#endif
}

#endif
