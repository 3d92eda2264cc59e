/* linux/shrinker.h - shrinkers: how caches give memory back under pressure (Linux 6.1 API).
 *
 * count_objects() says how many objects could be freed; scan_objects() frees up to
 * sc->nr_to_scan of them and returns how many it freed, or SHRINK_STOP when it cannot make
 * progress in this context. sc->gfp_mask is the allocation's mask: a shrinker that would need
 * filesystem or I/O work must check __GFP_FS / __GFP_IO and stop when they are missing
 * (GFP_NOFS / GFP_NOIO callers). Shrinkers run from direct reclaim (the allocating thread, when
 * its mask has __GFP_DIRECT_RECLAIM) and from the per-node kswapd thread.
 */
#ifndef NUMAMM_LINUX_SHRINKER_H
#define NUMAMM_LINUX_SHRINKER_H

#include "../ktypes.h"
#include "list.h"

struct shrink_control {
	gfp_t gfp_mask;
	int nid;                    /* node under pressure (for SHRINKER_NUMA_AWARE shrinkers) */
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};

#define SHRINK_STOP (~0UL)
#define SHRINK_EMPTY (~0UL - 1)
#define DEFAULT_SEEKS 2
#define SHRINKER_REGISTERED (1 << 0)
#define SHRINKER_NUMA_AWARE (1 << 2)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
	long batch;                 /* objects per scan_objects call, 0 = 128 */
	int seeks;                  /* cost to recreate an object, DEFAULT_SEEKS */
	unsigned flags;
	/* private to numamm */
	struct list_head list;
	long nr_deferred;
	char name[32];
};

/**
 * register_shrinker - make @shrinker known to reclaim.
 * @fmt: printf-style name, shown in reports
 * Return: 0, or -EINVAL for a shrinker without callbacks or registered twice.
 */
int register_shrinker(struct shrinker *shrinker, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* unregister_shrinker - forget @shrinker; returns once no reclaim is running it. */
void unregister_shrinker(struct shrinker *shrinker);

/* shrink_slab - run every shrinker once at @priority (12 = gentle ... 0 = everything).
 * Return: objects freed. Used by direct reclaim, kswapd and tests. */
unsigned long shrink_slab(gfp_t gfp_mask, int nid, int priority);

/* nmm_reclaim_set_idle_flush - @fn (NULL: none) runs in a kswapd thread after each pass, with
 * the shrinkers' lock held: the slab layer gives back what that thread's own object caches hold
 * (per-thread tables when rseq is off), so an idle kswapd pins no slab. Returns once no kswapd
 * runs the previous one. numamm's own extension. */
void nmm_reclaim_set_idle_flush(void (*fn)(void));

#endif
