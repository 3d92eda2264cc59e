/* lib/slab/slab_common.c - the kmem_cache front shared by SLUB, SLAB and SLOB (mm/slab_common.c):
 * creating caches (argument checks, merging, object layout), destroying them (live objects are
 * reported, nothing is freed under them), and the alloc/free entry points that pick the inline
 * fast path or the back end.
 *
 * slab_mutex serialises create/destroy/shrink and walks of slab_caches; alloc and free never
 * take it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/numamm.h>

#include "../trace/slab_events.h"
#include "slab.h"
#include "slab_asan.h"
#include "slab_fastpath.h"

LIST_HEAD(slab_caches);
pthread_mutex_t slab_mutex = PTHREAD_MUTEX_INITIALIZER;
enum slab_backend_id slab_backend = SLAB_BACKEND_SLUB;
const struct slab_allocator *slab_ops = &slub_allocator;
bool slab_nomerge;
slab_flags_t slub_debug_flags;          /* set by slab_debug_parse (debug.c) */
char slub_debug_only[256];
struct kmem_cache *slab_cache_by_id[NMM_SLAB_MAX_CACHES];
static bool slab_up;

static const struct slab_allocator *const backends[NR_SLAB_BACKENDS] = {
	[SLAB_BACKEND_SLUB] = &slub_allocator,
	[SLAB_BACKEND_SLAB] = &slab_classic_allocator,
	[SLAB_BACKEND_SLOB] = &slob_allocator,
};

void slab_report(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "numamm: slab %s: %s\n", s ? s->name : "(none)", msg);
}

/* Ids are reserved under slab_mutex while a cache is made, and published in slab_cache_by_id
 * only once the back end has set it up: thread-exit flushes and SLOB's header lookups read the
 * table without slab_mutex and must never see a half-made cache (or one being released). */
static bool cache_id_reserved[NMM_SLAB_MAX_CACHES];

static int cache_id_get(struct kmem_cache *s)
{
	for (unsigned int i = 0; i < NMM_SLAB_MAX_CACHES; i++) {
		if (!slab_cache_by_id[i] && !cache_id_reserved[i]) {
			cache_id_reserved[i] = true;
			s->id = i;
			s->thread_off = (unsigned long)i * NMM_SLAB_THREAD_ENTRY;
			return 0;
		}
	}
	return -ENOSPC;
}

static void cache_id_publish(struct kmem_cache *s)
{
	__atomic_store_n(&slab_cache_by_id[s->id], s, __ATOMIC_RELEASE);
}

/* Unpublish before the back end releases the cache (its readers then skip it), free the id. */
static void cache_id_put(struct kmem_cache *s)
{
	__atomic_store_n(&slab_cache_by_id[s->id], NULL, __ATOMIC_RELEASE);
	cache_id_reserved[s->id] = false;
}

/* calculate_alignment (mm/slab_common.c): cache-line alignment shrinks for small objects so two
 * 24-byte objects are not each given a whole line. */
static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = NMM_CACHE_LINE;
		while (size <= ralign / 2)
			ralign /= 2;
		align = align > ralign ? align : ralign;
	}
	if (align < ARCH_SLAB_MINALIGN)
		align = ARCH_SLAB_MINALIGN;
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/* The object layout of slab.h's map: redzones, free pointer, tracks (calculate_sizes). */
static void calculate_sizes(struct kmem_cache *s)
{
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));
	if ((s->flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);             /* a right redzone of at least one word */
	s->inuse = size;
	if (s->ctor || (s->flags & SLAB_TYPESAFE_BY_RCU)) {
		/* The object keeps its contents while free: the free pointer goes after it. */
		s->offset = size;
		size += sizeof(void *);
	} else {
		/* Mid-object, as SLUB does since 5.8: a small overflow from the previous object
		 * does not hit the pointer. */
		s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	}
	if (s->flags & SLAB_STORE_USER) {
		s->track_offset = size;
		size += 2 * sizeof(struct slab_track);
	}
	s->red_left_pad = 0;
	if (s->flags & SLAB_RED_ZONE)
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
	s->size = ALIGN(s->red_left_pad + size, s->align);
}

static bool name_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* slub_debug= applies to every cache, or only to the caches it lists (kmem_cache_flags). */
static slab_flags_t kmem_cache_flags(const char *name, slab_flags_t flags)
{
	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	if (slub_debug_only[0] && !name_in_list(slub_debug_only, name))
		return flags;
	return flags | slub_debug_flags;
}

/* find_mergeable: a live cache objects of @size/@align/@flags can share. slab_mutex held. */
static struct kmem_cache *find_mergeable(unsigned int size, unsigned int align, slab_flags_t flags,
					 unsigned int usersize, void (*ctor)(void *), gfp_t allocflags)
{
	if (slab_nomerge || ctor || usersize || (flags & SLAB_NEVER_MERGE))
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = calculate_alignment(flags, align, size);
	size = ALIGN(size, align);
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list) {
		if (s->dead || s->ctor || s->usersize || (s->flags & SLAB_NEVER_MERGE) || s->refcount < 0)
			continue;
		if (size > s->size || s->allocflags != allocflags)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)   /* not aligned as asked */
			continue;
		/* A stride that is a multiple of @align aligns every slot only where slots start at
		 * the slab's base (SLUB, SLAB); SLOB places each block by the cache's own alignment
		 * anywhere in a shared page, so the cache must align at least as much as asked
		 * (fuzz_slab_ops: tests/fuzz_regressions/slab_ops/slob_merge_align). */
		if (s->align < align)
			continue;
		if (s->size - size >= sizeof(void *))       /* would waste a word per object */
			continue;
		return s;
	}
	return NULL;
}

static bool create_args_ok(const char *name, unsigned int size, unsigned int align, slab_flags_t flags,
			   unsigned int useroffset, unsigned int usersize)
{
	const char *why = NULL;
	if (!name || !*name)
		why = "no name";
	else if (strlen(name) >= NMM_SLAB_NAME_MAX)
		why = "name too long";
	else if (size < 1 || size > (PAGE_SIZE << MAX_ORDER) / 2)
		why = "bad object size";
	else if (align & (align - 1))
		why = "alignment not a power of two";
	else if (align > PAGE_SIZE)
		why = "alignment above PAGE_SIZE";
	else if ((flags & SLAB_TYPESAFE_BY_RCU) && (flags & SLAB_POISON))
		why = "SLAB_POISON with SLAB_TYPESAFE_BY_RCU";
	else if (usersize && (useroffset > size || usersize > size - useroffset))
		why = "usercopy window outside the object";
	if (!why)
		return true;
	fprintf(stderr, "numamm: kmem_cache_create(%s): %s (size %u, align %u, flags %#x)\n",
		name ? name : "(null)", why, size, align, flags);
	return false;
}

static void cache_free_struct(struct kmem_cache *s)
{
	slab_meta_free(s, sizeof(*s));
}

struct kmem_cache *__kmem_cache_create_flags(const char *name, unsigned int size, unsigned int align,
					     slab_flags_t flags, unsigned int useroffset,
					     unsigned int usersize, void (*ctor)(void *), gfp_t allocflags)
{
	/* slab_up first: kmalloc_caches_init creates caches during boot, with boot_lock held. */
	if (!slab_up && (nmm_boot_if_needed() || !slab_up)) {
		fprintf(stderr, "numamm: kmem_cache_create(%s): numamm did not boot\n", name ? name : "(null)");
		return NULL;
	}
	if (!create_args_ok(name, size, align, flags, useroffset, usersize))
		return NULL;
	flags = kmem_cache_flags(name, flags);
	if (flags & SLAB_CACHE_DMA)
		allocflags |= __GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		allocflags |= __GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		allocflags |= __GFP_RECLAIMABLE;

	pthread_mutex_lock(&slab_mutex);
	struct kmem_cache *s = find_mergeable(size, align, flags, usersize, ctor, allocflags);
	if (s) {
		s->refcount++;
		if (size > s->object_size)
			s->object_size = size;
		pthread_mutex_unlock(&slab_mutex);
		return s;
	}
	int e = -ENOMEM;
	s = slab_meta_zalloc(sizeof(*s), NUMA_NO_NODE);
	if (!s)
		goto out;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->useroffset = usersize ? useroffset : 0;
	s->usersize = usersize;
	s->allocflags = allocflags;
	s->align = calculate_alignment(flags, align, size);
	s->refcount = 1;
	s->ops = slab_ops;
	calculate_sizes(s);
	e = cache_id_get(s);
	if (e)
		goto out_free;
	e = s->ops->cache_create(s);
	if (e)
		goto out_id;
	if (s->flags & SLAB_DEBUG_FLAGS)
		s->fast = SLAB_FAST_NONE;       /* every object passes debug.c */
	cache_id_publish(s);
	list_add_tail(&s->list, &slab_caches);
	pthread_mutex_unlock(&slab_mutex);
	return s;
out_id:
	cache_id_put(s);
out_free:
	cache_free_struct(s);
out:
	pthread_mutex_unlock(&slab_mutex);
	fprintf(stderr, "numamm: kmem_cache_create(%s): cannot create the cache: %s\n", name, strerror(-e));
	return NULL;
}

static struct kmem_cache *create_or_panic(const char *name, unsigned int size, unsigned int align,
					  slab_flags_t flags, unsigned int useroffset, unsigned int usersize,
					  void (*ctor)(void *))
{
	struct kmem_cache *s = __kmem_cache_create_flags(name, size, align, flags, useroffset, usersize,
							 ctor, 0);
	if (!s && (flags & SLAB_PANIC)) {
		fprintf(stderr, "numamm: kmem_cache_create: Failed to create slab '%s' (SLAB_PANIC)\n",
			name ? name : "(null)");
		abort();
	}
	return s;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	return create_or_panic(name, size, align, flags, 0, 0, ctor);
}

struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size, unsigned int align,
					      slab_flags_t flags, unsigned int useroffset,
					      unsigned int usersize, void (*ctor)(void *))
{
	return create_or_panic(name, size, align, flags, useroffset, usersize, ctor);
}

struct destroy_report {
	unsigned long live;
	unsigned long shown;
};

static void report_live_object(struct kmem_cache *s, void *obj, bool allocated, void *arg)
{
	struct destroy_report *r = arg;
	if (!allocated)
		return;
	r->live++;
	if (r->shown >= 16)
		return;
	r->shown++;
	if (s->track_offset) {
		const struct slab_track *t = (const struct slab_track *)((char *)obj + s->track_offset);
		char site[256];
		fprintf(stderr, "numamm: slab %s: object %p still live, allocated in %s cpu=%d pid=%d\n",
			s->name, obj, slab_debug_site(t[0].addr, site, sizeof(site)), t[0].cpu, t[0].pid);
	} else {
		fprintf(stderr, "numamm: slab %s: object %p still live\n", s->name, obj);
	}
}

/* Shut @s down; slab_mutex held. Return: 0 when the cache is gone, -EBUSY when objects live. */
static int shutdown_cache(struct kmem_cache *s)
{
	if (s->flags & SLAB_DEBUG_FLAGS)
		slab_debug_flush(s);
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		slab_rcu_barrier();
	int e = s->ops->cache_shutdown(s);
	if (e)
		return e;
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		slab_rcu_barrier();             /* slabs freed by the shutdown */
	list_del(&s->list);
	slab_debug_release(s);
	cache_id_put(s);
	s->ops->cache_release(s);
	cache_free_struct(s);
	return 0;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&slab_mutex);
	if (--s->refcount > 0 || s->dead) {
		if (s->dead)
			slab_report(s, "kmem_cache_destroy: cache already destroyed with live objects");
		pthread_mutex_unlock(&slab_mutex);
		return;
	}
	if (shutdown_cache(s)) {
		struct destroy_report r = { 0, 0 };
		s->ops->for_each_object(s, report_live_object, &r);
		fprintf(stderr, "numamm: slab %s: kmem_cache_destroy: %lu objects remaining%s; the cache is "
			"kept\n", s->name, r.live,
			s->track_offset ? "" : " (boot with slub_debug=U to see where they were allocated)");
		s->dead = true;
		s->refcount = 0;
	}
	pthread_mutex_unlock(&slab_mutex);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	if (!s)
		return 0;
	if (s->flags & SLAB_DEBUG_FLAGS)
		slab_debug_flush(s);
	s->ops->shrink(s, true);
	return 0;
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s ? s->object_size : 0;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s ? s->name : NULL;
}

void slab_run_ctor_all(struct kmem_cache *s, void *base)
{
	if (!s->ctor)
		return;
	for (unsigned int i = 0; i < s->objects; i++)
		s->ctor(slab_obj_at(s, base, i));
}

/* ---- allocation ---- */

void *__slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, int node, unsigned long caller)
{
	void *obj;
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS))
		obj = slab_debug_alloc(s, gfp, node, caller);
	else
		obj = s->ops->alloc(s, gfp, node);
	if (unlikely(!obj)) {
		__atomic_fetch_add(&s->alloc_fail, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	if (slab_asan_cache(s))
		slab_asan_unpoison(s, obj, s->object_size);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

static noinline void *kmem_cache_alloc_slow(struct kmem_cache *s, gfp_t gfp, int node,
					     unsigned long caller, bool node_event)
{
	void *obj = slab_alloc_node(s, gfp, node, caller);
	if (node_event)
		trace_kmem_cache_alloc_node(caller, obj, s->object_size, s->size, gfp, node);
	else
		trace_kmem_cache_alloc(caller, obj, s->object_size, s->size, gfp, node);
	return obj;
}

/*
 * kmem_cache_alloc - the fast path is SLUB's pop (slub_fast.h) behind three tests (a SLUB cache,
 * no __GFP_ZERO, nobody tracing) and no stack frame; the rest (zeroing, tracing, SLAB's array
 * caches, debug, the back ends' slow paths) is one tail call away.
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	void *obj = kmem_cache_alloc_inline_fast(s, gfp);
	if (likely(obj))
		return obj;
	return kmem_cache_alloc_slow(s, gfp, NUMA_NO_NODE, _RET_IP_, false);
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	return kmem_cache_alloc_slow(s, gfp, node, _RET_IP_, true);
}

int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p)
{
	if (!size)
		return 0;
	if (s->ops->alloc_bulk && !(s->flags & SLAB_DEBUG_FLAGS)) {
		/* One failslab decision for the batch; the loop below decides per object. */
		if (nmm_fault_on(NMM_FAULT_SLAB) && should_failslab(s->object_size, gfp, _RET_IP_))
			return 0;
		int n = s->ops->alloc_bulk(s, gfp, size, p);
		if (n && slab_asan_cache(s))
			for (size_t i = 0; i < size; i++)
				slab_asan_unpoison(s, p[i], s->object_size);
		if (n && (gfp & __GFP_ZERO))
			for (size_t i = 0; i < size; i++)
				memset(p[i], 0, s->object_size);
		return n;
	}
	for (size_t i = 0; i < size; i++) {
		p[i] = slab_alloc_node(s, gfp, NUMA_NO_NODE, _RET_IP_);
		if (!p[i]) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	return (int)size;
}

/* ---- free ---- */

/* Is @obj a linear-map address inside a slab page? (The free paths' always-on check: a pointer
 * numamm never returned must be reported, not followed.) */
static struct slab *obj_slab_checked(const void *obj)
{
	if (!virt_addr_valid(obj))
		return NULL;
	return virt_to_slab(obj);
}

void (*nmm_slab_bad_free_hook)(const void *obj, unsigned long caller);

static void bad_free(const void *obj, unsigned long caller)
{
	void (*hook)(const void *, unsigned long) = nmm_slab_bad_free_hook;
	if (hook)
		hook(obj, caller);
}

bool slab_free_check(struct kmem_cache *expected, const void *obj, unsigned long caller,
		     const char *fn, struct kmem_cache **found)
{
	struct slab *slab = obj_slab_checked(obj);
	struct kmem_cache *s = slab ? slab->slab_cache : NULL;
	if (slab && slab_ops->obj_cache)
		s = slab_ops->obj_cache(slab, obj);
	if (!s && slab) {
		/* SLOB: in a slab page, but in no live block — freed already, or never handed out */
		fprintf(stderr, "numamm: %s(%p) from %#lx: not a live object of its slab page (freed "
			"already?); not freed\n", fn, obj, caller);
		bad_free(obj, caller);
		return false;
	}
	if (!s) {
		fprintf(stderr, "numamm: %s(%p) from %#lx: not an object numamm's slab allocator returned; "
			"not freed\n", fn, obj, caller);
		bad_free(obj, caller);
		return false;
	}
	if (expected && s != expected) {
		fprintf(stderr, "numamm: %s: Wrong slab cache. %s but object %p is from %s (caller %#lx); "
			"not freed\n", fn, expected->name, obj, s->name, caller);
		bad_free(obj, caller);
		return false;
	}
	if (!s->ops->is_obj_start(s, slab, obj)) {
		fprintf(stderr, "numamm: slab %s: %s(%p) from %#lx: pointer is not the start of an object; "
			"not freed\n", s->name, fn, obj, caller);
		bad_free(obj, caller);
		return false;
	}
	*found = s;
	return true;
}

void __slab_free_slow(struct kmem_cache *s, void *obj, unsigned long caller)
{
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS)) {
		slab_debug_free(s, obj, caller);
		return;
	}
	if (slab_asan_cache(s))
		slab_asan_poison_free(s, obj);     /* before another thread can take it */
	s->ops->free(s, s->ops->obj_cache ? NULL : virt_to_slab(obj), obj);
}

static noinline void kmem_cache_free_slow(struct kmem_cache *s, void *obj, unsigned long caller)
{
	if (unlikely(!obj))
		return;
	trace_kmem_cache_free(caller, obj, s->name);
	slab_free(s, obj, caller, "kmem_cache_free");
}

/* kmem_cache_free - SLUB's push (which proves @obj is an object of @s in the CPU's slab) with
 * no stack frame; everything else, NULL included, in kmem_cache_free_slow. */
void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (likely(kmem_cache_free_inline_fast(s, obj)))
		return;
	kmem_cache_free_slow(s, obj, _RET_IP_);
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	if (s->ops->free_bulk && !(s->flags & SLAB_DEBUG_FLAGS)) {
		/* The back end trusts its input: check every pointer first, drop the bad ones. */
		size_t good = 0;
		for (size_t i = 0; i < size; i++) {
			struct kmem_cache *found;
			if (p[i] && slab_free_check(s, p[i], _RET_IP_, "kmem_cache_free_bulk", &found)) {
				if (slab_asan_cache(s))
					slab_asan_poison_free(s, p[i]);
				p[good++] = p[i];
			}
		}
		s->ops->free_bulk(s, good, p);
		return;
	}
	for (size_t i = 0; i < size; i++)
		if (p[i])
			slab_free(s, p[i], _RET_IP_, "kmem_cache_free_bulk");
}

/* ---- boot ---- */

int nmm_slab_init(const char *slab, bool nomerge, const char *slub_debug, char *err, size_t errlen)
{
	static const char *const names[NR_SLAB_BACKENDS] = { "slub", "slab", "slob" };
	slab_backend = SLAB_BACKEND_SLUB;
	if (!slab || !*slab) {
		/* Default: SLUB, or the first back end built in. */
		int i = 0;
		while (i < NR_SLAB_BACKENDS && !backends[i])
			i++;
		if (i == NR_SLAB_BACKENDS)
			return 0;               /* no back end linked in: no slab layer */
		slab_backend = (enum slab_backend_id)i;
	} else {
		int i = 0;
		while (i < NR_SLAB_BACKENDS && strcmp(slab, names[i]))
			i++;
		if (i == NR_SLAB_BACKENDS) {
			snprintf(err, errlen, "slab=%s: not slub, slab or slob", slab);
			return -EINVAL;
		}
		slab_backend = (enum slab_backend_id)i;
	}
	slab_ops = backends[slab_backend];
	if (!slab_ops) {
		snprintf(err, errlen, "slab=%s: this back end is not built", names[slab_backend]);
		return -EINVAL;
	}
	slab_nomerge = nomerge;
	int e = slab_debug_parse(slub_debug ? slub_debug : "", err, errlen);
	if (e)
		return e;
	slab_up = true;
	e = kmalloc_caches_init(err, errlen);
	if (!e)
		e = slab_shrinker_register();
	if (e)
		nmm_slab_release();
	return e;
}

/* Forget every cache (nmm_shutdown: all memory is about to go). */
void nmm_slab_release(void)
{
	slab_shrinker_unregister();
	pthread_mutex_lock(&slab_mutex);
	kmalloc_caches_release();
	struct kmem_cache *s, *n;
	list_for_each_entry_safe(s, n, &slab_caches, list) {
		if (s->flags & SLAB_DEBUG_FLAGS)
			slab_debug_flush(s);
		s->ops->cache_shutdown(s);      /* live objects die with the arena */
		list_del(&s->list);
		slab_debug_release(s);
		cache_id_put(s);
		s->ops->cache_release(s);
		cache_free_struct(s);
	}
	slab_up = false;
	pthread_mutex_unlock(&slab_mutex);
	if (slab_ops && slab_ops->thread_flush)
		slab_ops->thread_flush();
	slab_rcu_barrier();
	slab_meta_reset();
}
