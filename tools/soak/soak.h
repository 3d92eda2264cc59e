/* tools/soak/soak.h - numamm-soak: every layer at once, for as long as asked, with its invariants
 * checked on the way and memory accounted for at the end (mimalloc's test-stress shape:
 * [THREADS] [SECONDS] [SEED]).
 *
 * Map of the program:
 *   soak_main.c   options, boot, the two phases (warm-up, soak), the summary line, exit code
 *   soak_ops.c    one step of a worker: allocate, check, free or hand over an item of a layer
 *                 (pages on any node, highmem + kmap, kmalloc of every size, shared and private
 *                 slab caches, vmalloc, mempools, the shrinker-evicted cache)
 *   soak_check.c  the quiesced invariant walks and the memory snapshot (free pages per zone,
 *                 slab objects and pages, vmalloc areas) compared at the end
 *
 * Items: every allocation is one struct soak_item (plain libc malloc, outside numamm) holding
 * what is needed to check and free it; its memory carries a tag derived from the item's id at
 * both ends (and a byte pattern in between for small objects), checked before every free.
 * Items move between threads through per-worker inboxes (cross-thread frees).
 *
 * Quiescing: workers run batches of steps under the read side of soak_quiesce (a writer-
 * preferring rwlock); the checker takes the write side, so the walkers see no operation in
 * flight. Nothing in a batch waits for another worker: mempool elements out at once are capped
 * below the pools' reserves (mempool_alloc never sleeps for a free), and the soak's shrinker
 * never allocates.
 */
#ifndef NUMAMM_TOOLS_SOAK_H
#define NUMAMM_TOOLS_SOAK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/list.h>
#include <numamm/linux/mm.h>

enum soak_kind {
	SOAK_PAGE,        /* alloc_pages_node, order 0..3, any node or __GFP_THISNODE */
	SOAK_HIGHPAGE,    /* GFP_HIGHUSER order 0, written through kmap / kmap_local_page */
	SOAK_KMALLOC,     /* kmalloc(_node)/kzalloc/krealloc, 1 B .. 64 KiB */
	SOAK_CACHE,       /* one of the shared kmem_caches */
	SOAK_VMALLOC,     /* vmalloc/vzalloc/vmalloc_node, 4 KiB .. 1 MiB */
	SOAK_MEMPOOL,     /* the kmalloc-backed or the page-backed mempool */
	SOAK_NR_KINDS,
};

/* Counters without a kind. */
enum soak_counter {
	SOAK_CROSS_FREES,     /* items freed by another thread than the allocator */
	SOAK_CACHE_CREATES,   /* private caches created and destroyed */
	SOAK_THREADS,         /* short-lived threads started and joined */
	SOAK_SHRINK_ADDS,     /* items put into the shrinker-evicted cache */
	SOAK_SHRINK_FREED,    /* of which the shrinker freed */
	SOAK_SHRINK_SCANS,    /* scan_objects calls */
	SOAK_KMAPS,           /* kmap/kmap_local_page of highmem pages */
	SOAK_THISNODE,        /* __GFP_THISNODE allocations checked to be on their node */
	SOAK_REALLOCS,        /* krealloc of held kmalloc objects */
	SOAK_REALLOC_FAILS,
	SOAK_POOL_CAPPED,     /* mempool allocations not tried: elements out at the cap */
	SOAK_NR_COUNTERS,
};

struct soak_item {
	enum soak_kind kind;
	int nid;                 /* node asked (NUMA_NO_NODE: any) */
	unsigned int order;      /* pages: order; mempool: which pool */
	size_t size;             /* bytes written and checked */
	uint64_t id;
	void *ptr;               /* object / vmalloc address; pages: struct page * */
	void *cache;             /* SOAK_CACHE: the kmem_cache */
	int owner;               /* thread slot that allocated it */
};

/* Per-thread: a PRNG, held items, counters. */
struct soak_thread {
	int slot;                /* 0..nr_workers-1 for workers, nr_workers.. for short-lived */
	uint64_t rng;
	uint64_t next_id;
	struct soak_item **held;
	int nr_held, max_held;
	unsigned long ops[SOAK_NR_KINDS], frees[SOAK_NR_KINDS], fails[SOAK_NR_KINDS];
	unsigned long count[SOAK_NR_COUNTERS];
};

struct soak_options {
	int threads;
	double seconds;
	uint64_t seed;
	const char *boot;
	int check_ms;
	bool verbose;
};

extern struct soak_options soak_opt;
extern pthread_rwlock_t soak_quiesce;
extern volatile int soak_stop;            /* set when the phase's time is up */
extern unsigned long soak_violations;     /* any: exit 1 */

/* soak_fail - report one violation (a line on stderr) and count it. */
void soak_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline uint64_t soak_rand(struct soak_thread *t)
{
	uint64_t x = t->rng;   /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline unsigned int soak_below(struct soak_thread *t, unsigned int n)
{
	return (unsigned int)((soak_rand(t) >> 32) % n);
}

/* soak_ops.c */
int soak_ops_init(int nr_workers);          /* shared caches, pools, shrinker, inboxes */
void soak_ops_exit(void);                   /* destroys what init made; inboxes must be empty */
void soak_step(struct soak_thread *t);      /* one random operation */
void soak_free_held(struct soak_thread *t); /* check and free everything @t holds */
void soak_drain_inbox(struct soak_thread *t);
void soak_hand_out(struct soak_thread *t);  /* give every held item to random workers */
void soak_shrink_cache_drop(void);          /* free every item of the shrinker-evicted cache */
unsigned long soak_shrink_cache_items(void);
void soak_shrink_stats(unsigned long *freed, unsigned long *scans);
void soak_set_in_batch(bool on);             /* the calling thread is inside a batch */
const char *soak_kind_name(enum soak_kind k);

/* soak_check.c */
struct soak_snapshot {
	long zone_free[64][8];          /* [nid][zone] NR_FREE_PAGES, pcp drained */
	unsigned long slab_objects;     /* active objects over every cache */
	unsigned long slab_pages;
	unsigned long vmalloc_areas, vmalloc_pages, vmalloc_pool_pages;
	int nr_caches;
	unsigned long cache_active[256];   /* by cache id (ids below 256), to name the culprit */
	char cache_name[256][32];
};
bool soak_check_all(const char *when);      /* quiesced walkers; false (and reported) on a break */
void soak_settle(void);                     /* give back every cached page: pcp, slabs, vmalloc */
void soak_snapshot_take(struct soak_snapshot *s);
bool soak_snapshot_same(const struct soak_snapshot *a, const struct soak_snapshot *b);
extern unsigned long soak_checks_done;

#endif
