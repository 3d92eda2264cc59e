/* lib/slab/debug.c - slab debugging under any back end (mm/slub.c's CONFIG_SLUB_DEBUG part:
 * slub_debug=, init_object, check_object, alloc/free_debug_processing, set_track; mm/slab.c's
 * DEBUG part: POISON_INUSE on allocation with the constructor run again) plus a quarantine of
 * recently freed objects (the idea of KASAN's quarantine), so use after free is caught.
 *
 * A cache with any of SLAB_RED_ZONE (Z), SLAB_POISON (P), SLAB_STORE_USER (U) or
 * SLAB_CONSISTENCY_CHECKS (F) has no inline fast path: slab_common.c sends every allocation to
 * slab_debug_alloc() and every free (already checked to be an object start of the cache) to
 * slab_debug_free(). The back end only ever sees objects debug has checked.
 *
 * Life of an object of a debug cache (slot layout: slab.h):
 *
 *   new slab ── back end: slab_debug_init_slot ──► redzones 0xbb, object 6b 6b .. a5 (P)
 *   alloc    ── redzones must be 0xbb ──► redzones 0xcc, object 5a 5a .. (P) then ctor again,
 *               alloc track (U)
 *   free     ── redzones must be 0xcc (0xbb both sides = already free), U's tracks and the
 *               quarantine say "not free yet" ──► free track (U), redzones 0xbb, object 6b .. a5
 *               (P), into the cache's quarantine (FIFO)
 *   leaves the quarantine (FIFO over its bounds, kmem_cache_shrink/destroy) ── redzones 0xbb and
 *               poison intact ──► back end's free
 *
 * Any failed check prints a kernel-style report (debug_report.c) and the object stays out of
 * circulation for good: it is never given to the back end again, which counts it as allocated
 * (better a leak than a second owner). A double free is reported and ignored; the object stays
 * where the first free put it. The process keeps running.
 *
 * What each flag costs and catches:
 *   Z: a left redzone of red_left_pad bytes and a right one up to s->inuse, checked on every
 *      free, on leaving the quarantine, and on alloc where slots are fixed (SLUB, SLAB: a write
 *      into a free neighbour; SLOB reuses blocks freely, so its slots are laid out on alloc):
 *      overflows, underflows, double free (the redzone pattern is the object's state, as
 *      mm/slab.c's redzone words are).
 *   P: freed objects filled with 6b..a5 and checked when they leave the quarantine: writes after
 *      free while the object was quarantined (at most SLAB_QUARANTINE_OBJS objects or
 *      SLAB_QUARANTINE_BYTES per cache). New objects are 5a-filled: reads of uninitialised
 *      memory show up as 0x5a5a.... With a constructor, the constructor runs again after that
 *      fill, so the caller still gets a constructed object (the constructed state cannot survive
 *      poisoning; mm/slab.c does the same). Constructors then run once per allocation rather
 *      than once per object life: a cost of debugging.
 *   U: struct slab_track[2] (alloc, free: call site, cpu, thread id, time) after the object;
 *      reports print them, kmem_cache_destroy names the sites of live objects, and the pair
 *      tells a free object from a live one (double free) even after the quarantine.
 *   F: cheap checks on every operation: the back end's object is in a slab of the cache at an
 *      object start; a freed object is not in the quarantine already. The full walk
 *      (s->ops->is_valid) runs only on slab_debug_flush (kmem_cache_shrink, destroy): it walks
 *      every slab, too slow for each operation.
 * Without Z or U, a double free is caught only while the first free is still quarantined.
 *
 * Locks: the quarantine's spinlock covers the ring only; objects are written before they go in
 * and checked after they come out, never under the lock, and the back end is never called with
 * it held.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <numamm/cpu.h>

#include "debug.h"

/* ---- slub_debug= ---- */

/**
 * slab_debug_parse - parse the slub_debug= boot option into slub_debug_flags/slub_debug_only.
 * @opt: "FLAGS[,cache1,cache2...]" as mm/slub.c reads it: F consistency checks, Z red zones,
 *       P poison, U store user, T trace (SLAB_TRACE: the USDT probes), A failslab (accepted),
 *       O accepted (no order limit here), - no debugging; no letters = FZPU. Letters in either
 *       case. "" (option absent) = no debugging. Only one block: ';' is refused.
 * @err: message for a bad option
 * @errlen: its size
 *
 * Context: boot (nmm_slab_init), before any cache exists.
 * Return: 0, or -EINVAL with @err naming the bad letter (boot then fails cleanly).
 */
int slab_debug_parse(const char *opt, char *err, size_t errlen)
{
	slub_debug_flags = 0;
	slub_debug_only[0] = '\0';
	if (!opt || !*opt)
		return 0;
	if (strchr(opt, ';')) {
		snprintf(err, errlen, "slub_debug=%s: several ';'-separated blocks are not supported", opt);
		return -EINVAL;
	}
	const char *comma = strchr(opt, ',');
	size_t n = comma ? (size_t)(comma - opt) : strlen(opt);
	slab_flags_t flags = 0;
	bool off = false;
	for (size_t i = 0; i < n; i++) {
		switch (tolower((unsigned char)opt[i])) {
		case 'f': flags |= SLAB_CONSISTENCY_CHECKS; break;
		case 'z': flags |= SLAB_RED_ZONE; break;
		case 'p': flags |= SLAB_POISON; break;
		case 'u': flags |= SLAB_STORE_USER; break;
		case 't': flags |= SLAB_TRACE; break;
		case 'a': flags |= SLAB_FAILSLAB; break;
		case 'o': break;
		case '-': off = true; break;
		default:
			snprintf(err, errlen, "slub_debug=%s: unknown option '%c' (expected F, Z, P, U, T, A, O or -)",
				 opt, opt[i]);
			return -EINVAL;
		}
	}
	if (!n)
		flags = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
	if (off)
		flags = 0;
	if (comma) {
		const char *list = comma + 1;
		if (strlen(list) >= sizeof(slub_debug_only)) {
			snprintf(err, errlen, "slub_debug=: cache list too long (over %zu characters)",
				 sizeof(slub_debug_only) - 1);
			return -EINVAL;
		}
		strcpy(slub_debug_only, list);
	}
	slub_debug_flags = flags;
	return 0;
}

/* ---- object state ---- */

static __thread int debug_tid;

static void debug_tid_reset(void)
{
	debug_tid = 0;          /* the child of fork() has a new thread id */
}

static void debug_tid_atfork(void)
{
	pthread_atfork(NULL, NULL, debug_tid_reset);
}

/* The thread id for tracks, cached per thread (gettid is a system call). */
static int current_tid(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (__builtin_expect(!debug_tid, 0)) {
		pthread_once(&once, debug_tid_atfork);
		debug_tid = gettid();
	}
	return debug_tid;
}

static unsigned long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000000000UL + (unsigned long)ts.tv_nsec;
}

static inline struct slab_track *obj_tracks(const struct kmem_cache *s, void *obj)
{
	return (struct slab_track *)((char *)obj + s->track_offset);
}

/* set_track. The two times are kept strictly ordered (alloc < free for a free object, free <
 * alloc for a live one) so the pair is the object's state even when the clock did not move. */
static void set_track(struct kmem_cache *s, void *obj, int which, unsigned long caller)
{
	struct slab_track *t = obj_tracks(s, obj);
	unsigned long when = now_ns(), other = t[!which].when_ns;
	t[which].addr = caller;
	t[which].cpu = nmm_cpu_current();
	t[which].pid = current_tid();
	t[which].when_ns = when > other ? when : other + 1;
}

/* A free track newer than the alloc track: the object was freed and not allocated since. */
static bool track_says_free(struct kmem_cache *s, void *obj)
{
	const struct slab_track *t = obj_tracks(s, obj);
	return t[1].addr && t[1].when_ns > t[0].when_ns;
}

/* The first and last byte of [p, p + len) that are not @val. */
static struct slab_bad_range check_bytes(const void *p, size_t len, unsigned char val)
{
	struct slab_bad_range r = { NULL, NULL, val };
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++) {
		if (b[i] != val) {
			if (!r.first)
				r.first = b + i;
			r.last = b + i;
		}
	}
	return r;
}

struct redzones {
	struct slab_bad_range left, right;
};

static struct redzones check_redzones(struct kmem_cache *s, void *obj, unsigned char val)
{
	unsigned char *p = obj;
	struct redzones z;
	z.left = check_bytes(p - s->red_left_pad, s->red_left_pad, val);
	z.right = check_bytes(p + s->object_size, s->inuse - s->object_size, val);
	return z;
}

static bool redzones_ok(const struct redzones *z)
{
	return !z->left.first && !z->right.first;
}

static void set_redzones(struct kmem_cache *s, void *obj, unsigned char val)
{
	unsigned char *p = obj;
	memset(p - s->red_left_pad, val, s->red_left_pad);
	memset(p + s->object_size, val, s->inuse - s->object_size);
}

static void poison_free(struct kmem_cache *s, void *obj)
{
	unsigned char *p = obj;
	memset(p, POISON_FREE, s->object_size - 1);
	p[s->object_size - 1] = POISON_END;
}

/* The poison of a freed object: first and last damaged byte (expect = what the first should be). */
static struct slab_bad_range check_poison(struct kmem_cache *s, void *obj)
{
	const unsigned char *p = obj;
	struct slab_bad_range r = check_bytes(p, s->object_size - 1, POISON_FREE);
	if (p[s->object_size - 1] != POISON_END) {
		if (!r.first) {
			r.first = p + s->object_size - 1;
			r.expect = POISON_END;
		}
		r.last = p + s->object_size - 1;
	}
	return r;
}

/* ---- reports ---- */

static void leak_object(struct kmem_cache *s)
{
	__atomic_fetch_add(&slab_debug_counters[s->id].leaked, 1, __ATOMIC_RELAXED);
}

static const char *redzone_title(const struct redzones *z)
{
	if (z->left.first && z->right.first)
		return "Left and Right Redzone overwritten";
	return z->left.first ? "Left Redzone overwritten" : "Right Redzone overwritten";
}

/* A damaged object: report it and keep it out of circulation. */
static void report_corrupt(struct kmem_cache *s, void *obj, const char *what, const struct redzones *z,
			   const struct slab_bad_range *poison)
{
	slab_report_begin(s, what);
	if (z && z->left.first)
		slab_report_bad_range(s, obj, &z->left);
	if (z && z->right.first)
		slab_report_bad_range(s, obj, &z->right);
	if (poison && poison->first)
		slab_report_bad_range(s, obj, poison);
	slab_debug_print_object(s, obj, stderr);
	leak_object(s);
	slab_report_end(s, "Object at %p not freed, kept out of circulation", obj);
}

static void report_double_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	char site[256];
	slab_report_begin(s, "Object already free");
	fprintf(stderr, "INFO: double free of %p: freed again in %s cpu=%d pid=%d\n", obj,
		slab_debug_site(caller, site, sizeof(site)), nmm_cpu_current(), current_tid());
	slab_debug_print_object(s, obj, stderr);
	slab_report_end(s, "Object at %p not freed again (double free ignored)", obj);
}

/* ---- quarantine ---- */

static struct slab_quarantine *quarantine_get(struct kmem_cache *s)
{
	struct slab_quarantine *q = __atomic_load_n(&s->quarantine, __ATOMIC_ACQUIRE);
	if (__builtin_expect(q != NULL, 1))
		return q;
	struct slab_quarantine *n = slab_meta_zalloc(sizeof(*n), NUMA_NO_NODE);
	if (!n)
		return NULL;            /* no quarantine this time: objects go straight back */
	spin_lock_init(&n->lock);
	if (!__atomic_compare_exchange_n(&s->quarantine, &q, n, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		slab_meta_free(n, sizeof(*n));
		return q;
	}
	return n;
}

static bool quarantine_contains(struct slab_quarantine *q, const void *obj)
{
	bool found = false;
	spin_lock(&q->lock);
	for (unsigned int i = 0; i < q->count && !found; i++)
		found = q->ring[(q->head + i) % SLAB_QUARANTINE_OBJS] == obj;
	spin_unlock(&q->lock);
	return found;
}

/* An object leaves the quarantine: still poisoned and inactive? Then the back end gets it. */
static void quarantine_release(struct kmem_cache *s, void *obj)
{
	struct redzones z = { { NULL, NULL, 0 }, { NULL, NULL, 0 } };
	struct slab_bad_range poison = { NULL, NULL, 0 };
	if (s->flags & SLAB_RED_ZONE)
		z = check_redzones(s, obj, SLUB_RED_INACTIVE);
	if (s->flags & SLAB_POISON)
		poison = check_poison(s, obj);
	if (poison.first || !redzones_ok(&z)) {
		report_corrupt(s, obj, poison.first ? "Poison overwritten" : redzone_title(&z), &z, &poison);
		return;
	}
	s->ops->free(s, s->ops->obj_cache ? NULL : virt_to_slab(obj), obj);
}

/* Add @obj; objects pushed out by the bounds are released (checked) after the lock. */
static void quarantine_put(struct kmem_cache *s, struct slab_quarantine *q, void *obj)
{
	void *out[SLAB_QUARANTINE_OBJS];
	unsigned int nout = 0;
	spin_lock(&q->lock);
	while (q->count && (q->count == SLAB_QUARANTINE_OBJS || q->bytes + s->size > SLAB_QUARANTINE_BYTES)) {
		out[nout++] = q->ring[q->head];
		q->head = (q->head + 1) % SLAB_QUARANTINE_OBJS;
		q->count--;
		q->bytes -= s->size;
	}
	q->ring[(q->head + q->count) % SLAB_QUARANTINE_OBJS] = obj;
	q->count++;
	q->bytes += s->size;
	spin_unlock(&q->lock);
	for (unsigned int i = 0; i < nout; i++)
		quarantine_release(s, out[i]);
}

/* ---- the back end's hooks ---- */

/**
 * slab_debug_init_slot - prepare a slot of a new slab of a debug cache.
 * @s: the cache (s->flags & SLAB_DEBUG_FLAGS)
 * @obj: the slot's object pointer
 *
 * Inactive redzones, poisoned object (SLAB_POISON), empty tracks (SLAB_STORE_USER). Back ends
 * call it before they run the constructor and before they write a free pointer into the slot.
 * Context: any; touches only the slot.
 */
void slab_debug_init_slot(struct kmem_cache *s, void *obj)
{
	if (s->flags & SLAB_RED_ZONE)
		set_redzones(s, obj, SLUB_RED_INACTIVE);
	if (s->flags & SLAB_POISON)
		poison_free(s, obj);
	if (s->track_offset)
		memset(obj_tracks(s, obj), 0, 2 * sizeof(struct slab_track));
}

/* alloc_consistency_checks: is what the back end handed out a free object of @s? */
static bool alloc_checks(struct kmem_cache *s, void *obj)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		struct slab *slab = virt_addr_valid(obj) ? virt_to_slab(obj) : NULL;
		if (!slab || !s->ops->is_obj_start(s, slab, obj)) {
			slab_report_begin(s, "Freelist Pointer check fails");
			fprintf(stderr, "INFO: the back end returned %p, not an object start of the cache\n", obj);
			slab_report_end(s, "Object at %p not used", obj);
			return false;
		}
	}
	if (s->ops->obj_cache) {
		/* SLOB keeps no slots: a block's bytes before allocation are its free-list
		 * bookkeeping or another cache's old object, so there is nothing to check yet.
		 * Lay the slot out here (whatever path the back end took). */
		slab_debug_init_slot(s, obj);
		return true;
	}
	if (s->flags & SLAB_RED_ZONE) {
		struct redzones z = check_redzones(s, obj, SLUB_RED_INACTIVE);
		if (!redzones_ok(&z)) {
			struct redzones a = check_redzones(s, obj, SLUB_RED_ACTIVE);
			if (redzones_ok(&a)) {
				slab_report_begin(s, "Object already allocated");
				slab_debug_print_object(s, obj, stderr);
				leak_object(s);
				slab_report_end(s, "Object at %p not handed out again", obj);
			} else {
				report_corrupt(s, obj, redzone_title(&z), &z, NULL);
			}
			return false;
		}
	}
	return true;
}

/**
 * slab_debug_alloc - allocate from a debug cache: the back end's object, checked and prepared.
 * @s: the cache (s->flags & SLAB_DEBUG_FLAGS)
 * @gfp: GFP mask for the back end
 * @node: node for the back end
 * @caller: the allocation's call site (alloc track)
 *
 * An object that fails the checks is reported, kept out of circulation, and another is taken
 * (up to 16 times). The object comes back with active redzones, 5a-filled and constructed
 * again (SLAB_POISON), with its alloc track (SLAB_STORE_USER); __GFP_ZERO is the caller's.
 * Context: as the back end's alloc.
 * Return: the object, or NULL.
 */
void *slab_debug_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned long caller)
{
	for (int tries = 0; tries < 16; tries++) {
		void *obj = s->ops->alloc(s, gfp, node);
		if (!obj)
			return NULL;
		if (!alloc_checks(s, obj))
			continue;
		if (s->track_offset)
			set_track(s, obj, 0, caller);
		if (s->flags & SLAB_RED_ZONE)
			set_redzones(s, obj, SLUB_RED_ACTIVE);
		if (s->flags & SLAB_POISON) {
			memset(obj, POISON_INUSE, s->object_size);
			if (s->ctor)
				s->ctor(obj);
		}
		return obj;
	}
	return NULL;
}

/**
 * slab_debug_free - free to a debug cache: check, poison, quarantine.
 * @s: the cache (s->flags & SLAB_DEBUG_FLAGS)
 * @obj: an object start of @s (the front end checked)
 * @caller: the free's call site (free track, reports)
 *
 * A double free is reported and ignored; an object with damaged redzones is reported and kept
 * out of circulation. Otherwise the object is poisoned and quarantined; the back end gets it
 * when it leaves the quarantine intact.
 * Context: any thread.
 */
void slab_debug_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct redzones z = { { NULL, NULL, 0 }, { NULL, NULL, 0 } };
	if (s->flags & SLAB_RED_ZONE) {
		z = check_redzones(s, obj, SLUB_RED_ACTIVE);
		struct redzones inactive = check_redzones(s, obj, SLUB_RED_INACTIVE);
		if (!redzones_ok(&z) && redzones_ok(&inactive)) {
			report_double_free(s, obj, caller);
			return;
		}
	}
	if (s->track_offset && track_says_free(s, obj)) {
		report_double_free(s, obj, caller);
		return;
	}
	if (!redzones_ok(&z)) {
		if (s->track_offset)
			set_track(s, obj, 1, caller);
		report_corrupt(s, obj, redzone_title(&z), &z, NULL);
		return;
	}
	struct slab_quarantine *q = quarantine_get(s);
	if (q && quarantine_contains(q, obj)) {
		report_double_free(s, obj, caller);
		return;
	}
	if (s->track_offset)
		set_track(s, obj, 1, caller);
	if (s->flags & SLAB_RED_ZONE)
		set_redzones(s, obj, SLUB_RED_INACTIVE);
	if (s->flags & SLAB_POISON)
		poison_free(s, obj);
	if (q)
		quarantine_put(s, q, obj);
	else
		quarantine_release(s, obj);
}

/**
 * slab_debug_flush - empty @s's quarantine, checking each object on its way to the back end.
 * @s: a debug cache
 *
 * With SLAB_CONSISTENCY_CHECKS, also walks the back end's structures (s->ops->is_valid).
 * Context: kmem_cache_shrink/destroy, boot release; process context, may run with slab_mutex.
 */
void slab_debug_flush(struct kmem_cache *s)
{
	struct slab_quarantine *q = __atomic_load_n(&s->quarantine, __ATOMIC_ACQUIRE);
	if (q) {
		void *out[SLAB_QUARANTINE_OBJS];
		unsigned int n;
		spin_lock(&q->lock);
		n = q->count;
		for (unsigned int i = 0; i < n; i++)
			out[i] = q->ring[(q->head + i) % SLAB_QUARANTINE_OBJS];
		q->head = q->count = 0;
		q->bytes = 0;
		spin_unlock(&q->lock);
		for (unsigned int i = 0; i < n; i++)
			quarantine_release(s, out[i]);
	}
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !s->ops->is_valid(s, stderr)) {
		slab_report_begin(s, "Slab structures inconsistent");
		fprintf(stderr, "INFO: the back end's walk found the inconsistency printed above\n");
		slab_report_end(s, "Cache left as it is");
	}
}

/**
 * slab_debug_release - forget @s's debug state when the cache goes away.
 * @s: a cache whose back end shut down (no objects, no concurrent use)
 *
 * Frees the quarantine (empty after slab_debug_flush) and resets the counters of s->id.
 */
void slab_debug_release(struct kmem_cache *s)
{
	struct slab_quarantine *q = __atomic_exchange_n(&s->quarantine, NULL, __ATOMIC_ACQ_REL);
	if (q)
		slab_meta_free(q, sizeof(*q));
	memset(&slab_debug_counters[s->id], 0, sizeof(slab_debug_counters[s->id]));
}
