/* lib/malloc/mcache.c - the slow side of free()'s per-CPU object cache (mcache.h): setting it up
 * at boot, draining every CPU's magazines back to SLUB (malloc_trim, the RSS trim threshold),
 * counting what they hold (NUMAMM_STATS, malloc_stats) and reporting a double free the key
 * word caught. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>

#include <numamm/linux/slab.h>

#include "internal.h"
#include "mcache.h"

extern int nmm_nr_cpu_ids;     /* page_alloc: per-CPU arrays span the highest possible CPU id + 1 */

bool mc_on;
int mc_nr_cpus;
uint64_t mc_key;
struct mcache_cpu *mc_cpus;
struct kmem_cache *mc_cache[MC_NR];

static pthread_mutex_t mc_drain_lock = PTHREAD_MUTEX_INITIALIZER;

void mcache_init(void)
{
#if NMM_HAVE_RSEQ_MAG
	if (nmm_cpu_rseq_id() < 0 || !nmm_mag_fence_available())
		return;                          /* no rseq (valgrind, tunable off) or no membarrier */
	int ncpu = nmm_nr_cpu_ids < NMM_MAX_CPUS ? nmm_nr_cpu_ids : NMM_MAX_CPUS;   /* mcache_push indexes
										      nmm_cpu_to_node_map */
	size_t bytes = (size_t)ncpu * sizeof(struct mcache_cpu);
	/* Outside the arena: never freed, never counted as heap, intact across fork. */
	struct mcache_cpu *cpus = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cpus == MAP_FAILED)
		return;
	int nr = 0;
	for (int c = 0; c < MC_NR; c++) {
		size_t size = 1UL << (MC_MIN_SHIFT + c);
		void *p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
		struct slab *slab = p ? nmm_linear_slab(p) : NULL;
		struct kmem_cache *s = slab ? slab->slab_cache : NULL;
		kfree(p);
		/* SLUB without debug metadata: objects are size-aligned slots. */
		if (!s || s->fast != SLAB_FAST_SLUB || s->object_size != size || s->size != size)
			continue;
		unsigned int cap = (unsigned int)(MC_BYTES / size);
		cap = cap > NMM_MAG_SLOTS ? NMM_MAG_SLOTS : cap < 2 ? 2 : cap;
		for (int cpu = 0; cpu < ncpu; cpu++)
			cpus[cpu].mag[c].cap = cap;
		mc_cache[c] = s;
		nr++;
	}
	if (!nr) {
		munmap(cpus, bytes);
		return;
	}
	if (getrandom(&mc_key, sizeof(mc_key), GRND_NONBLOCK) != sizeof(mc_key))
		mc_key = (uintptr_t)cpus ^ 0x6d63616368655f6bULL;
	mc_key |= 1;                             /* never 0, the word a popped object gets */
	mc_cpus = cpus;
	mc_nr_cpus = ncpu;
	__atomic_store_n(&mc_on, true, __ATOMIC_RELEASE);
#endif
}

/* Lock every magazine, fence (sequences in flight restart and see the lock), take everything,
 * unlock, then free the objects through kfree outside the magazines. */
size_t mcache_drain(void)
{
	if (!__atomic_load_n(&mc_on, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&mc_drain_lock);
	for (int cpu = 0; cpu < mc_nr_cpus; cpu++)
		for (int c = 0; c < MC_NR; c++)
			nmm_mag_lock(&mc_cpus[cpu].mag[c]);
	nmm_mag_fence();
	size_t n = 0;
	for (int cpu = 0; cpu < mc_nr_cpus; cpu++) {
		for (int c = 0; c < MC_NR; c++) {
			struct nmm_mag *m = &mc_cpus[cpu].mag[c];
			void *objs[NMM_MAG_SLOTS];
			unsigned int k = nmm_mag_take_locked(m, objs, NMM_MAG_SLOTS);
			nmm_mag_unlock(m);
			for (unsigned int i = 0; i < k; i++) {
				((uint64_t *)objs[i])[1] = 0;
				kfree(objs[i]);
			}
			n += k;
		}
	}
	pthread_mutex_unlock(&mc_drain_lock);
	return n;
}

void mcache_count(size_t *objects, size_t *bytes, uint64_t *pushes)
{
	*objects = *bytes = 0;
	*pushes = 0;
	if (!__atomic_load_n(&mc_on, __ATOMIC_ACQUIRE))
		return;
	for (int cpu = 0; cpu < mc_nr_cpus; cpu++)
		for (int c = 0; c < MC_NR; c++) {
			unsigned int k = nmm_mag_count(&mc_cpus[cpu].mag[c]);
			*objects += k;
			*bytes += (size_t)k << (MC_MIN_SHIFT + c);
			*pushes += nmm_mag_pushes(&mc_cpus[cpu].mag[c]);
		}
}

/* @p carries the key: it is in a magazine already (a double free) or its owner's data happens to
 * hold the key in that word. Every CPU's magazines are searched, the caller's first: a thread
 * that migrated since its first free is still caught. Slots are read without the magazines'
 * locks; an object another CPU pops meanwhile gets its key word cleared before malloc returns it,
 * so a free of it cannot carry the key unless the program wrote it there. */
bool mcache_double_free(const void *p, const void *caller)
{
	int here = nmm_cpu_rseq_id();
	for (int i = 0; i < mc_nr_cpus; i++) {
		int cpu = here >= 0 && here < mc_nr_cpus ? (here + i) % mc_nr_cpus : i;
		const struct nmm_mag *mags = mc_cpus[cpu].mag;
		for (int c = 0; c < MC_NR; c++) {
			unsigned int k = nmm_mag_count(&mags[c]);
			for (unsigned int j = 0; j < k && j < NMM_MAG_SLOTS; j++)
				if (__atomic_load_n(&mags[c].slot[j], __ATOMIC_RELAXED) == p) {
					malloc_double_free(p, caller);
					return true;
				}
		}
	}
	return false;
}

/* @p (of @s, a cached class) failed to enter its magazine. When that is full, its top half goes
 * back to SLUB in one kmem_cache_free_bulk (runs of one slab in one exchange each: objects a CPU
 * handed out one after another, as a consumer thread frees a producer's), and @p takes a slot. One trip to SLUB
 * for half a magazine of frees instead of one per free once a CPU only frees; a push that was only
 * restarted is tried once more. Return: false when the thread migrated or the magazine is locked
 * (the caller frees @p itself). */
bool mcache_flush_push(void *p, struct kmem_cache *s)
{
#if NMM_HAVE_RSEQ_MAG
	unsigned int c = mcache_cache_class(s);
	struct rseq *rs = nmm_rseq_area();
	int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	if (c >= MC_NR || (unsigned int)cpu >= (unsigned int)mc_nr_cpus)
		return false;
	struct nmm_mag *m = &mc_cpus[cpu].mag[c];
	void *objs[NMM_MAG_SLOTS];
	unsigned int k = 0, half = nmm_mag_count(m) >= m->cap ? (m->cap + 1) / 2 : 0;   /* else: restarted */
	while (k < half && nmm_mag_pop_rseq(rs, cpu, m, &objs[k]))
		((uint64_t *)objs[k++])[1] = 0;
	uint64_t *w = p;
	w[1] = mc_key;
	bool pushed = nmm_mag_push_rseq(rs, cpu, m, p);
	if (!pushed)
		w[1] = 0;
	if (k)
		kmem_cache_free_bulk(s, k, objs);
	return pushed;
#else
	(void)p, (void)s;
	return false;
#endif
}

void mcache_atfork_prepare(void) { pthread_mutex_lock(&mc_drain_lock); }
void mcache_atfork_parent(void) { pthread_mutex_unlock(&mc_drain_lock); }
void mcache_atfork_child(void) { pthread_mutex_unlock(&mc_drain_lock); }
