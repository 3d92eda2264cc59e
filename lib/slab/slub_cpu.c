/* lib/slab/slub_cpu.c - which kmem_cache_cpu a SLUB slow path works on, and how it holds it
 * (mm/slub.c's local_lock of struct kmem_cache_cpu, flush_all, and what the kernel needs no
 * code for: per-thread caches where rseq is missing).
 *
 * A CPU's structure is locked by a thread running on that CPU, inside an rseq critical section
 * (cpu == cpu_id? !locked? [commit] locked = 1): any fast path of that CPU in flight is then
 * restarted by the kernel and every later one sees `locked`. The holder may migrate afterwards
 * and keeps the lock; other threads on the CPU spin (then yield) in their slow paths.
 * A drainer on another CPU (shrink, destroy) cannot take the lock inside a sequence of that
 * CPU: it sets locked = 2 with a compare-and-exchange and then fences with
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ), which restarts every sequence in flight.
 * A local sequence that committed locked = 1 over the 2 before the fence owns the lock; the
 * drainer sees 1 after the fence and waits for it. Only one drainer per cache runs at a time
 * (drain_mutex), and a local holder never waits for anything while holding, so no cycle.
 *
 * Threads without rseq get a table of NMM_SLAB_MAX_CACHES kmem_cache_cpu entries (1 MiB of
 * lazily touched anonymous memory, not page-allocator memory: most of it is never touched),
 * on a registry so that cache shutdown can flush every thread's entry of the cache, which it
 * may because kmem_cache_destroy's caller guarantees nobody uses the cache any more. A thread's
 * entries are flushed at its exit (pthread key destructor) and by slub_thread_flush().
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include "slub.h"

__thread struct kmem_cache_cpu *slub_thread_cpu __attribute__((tls_model("initial-exec")));
bool slub_rseq_usable;

/* This thread's registry entry. */
struct slub_thread {
	struct kmem_cache_cpu *table;
	unsigned int nr_used;            /* entries [0, nr_used) may be in use */
	struct list_head list;
};
static __thread struct slub_thread slub_self;
static LIST_HEAD(slub_threads);
static pthread_mutex_t slub_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t slub_key;
static pthread_once_t slub_key_once = PTHREAD_ONCE_INIT;

#define SLUB_TABLE_BYTES ((size_t)NMM_SLAB_MAX_CACHES * sizeof(struct kmem_cache_cpu))

/* At each cache creation: may this process use the rseq per-CPU structures? Their drains need
 * the membarrier fence; without it every thread takes the per-thread tables. */
void slub_cpu_setup(void)
{
#if NMM_HAVE_RSEQ_MAG
	bool usable = nmm_mag_fence_available();
#else
	bool usable = false;
#endif
	/* Written only when it changes: fast paths of other threads read it while caches are
	 * created (the answer is the same for the life of the process). */
	if (__atomic_load_n(&slub_rseq_usable, __ATOMIC_RELAXED) != usable)
		__atomic_store_n(&slub_rseq_usable, usable, __ATOMIC_RELAXED);
}

/* slub_threads_sync - wait until no thread is walking its table (thread exit, flushes): a
 * cache unpublished from slab_cache_by_id before this is seen by none of them afterwards. */
void slub_threads_sync(void)
{
	pthread_mutex_lock(&slub_threads_lock);
	pthread_mutex_unlock(&slub_threads_lock);
}

void slub_stat_nolock(struct kmem_cache *s, enum slub_stat_item item)
{
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (tc) {
		tc[s->id].stat[item]++;
		return;
	}
	int cpu = nmm_cpu_rseq_id();
	if (slub_rseq_usable && cpu >= 0 && cpu < nmm_nr_cpu_ids)
		__atomic_fetch_add(&slub_cpu(s, cpu)->stat[item], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&slub_priv(s)->stat_other[item], 1, __ATOMIC_RELAXED);
}

/* ---- per-thread tables ---- */

static void slub_flush_entry(struct kmem_cache *s, struct kmem_cache_cpu *c, bool fold)
{
	struct slub_ctx x = { .s = s, .c = c, .cpu = -1, .discard = NULL };
	slub_flush_cpu(&x);
	if (fold) {
		for (int i = 0; i < NR_SLUB_STAT_ITEMS; i++)
			if (c->stat[i])
				__atomic_fetch_add(&slub_priv(s)->stat_other[i], c->stat[i], __ATOMIC_RELAXED);
		memset(c, 0, sizeof(*c));
	}
	slub_free_discards(s, x.discard);
}

/* Flush every entry of @t; registry lock held (so no cache can be shut down meanwhile). */
static void slub_table_flush(struct slub_thread *t, bool fold)
{
	unsigned int nr = __atomic_load_n(&t->nr_used, __ATOMIC_RELAXED);
	for (unsigned int id = 0; id < nr; id++) {
		struct kmem_cache_cpu *c = &t->table[id];
		struct kmem_cache *s = __atomic_load_n(&slab_cache_by_id[id], __ATOMIC_ACQUIRE);
		if (!s || s->ops != &slub_allocator || !s->priv)
			continue;
		if (c->slab || c->partial || fold)
			slub_flush_entry(s, c, fold);
	}
}

static void slub_thread_exit(void *arg)
{
	struct slub_thread *t = arg;
	pthread_mutex_lock(&slub_threads_lock);
	slub_table_flush(t, true);
	list_del(&t->list);
	pthread_mutex_unlock(&slub_threads_lock);
	slub_thread_cpu = NULL;
	munmap(t->table, SLUB_TABLE_BYTES);
	t->table = NULL;
	t->nr_used = 0;
}

static void slub_key_create(void)
{
	pthread_key_create(&slub_key, slub_thread_exit);
}

static struct kmem_cache_cpu *slub_thread_table_create(void)
{
	void *t = mmap(NULL, SLUB_TABLE_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED) {
		fprintf(stderr, "numamm: slub: cannot map a per-thread cache table: %s\n", strerror(errno));
		return NULL;
	}
	/* Published first: anything below that allocates (pthread_setspecific may, under the malloc
	 * shim) finds the table instead of making another. */
	slub_thread_cpu = t;
	slub_self.table = t;
	slub_self.nr_used = 0;
	pthread_once(&slub_key_once, slub_key_create);
	pthread_mutex_lock(&slub_threads_lock);
	list_add(&slub_self.list, &slub_threads);
	pthread_mutex_unlock(&slub_threads_lock);
	pthread_setspecific(slub_key, &slub_self);
	return t;
}

/* ---- the per-CPU lock ---- */

#if NMM_HAVE_RSEQ_MAG
static bool slub_cpu_trylock_rseq(struct rseq *rs, int cpu, struct kmem_cache_cpu *c)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movl $1, %[locked]\n\t"
		     "2:\n\t"
		     : /* no outputs: see NMM_RSEQ_CS_BEGIN */
		     : [locked] "m" (c->locked), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs)
		     : "rax", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}
#endif

static void slub_backoff(unsigned int spins)
{
	if (spins < 64)
		cpu_relax();
	else
		sched_yield();
}

/**
 * slub_ctx_lock - get a kmem_cache_cpu of @s for a slow path.
 * @x: filled in
 * @s: the cache
 *
 * With rseq: the structure of the CPU the thread runs on, locked. Without: the thread's own
 * table entry (the table is made on first use).
 * Context: may spin while another thread holds the CPU's structure.
 * Return: false only when a per-thread table cannot be mapped.
 */
bool slub_ctx_lock(struct slub_ctx *x, struct kmem_cache *s)
{
	x->s = s;
	x->discard = NULL;
	x->cpu = -1;
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (!tc) {
#if NMM_HAVE_RSEQ_MAG
		if (slub_rseq_usable) {
			struct rseq *rs = nmm_rseq_area();
			for (unsigned int spins = 0;; spins++) {
				int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
				if (cpu < 0 || cpu >= nmm_nr_cpu_ids)
					break;
				struct kmem_cache_cpu *c = slub_cpu(s, cpu);
				if (slub_cpu_trylock_rseq(rs, cpu, c)) {
					x->c = c;
					x->cpu = cpu;
					return true;
				}
				if (__atomic_load_n(&c->locked, __ATOMIC_RELAXED))
					slub_backoff(spins);
			}
		}
#endif
		tc = slub_thread_table_create();
		if (!tc) {
			x->c = NULL;
			return false;
		}
	}
	if (s->id >= slub_self.nr_used)      /* read by shutdown's walk of the registry */
		__atomic_store_n(&slub_self.nr_used, s->id + 1, __ATOMIC_RELAXED);
	x->c = tc + s->id;
	return true;
}

void slub_ctx_unlock(struct slub_ctx *x)
{
	if (x->cpu >= 0)
		__atomic_store_n(&x->c->locked, 0, __ATOMIC_RELEASE);
	x->c = NULL;
}

/* Drop the hold and give back the slabs collected meanwhile. */
void slub_ctx_done(struct slub_ctx *x)
{
	if (x->c)
		slub_ctx_unlock(x);
	slub_free_discards(x->s, x->discard);
	x->discard = NULL;
}

/* ---- draining other CPUs ---- */

/* Take the locks of every CPU whose structure holds anything, from wherever we run: a CAS to 2
 * for each, one fence for the batch, then keep those still at 2 and go round again for the
 * rest (a local slow path committed its 1 over our 2 before the fence, or held the lock).
 * held[cpu]: 0 to take, 1 held, 2 nothing to flush, 3 CAS done and fence pending. */
enum { REMOTE_TODO, REMOTE_HELD, REMOTE_SKIP, REMOTE_FENCE };

static void slub_lock_remote(struct kmem_cache *s, unsigned char *held, bool skip_empty)
{
	for (int cpu = 0; cpu < nmm_nr_cpu_ids && skip_empty; cpu++) {
		struct kmem_cache_cpu *c = slub_cpu(s, cpu);
		if (!__atomic_load_n(&c->slab, __ATOMIC_RELAXED) && !__atomic_load_n(&c->partial, __ATOMIC_RELAXED))
			held[cpu] = REMOTE_SKIP;
	}
	for (unsigned int round = 0;; round++) {
		bool pending = false, fence = false;
		for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
			int zero = 0;
			if (held[cpu] != REMOTE_TODO)
				continue;
			if (__atomic_compare_exchange_n(&slub_cpu(s, cpu)->locked, &zero, 2, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
				held[cpu] = REMOTE_FENCE;
				fence = true;
			} else {
				pending = true;
			}
		}
		if (fence)
			nmm_mag_fence();
		for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
			if (held[cpu] != REMOTE_FENCE)
				continue;
			if (__atomic_load_n(&slub_cpu(s, cpu)->locked, __ATOMIC_ACQUIRE) == 2) {
				held[cpu] = REMOTE_HELD;
			} else {
				held[cpu] = REMOTE_TODO;
				pending = true;
			}
		}
		if (!pending)
			return;
		slub_backoff(round);
	}
}

/**
 * slub_flush_all_cpus - flush every CPU's structure of @s (flush_all): active slabs are
 * deactivated, per-CPU partial slabs unfrozen.
 * @s: the cache
 * @d: collects the slabs to free (d->discard); the caller frees them
 * Context: takes drain_mutex; may sleep in membarrier.
 */
void slub_flush_all_cpus(struct kmem_cache *s, struct slub_ctx *d)
{
	if (!slub_rseq_usable)
		return;                          /* the per-CPU structures were never used */
	struct slub_cache *sc = slub_priv(s);
	unsigned char held[NMM_MAX_CPUS];
	memset(held, 0, sizeof(held));
	pthread_mutex_lock(&sc->drain_mutex);
	slub_lock_remote(s, held, true);
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++) {
		if (held[cpu] != REMOTE_HELD)
			continue;
		struct slub_ctx x = { .s = s, .c = slub_cpu(s, cpu), .cpu = cpu, .discard = d->discard };
		slub_flush_cpu(&x);
		d->discard = x.discard;
		slub_ctx_unlock(&x);
	}
	pthread_mutex_unlock(&sc->drain_mutex);
}

/**
 * slub_lock_all_cpus - hold every CPU's structure of @s (walkers), as a drainer does.
 * @held: NMM_MAX_CPUS bytes, zeroed; nonzero afterwards where held
 * Return: false when the per-CPU structures are not in use (nothing was locked).
 */
bool slub_lock_all_cpus(struct kmem_cache *s, unsigned char *held)
{
	if (!slub_rseq_usable)
		return false;
	pthread_mutex_lock(&slub_priv(s)->drain_mutex);
	slub_lock_remote(s, held, false);
	return true;
}

void slub_unlock_all_cpus(struct kmem_cache *s, unsigned char *held)
{
	for (int cpu = 0; cpu < nmm_nr_cpu_ids; cpu++)
		if (held[cpu] == REMOTE_HELD)
			__atomic_store_n(&slub_cpu(s, cpu)->locked, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&slub_priv(s)->drain_mutex);
}

/* Flush the calling thread's own entry of @s (shrink: other threads' entries are theirs). */
void slub_flush_own_thread(struct kmem_cache *s)
{
	struct kmem_cache_cpu *tc = slub_thread_cpu;
	if (tc && s->id < slub_self.nr_used)
		slub_flush_entry(s, &tc[s->id], false);
}

/* Flush and clear every thread's entry of @s (cache shutdown: nobody uses @s any more). */
void slub_flush_all_threads(struct kmem_cache *s)
{
	struct slub_thread *t;
	pthread_mutex_lock(&slub_threads_lock);
	list_for_each_entry(t, &slub_threads, list)
		if (s->id < __atomic_load_n(&t->nr_used, __ATOMIC_RELAXED))
			slub_flush_entry(s, &t->table[s->id], true);
	pthread_mutex_unlock(&slub_threads_lock);
}

/* ops->thread_flush: give back everything the calling thread's table holds. */
void slub_thread_flush(void)
{
	if (!slub_thread_cpu)
		return;
	pthread_mutex_lock(&slub_threads_lock);
	slub_table_flush(&slub_self, false);
	pthread_mutex_unlock(&slub_threads_lock);
}

/* Call @fn on every thread's entry of @s (walkers; the cache should be quiescent). */
void slub_for_each_thread_cpu(struct kmem_cache *s,
			      void (*fn)(struct kmem_cache *s, struct kmem_cache_cpu *c, void *arg), void *arg)
{
	struct slub_thread *t;
	pthread_mutex_lock(&slub_threads_lock);
	list_for_each_entry(t, &slub_threads, list)
		if (s->id < __atomic_load_n(&t->nr_used, __ATOMIC_RELAXED))
			fn(s, &t->table[s->id], arg);
	pthread_mutex_unlock(&slub_threads_lock);
}
