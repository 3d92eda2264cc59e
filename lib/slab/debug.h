/* lib/slab/debug.h - what debug.c (checks, quarantine) and debug_report.c (the kernel-shaped
 * reports) share: the poison and redzone byte values of include/linux/poison.h, the quarantine,
 * and the report entry points. Nothing outside lib/slab/debug*.c includes it.
 */
#ifndef NUMAMM_LIB_SLAB_DEBUG_H
#define NUMAMM_LIB_SLAB_DEBUG_H

#include "slab.h"

/* include/linux/poison.h values, so a dump reads like the kernel's. */
#define SLUB_RED_INACTIVE 0xbb   /* redzone of a free object */
#define SLUB_RED_ACTIVE   0xcc   /* redzone of an allocated object */
#define POISON_INUSE      0x5a   /* an allocated object nobody wrote yet (mm/slab.c) */
#define POISON_FREE       0x6b   /* a freed object */
#define POISON_END        0xa5   /* last byte of a freed object */

/* Quarantine bounds: the FIFO holds at most this many objects and this many slot bytes, so a
 * use after free is caught while the object is still poisoned, for a bounded memory cost. */
#define SLAB_QUARANTINE_OBJS  64
#define SLAB_QUARANTINE_BYTES (256u << 10)

/*
 * struct slab_quarantine - recently freed objects of one debug cache, oldest first.
 *
 * Objects in the ring are poisoned, their redzones inactive, their free track recorded; nobody
 * may write them (a write is a use after free, found when they leave). They leave in FIFO order
 * when the ring is over either bound, or all at once on slab_debug_flush(), and are checked
 * outside the lock before the back end gets them.
 *
 * Invariants (under lock): 0 <= count <= SLAB_QUARANTINE_OBJS; bytes == count * s->size;
 * ring[(head + i) % SLAB_QUARANTINE_OBJS] for i < count are distinct object pointers of the cache.
 */
struct slab_quarantine {
	spinlock_t lock;
	unsigned int head, count;
	size_t bytes;
	void *ring[SLAB_QUARANTINE_OBJS];
};

/* Per-cache counters, indexed by s->id (no allocation needed to count a report made while
 * memory is short). Reset when the cache goes (slab_debug_release). */
struct slab_debug_counters {
	unsigned long reports;       /* BUG reports about the cache */
	unsigned long leaked;        /* corrupted objects kept out of circulation */
};
extern struct slab_debug_counters slab_debug_counters[NMM_SLAB_MAX_CACHES];

/* What a byte range holds, for the reports: first and last byte that differ from @expect. */
struct slab_bad_range {
	const unsigned char *first, *last;   /* NULL: the range is intact */
	unsigned char expect;
};

/* debug_report.c */
/* Open a report: the "BUG <cache> (Not tainted): <what>" header; takes the report lock, which
 * slab_report_end() drops, so concurrent reports never interleave. */
void slab_report_begin(struct kmem_cache *s, const char *what);
/* "INFO: 0x..-0x.. @offset=N. First byte 0x.. instead of 0x.." for a damaged range. */
void slab_report_bad_range(struct kmem_cache *s, void *obj, const struct slab_bad_range *r);
/* Close a report with "FIX <cache>: <fix>" and count it. */
void slab_report_end(struct kmem_cache *s, const char *fix, ...) __attribute__((format(printf, 2, 3)));

#endif
