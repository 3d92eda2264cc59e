/* lib/slab/slab_classic_array.c - SLAB's array caches seen from outside their fast paths
 * (mm/slab.c drain_cpu_caches / do_drain, and the per-thread arrays numamm adds for threads
 * without rseq).
 *
 * Per-thread arrays: a thread without rseq (GLIBC_TUNABLES=glibc.pthread.rseq=0, valgrind, TSan
 * builds) gets its own array per cache, made on its first allocation or free, guarded by the
 * array's lock (uncontended but for drainers), flushed at thread exit by a pthread key
 * destructor. Every thread's table is on a registry so that shrink and destroy can empty the
 * arrays of all threads. At nmm_shutdown the tables are forgotten (slabc_gen moves on: a
 * thread's pointer from an earlier boot is never followed).
 *
 * Per-CPU arrays are emptied from any CPU by locking them (ac->locked: every rseq sequence then
 * fails) and fencing (membarrier restarts the sequences already past their locked check). Where
 * membarrier is missing the drainer visits each CPU instead (sched_setaffinity): once it has run
 * there, no sequence that started before its lock can still commit there.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include <numamm/numamm.h>

#include "slab_classic.h"

struct slabc_thread {
	struct list_head registry;      /* slabc_threads, under slabc_threads_lock */
	struct array_cache *ac[NMM_SLAB_MAX_CACHES];   /* by cache id; written under the lock */
};

static LIST_HEAD(slabc_threads);
static pthread_mutex_t slabc_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t slabc_thread_key;
static pthread_once_t slabc_thread_key_once = PTHREAD_ONCE_INIT;
static unsigned long slabc_gen = 1;     /* boots of the slab layer: thread tables are per boot */
static __thread struct slabc_thread *slabc_self;
static __thread unsigned long slabc_self_gen;

static void thread_exit(void *arg);

static void thread_key_create(void)
{
	pthread_key_create(&slabc_thread_key, thread_exit);
}

static struct slabc_thread *thread_register(void)
{
	struct slabc_thread *t = slab_meta_zalloc(sizeof(*t), NUMA_NO_NODE);
	if (!t)
		return NULL;
	pthread_once(&slabc_thread_key_once, thread_key_create);
	pthread_mutex_lock(&slabc_threads_lock);
	list_add(&t->registry, &slabc_threads);
	slabc_self = t;
	slabc_self_gen = slabc_gen;
	pthread_mutex_unlock(&slabc_threads_lock);
	pthread_setspecific(slabc_thread_key, t);
	return t;
}

static struct slabc_thread *thread_self(void)
{
	struct slabc_thread *t = slabc_self;
	if (likely(t) && likely(slabc_self_gen == __atomic_load_n(&slabc_gen, __ATOMIC_ACQUIRE)))
		return t;
	return NULL;
}

/**
 * slabc_thread_ac - the calling thread's array cache for @s, made on first use.
 * Return: the array, or NULL when no memory was left for it (the caller then works on the node
 * lists directly).
 */
struct array_cache *slabc_thread_ac(struct kmem_cache *s)
{
	struct slabc_thread *t = thread_self();
	if (unlikely(!t)) {
		if (!nmm_booted())
			return NULL;    /* nmm_shutdown flushing quarantines: no new memory now */
		t = thread_register();
		if (!t)
			return NULL;
	}
	struct array_cache *ac = __atomic_load_n(&t->ac[s->id], __ATOMIC_ACQUIRE);
	if (likely(ac))
		return ac;
	if (!nmm_booted())
		return NULL;
	struct slabc_cache *c = slabc(s);
	int node = numa_node_id();
	if ((unsigned int)node >= (unsigned int)nr_node_ids)
		node = 0;
	ac = slab_meta_zalloc(ac_bytes(c->limit), node);
	if (!ac)
		return NULL;
	ac->limit = c->limit;
	ac->batchcount = c->batchcount;
	ac->node = node;
	spin_lock_init(&ac->lock);
	pthread_mutex_lock(&slabc_threads_lock);
	__atomic_store_n(&t->ac[s->id], ac, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&slabc_threads_lock);
	return ac;
}

/**
 * slabc_ac_allochits - objects the fast path handed out of @ac: everything that came in minus
 * everything that left some other way (see struct array_cache).
 */
uint64_t slabc_ac_allochits(const struct array_cache *ac)
{
	return __atomic_load_n(&ac->batch_in, __ATOMIC_RELAXED) + ac_freehits(ac) -
	       __atomic_load_n(&ac->batch_out, __ATOMIC_RELAXED) - ac_avail(ac);
}

/**
 * slabc_fold_ac_stats - keep the hit counts of an array that is going away in its cache.
 */
void slabc_fold_ac_stats(struct kmem_cache *s, struct array_cache *ac)
{
	struct slabc_stats *st = &slabc(s)->stats;
	__atomic_fetch_add(&st->gone_allochit, slabc_ac_allochits(ac), __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->gone_freehit, ac_freehits(ac), __ATOMIC_RELAXED);
}

/* Empty a thread array (its lock held). */
static void thread_ac_drain(struct kmem_cache *s, struct array_cache *ac)
{
	unsigned int avail = ac_avail(ac);
	if (!avail)
		return;
	slabc_free_to_node(s, ac->node, ac->entry, avail, false);
	ac_set_avail(ac, 0);
	ac->batch_out += avail;
	ac->touched = 0;
}

/* Empty @t's arrays of every cache, freeing them with @release. slabc_threads_lock held. */
static void thread_drain_all(struct slabc_thread *t, bool release)
{
	for (unsigned int id = 0; id < NMM_SLAB_MAX_CACHES; id++) {
		struct array_cache *ac = t->ac[id];
		struct kmem_cache *s = __atomic_load_n(&slab_cache_by_id[id], __ATOMIC_ACQUIRE);
		if (!ac || !s)
			continue;
		spin_lock(&ac->lock);
		thread_ac_drain(s, ac);
		spin_unlock(&ac->lock);
		if (release) {
			slabc_fold_ac_stats(s, ac);
			__atomic_store_n(&t->ac[id], NULL, __ATOMIC_RELEASE);
			slab_meta_free(ac, ac_bytes(ac->limit));
		}
	}
}

static void thread_exit(void *arg)
{
	struct slabc_thread *t = arg;
	/* A table of an earlier boot lived in memory that is gone: leave it. */
	if (t != slabc_self || slabc_self_gen != __atomic_load_n(&slabc_gen, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&slabc_threads_lock);
	if (slabc_self_gen == slabc_gen) {
		thread_drain_all(t, true);
		list_del(&t->registry);
		slab_meta_free(t, sizeof(*t));
	}
	slabc_self = NULL;
	pthread_mutex_unlock(&slabc_threads_lock);
}

/**
 * slabc_thread_flush_all - empty the calling thread's arrays of every cache (ops->thread_flush).
 */
void slabc_thread_flush_all(void)
{
	struct slabc_thread *t = thread_self();
	if (!t)
		return;
	pthread_mutex_lock(&slabc_threads_lock);
	if (slabc_self_gen == slabc_gen)
		thread_drain_all(t, false);
	pthread_mutex_unlock(&slabc_threads_lock);
}

/**
 * slabc_threads_forget - the last cache is gone (nmm_shutdown): free every thread's table and
 * start a new generation, so threads of this boot never touch them again.
 */
void slabc_threads_forget(void)
{
	pthread_mutex_lock(&slabc_threads_lock);
	struct slabc_thread *t, *n;
	list_for_each_entry_safe(t, n, &slabc_threads, registry) {
		list_del(&t->registry);
		slab_meta_free(t, sizeof(*t));
	}
	__atomic_store_n(&slabc_gen, slabc_gen + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&slabc_threads_lock);
}

/* ---- owning other CPUs' arrays ---- */

static bool cpu_arrays_in_use(void)
{
	return SLABC_HAVE_RSEQ && (__atomic_load_n(&slabc_rseq_used, __ATOMIC_RELAXED) || nmm_cpu_has_rseq());
}

static void ac_lock_cpu(struct array_cache *ac)
{
	while (__atomic_exchange_n(&ac->locked, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void ac_unlock_cpu(struct array_cache *ac)
{
	__atomic_store_n(&ac->locked, 0, __ATOMIC_RELEASE);
}

/* After locking per-CPU arrays: no rseq sequence that missed the lock may still commit. */
static void slabc_fence(void)
{
	if (nmm_mag_fence_available()) {
		nmm_mag_fence();
		return;
	}
	cpu_set_t old, one;
	if (sched_getaffinity(0, sizeof(old), &old))
		return;
	for (int cpu = 0; cpu < slabc_nr_cpus && cpu < CPU_SETSIZE; cpu++) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

static void lock_cpu_arrays(struct kmem_cache *s)
{
	for (int cpu = 0; cpu < slabc_nr_cpus; cpu++)
		ac_lock_cpu(slabc_cpu_ac(s, (unsigned int)cpu));
	slabc_fence();
}

static void unlock_cpu_arrays(struct kmem_cache *s)
{
	for (int cpu = 0; cpu < slabc_nr_cpus; cpu++)
		ac_unlock_cpu(slabc_cpu_ac(s, (unsigned int)cpu));
}

/**
 * slabc_drain_arrays - empty every CPU's and every thread's array of @s into the slabs
 * (do_drain on each CPU); with @release, free the thread arrays too (shutdown).
 */
void slabc_drain_arrays(struct kmem_cache *s, bool release)
{
	if (cpu_arrays_in_use()) {
		lock_cpu_arrays(s);
		for (int cpu = 0; cpu < slabc_nr_cpus; cpu++) {
			struct array_cache *ac = slabc_cpu_ac(s, (unsigned int)cpu);
			unsigned int avail = ac_avail(ac);
			if (avail) {
				slabc_free_to_node(s, ac->node, ac->entry, avail, false);
				__atomic_fetch_sub(&ac->word, avail, __ATOMIC_RELAXED);
				__atomic_fetch_add(&ac->batch_out, avail, __ATOMIC_RELAXED);
			}
			__atomic_store_n(&ac->touched, 0, __ATOMIC_RELAXED);
		}
		unlock_cpu_arrays(s);
	}
	pthread_mutex_lock(&slabc_threads_lock);
	struct slabc_thread *t;
	list_for_each_entry(t, &slabc_threads, registry) {
		struct array_cache *ac = t->ac[s->id];
		if (!ac)
			continue;
		spin_lock(&ac->lock);
		thread_ac_drain(s, ac);
		spin_unlock(&ac->lock);
		if (release) {
			slabc_fold_ac_stats(s, ac);
			__atomic_store_n(&t->ac[s->id], NULL, __ATOMIC_RELEASE);
			slab_meta_free(ac, ac_bytes(ac->limit));
		}
	}
	pthread_mutex_unlock(&slabc_threads_lock);
}

/**
 * slabc_arrays_hold - stop every array of @s from changing: CPU arrays locked and fenced, the
 * thread registry and each thread array locked, the alien arrays locked, then the node lists.
 * Context: no lock of @s held. Undo with slabc_arrays_release().
 * Return: whether the CPU arrays were locked (for slabc_arrays_release).
 */
bool slabc_arrays_hold(struct kmem_cache *s)
{
	struct slabc_cache *c = slabc(s);
	bool cpu_locked = cpu_arrays_in_use();
	if (cpu_locked)
		lock_cpu_arrays(s);
	pthread_mutex_lock(&slabc_threads_lock);
	struct slabc_thread *t;
	list_for_each_entry(t, &slabc_threads, registry)
		if (t->ac[s->id])
			spin_lock(&t->ac[s->id]->lock);
	if (c->use_alien)
		for (int nid = 0; nid < nr_node_ids; nid++)
			for (int home = 0; home < nr_node_ids; home++)
				spin_lock(&c->node[nid]->alien[home]->lock);
	slabc_lock_nodes(s);
	return cpu_locked;
}

/**
 * slabc_arrays_release - undo slabc_arrays_hold(), which returned @cpu_locked.
 */
void slabc_arrays_release(struct kmem_cache *s, bool cpu_locked)
{
	struct slabc_cache *c = slabc(s);
	slabc_unlock_nodes(s);
	if (c->use_alien)
		for (int nid = 0; nid < nr_node_ids; nid++)
			for (int home = 0; home < nr_node_ids; home++)
				spin_unlock(&c->node[nid]->alien[home]->lock);
	struct slabc_thread *t;
	list_for_each_entry(t, &slabc_threads, registry)
		if (t->ac[s->id])
			spin_unlock(&t->ac[s->id]->lock);
	pthread_mutex_unlock(&slabc_threads_lock);
	if (cpu_locked)
		unlock_cpu_arrays(s);
}

/**
 * slabc_for_each_array - call @fn on every array of @s: where is 0 for a CPU's, 1 a thread's,
 * 2 a node's shared array, 3 an alien array (its node field is the home node).
 * Context: between slabc_arrays_hold() and slabc_arrays_release().
 */
void slabc_for_each_array(struct kmem_cache *s, void (*fn)(struct array_cache *ac, int where, void *arg),
			  void *arg)
{
	struct slabc_cache *c = slabc(s);
	for (int cpu = 0; cpu < slabc_nr_cpus; cpu++)
		fn(slabc_cpu_ac(s, (unsigned int)cpu), 0, arg);
	struct slabc_thread *t;
	list_for_each_entry(t, &slabc_threads, registry)
		if (t->ac[s->id])
			fn(t->ac[s->id], 1, arg);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		if (c->node[nid]->shared)
			fn(c->node[nid]->shared, 2, arg);
		if (c->use_alien)
			for (int home = 0; home < nr_node_ids; home++)
				fn(c->node[nid]->alien[home], 3, arg);
	}
}

