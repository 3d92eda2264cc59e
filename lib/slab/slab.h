/* lib/slab/slab.h - the slab layer's internals: struct kmem_cache, struct slab, and the contract
 * between the common front (slab_common.c) and the three back ends (mm/slab.h of the kernel,
 * split by concept).
 *
 * Map of the layer:
 *   slab_common.c   kmem_cache_create/destroy/shrink, merging, the cache list, the object layout
 *                   (redzones, free pointer, tracks), alloc/free entry points and dispatch
 *   slab_pages.c    slab pages from the page allocator (PageSlab, struct slab overlay, RCU-
 *                   deferred freeing for SLAB_TYPESAFE_BY_RCU), slab page accounting
 *   slub*.c/.h      SLUB: per-CPU slab + lockless freelist (rseq), partial lists
 *   slab_classic*.c SLAB: per-CPU array caches, shared and alien caches, colouring
 *   slob.c          SLOB: first-fit lists shared by all caches
 *   debug.c         red zones, poison, store user, checks on free, quarantine (any back end)
 *   kmalloc.c       kmalloc size classes and the kmalloc family, large kmalloc from pages
 *   rcu.c           rcu_read_lock/call_rcu/synchronize_rcu on liburcu-bp
 *   shrinker.c      the slab shrinker: empty slabs back to the page allocator under pressure
 *
 * Object layout within a slot of s->size bytes (every back end uses it; only debug caches have
 * the optional parts):
 *
 *   | left redzone (red_left_pad) | object (object_size) | right redzone | free ptr | tracks | pad |
 *   ^ slot start                  ^ object pointer = slot + red_left_pad
 *
 * s->offset is where a back end may keep its free pointer, relative to the object pointer:
 * inside the object normally, after it (in the slot) when the object must keep its contents
 * while free (a constructor, SLAB_TYPESAFE_BY_RCU). Debug caches keep freed objects in a
 * quarantine (debug.c) and hand them to the back end only after their poison and redzones were
 * checked, so back ends never see debug state.
 *
 * Invariants (checked by slab_cache_is_valid() walkers, per back end):
 *   0 <= slab->inuse <= slab->objects;  live objects of a cache == sum of inuse over its slabs
 *     minus objects cached per CPU;  every free object of a slab is on exactly one freelist.
 */
#ifndef NUMAMM_LIB_SLAB_SLAB_H
#define NUMAMM_LIB_SLAB_SLAB_H

#include <pthread.h>
#include <stdio.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/list.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/page-flags.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/spinlock.h>
#include <numamm/topology.h>

#define NMM_SLAB_NAME_MAX 32
#define NMM_SLAB_MAX_CACHES 4096       /* cache ids index per-thread tables */
#define NMM_SLAB_THREAD_ENTRY 256       /* bytes of one cache's entry in SLUB's per-thread table */
#define NMM_CACHE_LINE 64

/* The back end picked at boot (slab=). */
enum slab_backend_id { SLAB_BACKEND_SLUB, SLAB_BACKEND_SLAB, SLAB_BACKEND_SLOB, NR_SLAB_BACKENDS };

/*
 * struct slab - overlays the struct page of a slab's first page (as the kernel's struct slab
 * overlays struct page). Back ends own slab_list/next, freelist and the counters; slab_pages.c
 * owns slab_cache and the page flags.
 */
struct slab {
	unsigned long __page_flags;
	union {
		struct list_head slab_list;      /* on one of the back end's lists */
		struct {
			struct slab *next;       /* SLUB: per-CPU partial chain */
			int slabs;               /* SLUB: slabs in the chain from here */
		};
	};
	struct kmem_cache *slab_cache;           /* NULL for SLOB pages shared by all caches */
	void *freelist;                          /* first free object (SLUB, SLOB), index array (SLAB) */
	union {
		unsigned long counters;
		struct {
			unsigned inuse : 16;     /* objects handed out (or on a per-CPU cache) */
			unsigned objects : 15;   /* objects in the slab */
			unsigned frozen : 1;     /* SLUB: owned by a CPU */
			unsigned int colour_off; /* SLAB: bytes of colour before the first object */
		};
		long units;                      /* SLOB: free units in the page */
	};
	int owner_cpu;                           /* SLUB: the CPU whose active slab it last became,
						  * -1 none (the page's _mapcount: -1 again when freed) */
	atomic_t __page_refcount;
	void *__page_virtual;
};

_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab must overlay struct page");
_Static_assert(__builtin_offsetof(struct slab, slab_list) == __builtin_offsetof(struct page, lru), "");
_Static_assert(__builtin_offsetof(struct slab, slab_cache) == __builtin_offsetof(struct page, mapping), "");
_Static_assert(__builtin_offsetof(struct slab, counters) == __builtin_offsetof(struct page, private), "");
_Static_assert(__builtin_offsetof(struct slab, __page_refcount) == __builtin_offsetof(struct page, _refcount), "");
_Static_assert(__builtin_offsetof(struct slab, __page_virtual) == __builtin_offsetof(struct page, virtual), "");
_Static_assert(__builtin_offsetof(struct slab, freelist) % 16 == 0, "freelist+counters: cmpxchg16b pair");

static inline struct page *slab_page(const struct slab *slab) { return (struct page *)slab; }
static inline struct slab *page_slab(const struct page *page) { return (struct slab *)page; }
static inline void *slab_address(const struct slab *slab) { return slab->__page_virtual; }
static inline int slab_nid(const struct slab *slab) { return page_to_nid(slab_page(slab)); }
static inline bool slab_test_pfmemalloc(const struct slab *slab) { (void)slab; return false; }

/* compound_head - the first page of the block holding @page. */
static inline struct page *nmm_compound_head(const struct page *page)
{
	return PageTail(page) ? (struct page *)(page->compound_head - 1) : (struct page *)page;
}

/* virt_to_slab - the slab holding @obj, or NULL when @obj is not in a slab page. Only for linear
 * map addresses (check with virt_addr_valid first when the pointer is untrusted). */
static inline struct slab *virt_to_slab(const void *obj)
{
	struct page *page = nmm_compound_head(virt_to_page(obj));
	return PageSlab(page) ? page_slab(page) : NULL;
}

/*
 * nmm_linear_slab - the slab whose pages hold the linear-map address @p, or NULL for anything
 * else (NULL, ZERO_SIZE_PTR, below the linear map, holes, non-slab pages, SLOB's shared pages):
 * a bounds check and three loads; @p itself is not read, so any pointer may be asked about.
 * Highmem addresses find pages that are never slabs. kfree's and free()'s fast paths.
 */
/* nmm_linear_page - the struct page of the linear-map address @p into @pagep; false outside the
 * linear map or in a hole: a bounds check and two loads; @p itself is not read. (A bool, not a
 * NULL page: the callers' fast paths then carry no test of the computed pointer.) */
static __always_inline bool nmm_linear_page(const void *p, struct page **pagep)
{
	uintptr_t off = (uintptr_t)p - nmm_linear_base;
	unsigned long sec = off >> SECTION_SIZE_BITS;
	if (unlikely(sec >= nmm_nr_sections))
		return false;
	uintptr_t map = nmm_section_map[sec];
	if (unlikely(!map))
		return false;
	*pagep = (struct page *)(map + (off >> PAGE_SHIFT) * sizeof(struct page));
	return true;
}

static __always_inline struct slab *nmm_linear_slab(const void *p)
{
	struct page *page;
	if (unlikely(!nmm_linear_page(p, &page)))
		return NULL;
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	if (unlikely(flags & (1UL << PG_tail))) {
		page = (struct page *)(__atomic_load_n(&page->compound_head, __ATOMIC_RELAXED) - 1);
		flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	}
	if (unlikely(!(flags & (1UL << PG_slab))))
		return NULL;
	return page_slab(page);
}

/*
 * nmm_linear_slab_cache - the cache of the slab whose pages hold the linear-map address @p, or
 * NULL (as nmm_linear_slab: any pointer may be asked about), read from @p's own struct page and
 * never from the slab's head page: a slab's tail pages carry the cache in their mapping word
 * (slab_pages_alloc sets it, slab_pages_release clears it; every other page's tail has NULL
 * there). One cache line where nmm_linear_slab touches two for slabs of more than one page — the
 * line free() misses on in big working sets. @pagep: @p's page (for its node, or the head).
 */
static __always_inline struct kmem_cache *nmm_linear_slab_cache(const void *p, struct page **pagep)
{
	struct page *page;
	if (unlikely(!nmm_linear_page(p, &page)))
		return NULL;
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	if (unlikely(!(flags & (1UL << PG_slab | 1UL << PG_tail))))
		return NULL;
	*pagep = page;
	return (struct kmem_cache *)__atomic_load_n(&page->mapping, __ATOMIC_RELAXED);
}

struct slabinfo;
struct kmem_cache;

/*
 * struct slab_allocator - one back end. Every function gets caches whose common fields are
 * filled (see struct kmem_cache). Objects are object pointers (slot + s->red_left_pad).
 */
struct slab_allocator {
	const char *name;                        /* "slub", "slab", "slob" */
	/* Choose s->order, s->objects (and back-end tunables), set up per-CPU and per-node
	 * structures in s->cpu / s->priv. Return: 0 or -ENOMEM (nothing left allocated). */
	int (*cache_create)(struct kmem_cache *s);
	/* Flush per-CPU caches, free every empty slab. Return: 0 when the cache holds no live
	 * object and everything was freed, -EBUSY (cache intact and usable) when objects live. */
	int (*cache_shutdown)(struct kmem_cache *s);
	/* Free the back end's structures after a successful cache_shutdown. */
	void (*cache_release)(struct kmem_cache *s);
	/* Allocate one object on @node (NUMA_NO_NODE: local; __GFP_THISNODE: only @node).
	 * Constructors: SLUB and SLAB run s->ctor on every object of a new slab; SLOB on every
	 * allocation. Return NULL when no slab can be had (the page allocator reported why). */
	void *(*alloc)(struct kmem_cache *s, gfp_t gfp, int node);
	/* Free @obj, already checked to be an object start of @slab in cache @s (slab is NULL
	 * under SLOB when its pages are shared). */
	void (*free)(struct kmem_cache *s, struct slab *slab, void *obj);
	/* Optional: bulk versions (NULL: the front loops over alloc/free). alloc_bulk returns
	 * @n or 0, leaving nothing allocated on failure. */
	int (*alloc_bulk)(struct kmem_cache *s, gfp_t gfp, size_t n, void **p);
	void (*free_bulk)(struct kmem_cache *s, size_t n, void **p);
	/* Give back empty slabs (keeping the back end's minimum, e.g. SLUB min_partial, unless
	 * @all). Return: pages freed. Called by kmem_cache_shrink and by the slab shrinker
	 * (shrinker.c) from reclaim — in any thread, possibly one that is inside this cache's own
	 * alloc slow path waiting for slab_pages_alloc(): so never hold a back-end lock across
	 * slab_pages_alloc(), as mm/slub.c drops its locks before allocate_slab(). */
	unsigned long (*shrink)(struct kmem_cache *s, bool all);
	/* Pages that shrink(s, true) could free now (for the shrinker's count_objects). */
	unsigned long (*reclaimable_pages)(struct kmem_cache *s);
	/* The cache of the object @obj in @slab, for kfree/ksize (SLUB/SLAB: slab->slab_cache;
	 * SLOB: from its own metadata). NULL when @obj is not an object start. */
	struct kmem_cache *(*obj_cache)(struct slab *slab, const void *obj);
	/* Is @obj (in @slab of @s) the start of an object slot? */
	bool (*is_obj_start)(struct kmem_cache *s, struct slab *slab, const void *obj);
	/* Fill the slabinfo numbers of @s (active/total objects and slabs, tunables). */
	void (*get_info)(struct kmem_cache *s, struct slabinfo *si);
	/* Call @fn on every object slot of @s with whether the back end considers it allocated
	 * (objects on per-CPU caches count as free). For destroy reports and debug walks. */
	void (*for_each_object)(struct kmem_cache *s,
				void (*fn)(struct kmem_cache *s, void *obj, bool allocated, void *arg),
				void *arg);
	/* Walk every structure of @s and check the invariants; print the first broken one to
	 * @why. Return: true when consistent. Callers hold no locks of @s. */
	bool (*is_valid)(struct kmem_cache *s, FILE *why);
	/* Optional: per-cache statistics (SLUB's /sys/kernel/slab/<cache>/ counters) to @out. */
	void (*print_stats)(struct kmem_cache *s, FILE *out);
	/* Optional: flush the calling thread's per-thread caches of every cache (thread exit and
	 * tests; the back ends also do it from their own thread-exit destructors). */
	void (*thread_flush)(void);
};

/* Weak while the back ends are being built: slab= names only those linked in. A weak reference
 * does not pull an object out of libnumamm.a, so each back end drops its weak when it lands. */
extern const struct slab_allocator slub_allocator;              /* slub.c: linked in */
extern const struct slab_allocator slab_classic_allocator;     /* slab_classic.c: linked in */
extern const struct slab_allocator slob_allocator;             /* slob.c: linked in */

/* The numbers of one /proc/slabinfo line (slabinfo version 2.1). */
struct slabinfo {
	unsigned long active_objs, num_objs;
	unsigned long active_slabs, num_slabs;
	unsigned long shared_avail;
	unsigned int limit, batchcount, shared;
	unsigned int objects_per_slab, cache_order;
};

/* Allocation/free call site records (SLAB_STORE_USER), kept after the object by debug.c. */
struct slab_track {
	unsigned long addr;      /* call site */
	int cpu, pid;
	unsigned long when_ns;
};

/*
 * struct kmem_cache - one cache. The first cache line holds what the fast paths read.
 */
struct kmem_cache {
	/* hot: read on every alloc/free */
	void *cpu;                      /* back end's per-CPU array (nmm_nr_cpu_ids entries) */
	unsigned int fast;              /* SLAB_FAST_*: which inline fast path may serve the cache */
	unsigned int size;              /* slot stride: object + metadata, aligned */
	unsigned int object_size;       /* what the creator asked for */
	unsigned int offset;            /* free pointer offset from the object pointer */
	unsigned int red_left_pad;      /* left redzone: object pointer - slot start */
	unsigned int id;                /* index into per-thread tables, < NMM_SLAB_MAX_CACHES */
	unsigned long reciprocal_size;  /* SLUB: ceil(2^44 / size), object-start checks by multiply */
	unsigned long thread_off;       /* SLUB: id * sizeof(struct kmem_cache_cpu), the entry's byte
					 * offset in a per-thread table (one add on the fast paths) */
	slab_flags_t flags;
	gfp_t allocflags;               /* GFP bits every slab page needs (__GFP_DMA, __GFP_COMP) */
	void (*ctor)(void *);
	const struct slab_allocator *ops;
	void *priv;                     /* back end's per-cache data */
	unsigned int order;             /* pages per slab = 1 << order */
	unsigned int objects;           /* objects per slab */
	/* cold */
	unsigned int align;             /* object alignment */
	unsigned int inuse;             /* offset of the metadata after the object (right redzone start) */
	unsigned int track_offset;      /* offset of struct slab_track[2] from the object, 0 = none */
	unsigned int useroffset, usersize;
	int refcount;                   /* creators sharing the cache (merging) */
	bool dead;                      /* destroyed with live objects: kept, never merged */
	struct list_head list;          /* slab_caches */
	char name[NMM_SLAB_NAME_MAX];
	unsigned long min_partial;      /* SLUB */
	unsigned int cpu_partial;       /* SLUB */
	/* debug.c: quarantined objects (freed, poisoned, checked on leaving) */
	struct slab_quarantine *quarantine;
	/* counters folded for reports */
	unsigned long alloc_fail;
};

enum { SLAB_FAST_NONE, SLAB_FAST_SLUB, SLAB_FAST_SLAB };

#define SLAB_DEBUG_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS)
/* Flags that keep caches apart (mm/slab_common.c SLAB_NEVER_MERGE / SLAB_MERGE_SAME). */
#define SLAB_NEVER_MERGE (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TYPESAFE_BY_RCU | \
			  SLAB_CONSISTENCY_CHECKS | SLAB_NOLEAKTRACE | SLAB_FAILSLAB | SLAB_KASAN)
#define SLAB_MERGE_SAME (SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT)

static inline void *slab_obj_to_slot(const struct kmem_cache *s, const void *obj)
{
	return (char *)obj - s->red_left_pad;
}
/* The object pointer of slot @i of a slab whose first slot starts at @base. */
static inline void *slab_obj_at(const struct kmem_cache *s, void *base, unsigned int i)
{
	return (char *)base + (size_t)i * s->size + s->red_left_pad;
}
static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj + s->offset);
}
static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *fp)
{
	*(void **)((char *)obj + s->offset) = fp;
}

/* slab_common.c */
extern struct list_head slab_caches;     /* every cache, under slab_mutex */
extern pthread_mutex_t slab_mutex;
/* Called after slab_free_check() reported a pointer it did not free (NULL: nothing more). The
 * drop-in malloc sets it to abort with glibc's "free(): invalid pointer", as glibc would. */
extern void (*nmm_slab_bad_free_hook)(const void *obj, unsigned long caller);
extern enum slab_backend_id slab_backend;
extern const struct slab_allocator *slab_ops;
extern bool slab_nomerge;
extern struct kmem_cache *slab_cache_by_id[NMM_SLAB_MAX_CACHES];
int nmm_slab_init(const char *slab, bool nomerge, const char *slub_debug, char *err, size_t errlen);
void nmm_slab_release(void);
void *__slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, int node, unsigned long caller);
void __slab_free_slow(struct kmem_cache *s, void *obj, unsigned long caller);
/* Check that @obj may be freed to @s (a slab object start of @s); report and return false if
 * not. @expected NULL: any cache (kfree), *found gets the cache. */
bool slab_free_check(struct kmem_cache *expected, const void *obj, unsigned long caller,
		     const char *fn, struct kmem_cache **found);
struct kmem_cache *__kmem_cache_create_flags(const char *name, unsigned int size, unsigned int align,
					     slab_flags_t flags, unsigned int useroffset,
					     unsigned int usersize, void (*ctor)(void *), gfp_t allocflags);
void slab_run_ctor_all(struct kmem_cache *s, void *base);   /* every slot of a new slab */

/* slab_pages.c: a new slab of 1 << s->order pages on @node with PageSlab set, slab_cache = @s
 * (may be NULL for SLOB), __page_virtual its address; NULL (reported) when memory is short. */
struct slab *slab_pages_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned int order);
/* Give a slab's pages back (after an RCU grace period for SLAB_TYPESAFE_BY_RCU caches). */
void slab_pages_free(struct kmem_cache *s, struct slab *slab, unsigned int order);
unsigned long nmm_slab_pages(int nid, bool reclaimable);   /* slab pages held, per node */
/* Allocate/free zeroed memory for back-end metadata (per-CPU arrays, per-node structures):
 * page-allocator backed, never malloc (the malloc shim sits on top of us). */
void *slab_meta_zalloc(size_t size, int node);
void slab_meta_free(void *p, size_t size);
/* slab_meta_reset - forget the metadata pages (nmm_slab_release: they go with the arena). */
void slab_meta_reset(void);
void slab_meta_fork_lock(bool lock);   /* nmm_fork_prepare (true), parent/child (false) */
/* slab_order like mm/slub.c calculate_order: smallest order with waste <= 1/16, objects within
 * [min_objects, MAX_OBJS_PER_PAGE]. */
unsigned int slab_calculate_order(unsigned int size, unsigned int min_objects, unsigned int max_order);

/* debug.c, debug_report.c: red zones, poison, store user, checks on free, quarantine */
/* Defined in slab_common.c, set by slab_debug_parse(): slub_debug=FLAGS[,cache1,cache2...] */
extern slab_flags_t slub_debug_flags;
extern char slub_debug_only[256];                   /* comma-separated names, "" = all */
int slab_debug_parse(const char *opt, char *err, size_t errlen);
void *slab_debug_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned long caller);
void slab_debug_free(struct kmem_cache *s, void *obj, unsigned long caller);
void slab_debug_flush(struct kmem_cache *s);  /* quarantine → back end (checked) */
/* After a successful cache_shutdown: free the quarantine, reset the cache id's counters. */
void slab_debug_release(struct kmem_cache *s);
void slab_debug_print_object(struct kmem_cache *s, void *obj, FILE *out);
/* A new slab's slots: redzones and poison of free objects. Back ends call it for debug caches
 * (s->flags & SLAB_DEBUG_FLAGS) on every slot of a new slab, before the constructor and before
 * they write a free pointer into the slot (poison would overwrite it). */
void slab_debug_init_slot(struct kmem_cache *s, void *obj);
/* A call site as "function+0xoff/0xsize" (dladdr), for reports. Return: @buf. */
const char *slab_debug_site(unsigned long addr, char *buf, size_t len);
/* BUG reports made about @s; corrupted objects of @s kept out of circulation. */
unsigned long slab_debug_reports(const struct kmem_cache *s);
unsigned long slab_debug_leaked(const struct kmem_cache *s);

/* shrinker.c */
int slab_shrinker_register(void);
void slab_shrinker_unregister(void);

/* rcu.c */
void slab_rcu_barrier(void);

/* kmalloc.c */
int kmalloc_caches_init(char *err, size_t errlen);
void kmalloc_caches_release(void);
void kmalloc_caches_settle(void);               /* every kmalloc cache touched, then shrunk */

/* Report helpers */
void slab_report(struct kmem_cache *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
