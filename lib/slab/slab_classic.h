/* lib/slab/slab_classic.h - SLAB's internals (mm/slab.c of Linux <= 6.4): array caches, the
 * per-node lists, the per-cache numbers chosen at create time, and the rseq sequences that move
 * objects in and out of a CPU's array.
 *
 * Map of the back end:
 *   slab_classic_fast.h   the inline fast paths: pop/push on this CPU's array cache (rseq)
 *   slab_classic.c        cache create/shutdown/release, slab grow/destroy (index array,
 *                         colouring, constructors), node lists, refill and flush, alien caches,
 *                         the ops table
 *   slab_classic_array.c  per-thread array caches for threads without rseq, and draining every
 *                         array of a cache (other CPUs' too) for shrink and shutdown
 *   slab_classic_check.c  slabinfo numbers, the object walk, is_valid, statistics
 *
 * Where an object can be (mm/slab.c's picture, one object in exactly one place):
 *   - handed out (live);
 *   - in a CPU's array cache (s->cpu, rseq-owned by that CPU), or in a thread's array cache
 *     (no rseq);
 *   - in its home node's shared array (under the node's list_lock);
 *   - in an alien array of another node (freed there, waiting to go home; under its lock);
 *   - free in its slab: its index is in slab->freelist[inuse .. objects).
 * Every array holds objects of one node only (ac->node): frees of other nodes' objects take the
 * alien path.
 *
 * Lock order: a thread array's lock or an alien array's lock, then a node's list_lock. A CPU's
 * array has no lock on its fast or slow paths: everything moves in and out through rseq
 * sequences (a single committing add or sub of ac->word), and a drainer on any CPU owns it by
 * setting ac->locked and fencing with membarrier (every sequence in flight restarts and then sees
 * locked). Nothing that allocates pages runs under any of these locks.
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_CLASSIC_H
#define NUMAMM_LIB_SLAB_SLAB_CLASSIC_H

#include <stdint.h>

#include <numamm/cpu.h>

#include "../percpu/mag.h"
#include "slab.h"

/* The rseq sequences are x86-64 assembly; TSan builds (uninstrumented asm) and other machines
 * use the per-thread arrays only. -DNMM_SLABC_RSEQ=0 forces the per-thread arrays everywhere.
 * (Until the fix described at NMM_RSEQ_CS_BEGIN these were off: gcc 12 had dropped the
 * failure branches of the sequences, and slabc_migration_stress lost thousands of objects.) */
#if !(defined(NMM_SLABC_RSEQ) && !NMM_SLABC_RSEQ) && NMM_HAVE_GLIBC_RSEQ && defined(__x86_64__) && \
	!defined(__SANITIZE_THREAD__) && NMM_HAVE_RSEQ_MAG
#define SLABC_HAVE_RSEQ 1
#else
#define SLABC_HAVE_RSEQ 0
#endif

/*
 * struct array_cache - a LIFO of free objects (mm/slab.c struct array_cache).
 *
 * word packs avail (bits 0..15) and the count of fast-path frees (bits 16..63), so one add or
 * sub commits a push or pop and counts it. The fields after word up to entry[] are one cache
 * line. Per-CPU arrays sit at a fixed 1 KiB stride in s->cpu (cpu << SLABC_AC_SHIFT), which the
 * fast path indexes without a load.
 *
 * Invariants: avail <= limit <= capacity of entry[]; entry[0 .. avail) are distinct free objects
 * of node `node` (per-CPU, thread and shared arrays) or of the home node (alien arrays);
 * allochits = batch_in + freehits - batch_out - avail (nothing else moves objects).
 */
struct array_cache {
	uint64_t word;            /* avail | freehits << 16: the rseq commit word */
	int32_t locked;           /* per-CPU: a drainer owns the array, rseq sequences fail */
	uint32_t limit;           /* most objects held */
	uint32_t batchcount;      /* objects moved per refill/flush */
	uint32_t touched;         /* refilled since the last drain */
	int32_t node;             /* the node of every object in the array */
	uint32_t pad0;
	spinlock_t lock;          /* thread, shared and alien arrays: owns word and entry[] */
	uint32_t pad1;
	uint64_t batch_in;        /* objects moved in by slow paths (refill, frees after a flush) */
	uint64_t batch_out;       /* objects moved out by slow paths (flush, drain) */
	uint64_t pad2;
	void *entry[];            /* at byte 64 */
};
#define SLABC_AC_ENTRY_OFF 64
_Static_assert(__builtin_offsetof(struct array_cache, entry) == SLABC_AC_ENTRY_OFF, "entry[] at 64");
#define SLABC_AVAIL_MASK 0xffffUL
#define SLABC_PUSH_ONE 0x10001UL      /* avail + 1, freehits + 1 */
#define SLABC_AC_SHIFT 10             /* per-CPU stride: 1 KiB */
#define SLABC_AC_MAX_LIMIT ((1U << SLABC_AC_SHIFT) / 8 - SLABC_AC_ENTRY_OFF / 8)   /* 120 */

static inline unsigned int ac_avail(const struct array_cache *ac)
{
	return (unsigned int)(__atomic_load_n(&ac->word, __ATOMIC_RELAXED) & SLABC_AVAIL_MASK);
}

static inline uint64_t ac_freehits(const struct array_cache *ac)
{
	return __atomic_load_n(&ac->word, __ATOMIC_RELAXED) >> 16;
}

/* Under the array's lock (or with a per-CPU array locked and fenced): plain updates. */
static inline void ac_set_avail(struct array_cache *ac, unsigned int avail)
{
	uint64_t w = __atomic_load_n(&ac->word, __ATOMIC_RELAXED);
	__atomic_store_n(&ac->word, (w & ~SLABC_AVAIL_MASK) | avail, __ATOMIC_RELAXED);
}

static inline size_t ac_bytes(unsigned int limit)
{
	return SLABC_AC_ENTRY_OFF + (size_t)limit * sizeof(void *);
}

/*
 * struct slabc_node - one node's part of a cache (mm/slab.c struct kmem_cache_node).
 *
 * Invariants (list_lock held): a slab is on slabs_full iff inuse == objects, on slabs_free iff
 * inuse == 0, else on slabs_partial; total_slabs counts all three lists, free_slabs the last;
 * free_objects == sum of (objects - inuse) over the lists; every slab's pages are on this node.
 */
struct slabc_node {
	spinlock_t list_lock;
	unsigned int free_limit;        /* keep at most this many free objects in slabs */
	struct list_head slabs_partial, slabs_full, slabs_free;
	unsigned long total_slabs, free_slabs, free_objects;
	unsigned int colour_next;       /* atomic: the next slab's colour (mod colour) */
	struct array_cache *shared;     /* objects shared by the node's CPUs (list_lock) */
	struct array_cache **alien;     /* [nr_node_ids]: this node's frees of other nodes' objects */
};

/* Counters as mm/slab.c's STATS (slabinfo globalstat/cpustat), relaxed atomics, slow paths. */
struct slabc_stats {
	unsigned long allocmiss, freemiss;      /* refills, flushes of a CPU/thread array */
	unsigned long grown, reaped, errors;    /* slabs added, slabs given back, failed grows */
	unsigned long max_freeable;             /* most free objects in slabs seen at a drain */
	unsigned long node_allocs;              /* objects allocated from a given node's lists */
	unsigned long node_frees;               /* frees to an alien array */
	unsigned long node_overflow;            /* alien arrays flushed because full */
	unsigned long alien_flushed;            /* objects sent home by alien flushes */
	unsigned long shared_in, shared_out;    /* objects into / out of shared arrays */
	unsigned long high_mark;                /* most objects active at a grow */
	/* From arrays that went away (thread exit, shutdown): their derived hit counts. */
	unsigned long gone_allochit, gone_freehit;
};

/* The per-cache part (struct kmem_cache fields of mm/slab.c not in the front's struct). */
struct slabc_cache {
	uint64_t recip;                  /* idx = (off * recip) >> SLABC_RECIP_SHIFT: off / s->size */
	unsigned int num;                /* objects per slab (== s->objects) */
	unsigned int idx_size;           /* 1 or 2: bytes per freelist index */
	unsigned int mgmt_size;          /* on-slab index array, aligned: bytes before the objects */
	bool off_slab;                   /* index array in freelist_pool instead */
	unsigned int colour, colour_off; /* colours per node, bytes per colour */
	unsigned int limit, batchcount, shared;
	bool use_alien;
	struct slabc_node *node[NMM_MAX_NODES];
	struct slabc_pool {              /* off-slab index arrays: fixed chunks in meta pages */
		spinlock_t lock;
		unsigned int chunk;
		unsigned long used;      /* chunks held by slabs */
		void *free;
		void *pages;
	} freelist_pool;
	struct slabc_stats stats;
};
/* off < 2^22 (largest slab) and size < 2^22: (off * ceil(2^45 / size)) >> 45 == off / size
 * exactly, and the product fits in 64 bits. */
#define SLABC_RECIP_SHIFT 45

static inline struct slabc_cache *slabc(const struct kmem_cache *s)
{
	return (struct slabc_cache *)s->priv;
}

extern int slabc_nr_cpus;               /* per-CPU arrays in s->cpu */
extern int slabc_alloc_cpus;            /* the alloc fast path's bound: slabc_nr_cpus, or 0 while
					 * failslab is armed (every allocation to the slow path,
					 * where failslab decides) */

static inline struct array_cache *slabc_cpu_ac(const struct kmem_cache *s, unsigned int cpu)
{
	return (struct array_cache *)((char *)s->cpu + ((size_t)cpu << SLABC_AC_SHIFT));
}

/* The slot index of @obj (an object pointer) in @slab, or -1 when it is not an object start. */
static inline long slabc_obj_index(const struct kmem_cache *s, const struct slab *slab, const void *obj)
{
	const struct slabc_cache *c = slabc(s);
	unsigned long off = (unsigned long)((const char *)obj - (const char *)slab_address(slab)) -
			    slab->colour_off - s->red_left_pad;
	unsigned long idx = (off * c->recip) >> SLABC_RECIP_SHIFT;
	/* c->num, not slab->objects: that bitfield shares its word with inuse, which others write
	 * under list_lock while frees check pointers without it. */
	if (unlikely(idx >= c->num || idx * s->size != off))
		return -1;
	return (long)idx;
}

static inline void *slabc_first_slot(const struct slab *slab)
{
	return (char *)slab_address(slab) + slab->colour_off;
}

/* The free index array: entries [inuse, objects) name the free slots. */
static inline unsigned int slabc_fl_get(const struct slabc_cache *c, const struct slab *slab, unsigned int i)
{
	return c->idx_size == 1 ? ((const uint8_t *)slab->freelist)[i] : ((const uint16_t *)slab->freelist)[i];
}

static inline void slabc_fl_set(const struct slabc_cache *c, struct slab *slab, unsigned int i, unsigned int v)
{
	if (c->idx_size == 1)
		((uint8_t *)slab->freelist)[i] = (uint8_t)v;
	else
		((uint16_t *)slab->freelist)[i] = (uint16_t)v;
}

/* ---- rseq sequences on a CPU's array cache (see lib/percpu/mag.h for the ABI) ---- */
#if SLABC_HAVE_RSEQ
/**
 * ac_pop_rseq - pop the newest object of @ac, CPU @cpu's array, if this thread runs on @cpu.
 * Return: false when the array is empty or locked, or the sequence was restarted.
 */
static __always_inline bool ac_pop_rseq(struct rseq *rs, int cpu, struct array_cache *ac, void **out)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movzwl %[word], %%ecx\n\t"
		     "testl %%ecx, %%ecx\n\t"
		     "jz %l[fail]\n\t"
		     "movq 56(%[ac], %%rcx, 8), %%rcx\n\t"   /* entry[avail - 1] */
		     "movq %%rcx, %[out]\n\t"
		     "subq $1, %[word]\n\t"
		     "2:\n\t"
		     : /* no outputs: see NMM_RSEQ_CS_BEGIN */
		     : [word] "m" (ac->word), [out] "m" (*out), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (ac->locked), [ac] "r" (ac)
		     : "rax", "rcx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}

/**
 * ac_push_rseq - push @obj onto @ac, CPU @cpu's array, counting a free hit.
 * Return: false when full or locked, or the sequence was restarted.
 */
static __always_inline bool ac_push_rseq(struct rseq *rs, int cpu, struct array_cache *ac, void *obj)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movzwl %[word], %%ecx\n\t"
		     "cmpl %[limit], %%ecx\n\t"
		     "jae %l[fail]\n\t"
		     "movq %[obj], 64(%[ac], %%rcx, 8)\n\t"
		     "addq $0x10001, %[word]\n\t"
		     "2:\n\t"
		     :
		     : [word] "m" (ac->word), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (ac->locked), [limit] "m" (ac->limit), [ac] "r" (ac), [obj] "r" (obj)
		     : "rax", "rcx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}

/**
 * ac_push_batch_rseq - append @n objects from @objs to @ac (CPU @cpu's), all or none.
 * The copy may be cut short by a restart: entries past avail are not the array's until the
 * final add commits them.
 */
static __always_inline bool ac_push_batch_rseq(struct rseq *rs, int cpu, struct array_cache *ac,
					       void *const *objs, unsigned long n)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movzwl %[word], %%ecx\n\t"
		     "leaq (%%rcx, %[n]), %%rdx\n\t"
		     "cmpl %[limit], %%edx\n\t"
		     "ja %l[fail]\n\t"
		     "leaq 64(%[ac], %%rcx, 8), %%rdx\n\t"   /* &entry[avail] */
		     "xorl %%ecx, %%ecx\n\t"
		     "3:\n\t"
		     "cmpq %[n], %%rcx\n\t"
		     "jae 5f\n\t"
		     "movq (%[objs], %%rcx, 8), %%rax\n\t"
		     "movq %%rax, (%%rdx, %%rcx, 8)\n\t"
		     "incq %%rcx\n\t"
		     "jmp 3b\n\t"
		     "5:\n\t"
		     "addq %[n], %[word]\n\t"
		     "2:\n\t"
		     :
		     : [word] "m" (ac->word), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (ac->locked), [limit] "m" (ac->limit), [ac] "r" (ac), [objs] "r" (objs),
		       [n] "r" (n)
		     : "rax", "rcx", "rdx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}

/**
 * ac_pop_batch_rseq - take the newest @n objects of @ac (CPU @cpu's) into @objs, all or none.
 */
static __always_inline bool ac_pop_batch_rseq(struct rseq *rs, int cpu, struct array_cache *ac,
					      void **objs, unsigned long n)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movzwl %[word], %%ecx\n\t"
		     "cmpq %[n], %%rcx\n\t"
		     "jb %l[fail]\n\t"
		     "subq %[n], %%rcx\n\t"
		     "leaq 64(%[ac], %%rcx, 8), %%rdx\n\t"   /* &entry[avail - n] */
		     "xorl %%ecx, %%ecx\n\t"
		     "3:\n\t"
		     "cmpq %[n], %%rcx\n\t"
		     "jae 5f\n\t"
		     "movq (%%rdx, %%rcx, 8), %%rax\n\t"
		     "movq %%rax, (%[objs], %%rcx, 8)\n\t"
		     "incq %%rcx\n\t"
		     "jmp 3b\n\t"
		     "5:\n\t"
		     "subq %[n], %[word]\n\t"
		     "2:\n\t"
		     :
		     : [word] "m" (ac->word), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (ac->locked), [ac] "r" (ac), [objs] "r" (objs), [n] "r" (n)
		     : "rax", "rcx", "rdx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}
#endif

/* The calling thread's CPU when it may use per-CPU arrays, else -1 (per-thread arrays). */
static inline int slabc_rseq_cpu(void)
{
#if SLABC_HAVE_RSEQ
	int cpu = nmm_cpu_rseq_id();
	return (unsigned int)cpu < (unsigned int)slabc_nr_cpus ? cpu : -1;
#else
	return -1;
#endif
}

/* slab_classic.c */
extern bool slabc_rseq_used;            /* some thread used a per-CPU array: drains must fence */
void *slabc_refill_thread(struct kmem_cache *s, gfp_t gfp, struct array_cache *ac);
void slabc_free_to_node(struct kmem_cache *s, int nid, void **objs, unsigned int n, bool to_shared);
void slabc_free_alien(struct kmem_cache *s, int from_node, int home, void *obj);
void slabc_drain_alien(struct kmem_cache *s, struct array_cache *alien, int home);
unsigned long slabc_drain_freelist(struct kmem_cache *s);
void slabc_lock_nodes(struct kmem_cache *s);
void slabc_unlock_nodes(struct kmem_cache *s);

/* slab_classic_array.c */
struct array_cache *slabc_thread_ac(struct kmem_cache *s);   /* this thread's, created on demand */
void slabc_flusharray_thread(struct kmem_cache *s, struct array_cache *ac, void *obj);
/* Empty every CPU's and thread's array of @s into the node lists (and, with @release, free the
 * thread arrays). */
void slabc_drain_arrays(struct kmem_cache *s, bool release);
/* Hold every array and list of @s still (walkers), and let go. */
bool slabc_arrays_hold(struct kmem_cache *s);
void slabc_arrays_release(struct kmem_cache *s, bool cpu_locked);
void slabc_for_each_array(struct kmem_cache *s, void (*fn)(struct array_cache *ac, int where, void *arg),
			  void *arg);
void slabc_thread_flush_all(void);
void slabc_threads_forget(void);       /* at nmm_shutdown, after the last cache went */
void slabc_fold_ac_stats(struct kmem_cache *s, struct array_cache *ac);
uint64_t slabc_ac_allochits(const struct array_cache *ac);

/* slab_classic_check.c */
void slabc_get_info(struct kmem_cache *s, struct slabinfo *si);
void slabc_for_each_object(struct kmem_cache *s,
			   void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg), void *arg);
bool slabc_is_valid(struct kmem_cache *s, FILE *why);
void slabc_print_stats(struct kmem_cache *s, FILE *out);

#endif
