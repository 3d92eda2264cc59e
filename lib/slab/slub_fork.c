/* lib/slab/slub_fork.c - fork() with threads: the slab locks another thread may hold at the
 * moment of fork are taken before it (pthread_atfork prepare) and released on both sides after,
 * so the child — which keeps only the forking thread — never finds a lock nobody will release.
 * Order, the slow paths' own: slab_mutex, then per SLUB cache every CPU's structure (as a
 * drainer holds them) and every node's list_lock, then (page_alloc) every zone's lock.
 * The drop-in malloc registers these (lib/malloc); a numamm program that forks from threads may
 * call nmm_fork_prepare/parent/child from its own handlers.
 */
#include <pthread.h>
#include <string.h>

#include <numamm/numamm.h>

#include "slab.h"
#include "slub.h"

static unsigned char fork_held[NMM_SLAB_MAX_CACHES][NMM_MAX_CPUS];
static bool fork_cpus[NMM_SLAB_MAX_CACHES];

static bool is_slub(const struct kmem_cache *s) { return s->ops == &slub_allocator; }

void slab_fork_prepare(void)
{
	pthread_mutex_lock(&slab_mutex);
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list) {
		if (!is_slub(s))
			continue;
		memset(fork_held[s->id], 0, (size_t)nmm_nr_cpu_ids);
		fork_cpus[s->id] = slub_lock_all_cpus(s, fork_held[s->id]);
		for (unsigned int n = 0; n < slub_priv(s)->nr_nodes; n++)
			spin_lock(&slub_priv(s)->node[n].list_lock);
	}
}

static void release(void)
{
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list) {
		if (!is_slub(s))
			continue;
		for (unsigned int n = 0; n < slub_priv(s)->nr_nodes; n++)
			spin_unlock(&slub_priv(s)->node[n].list_lock);
		if (fork_cpus[s->id])
			slub_unlock_all_cpus(s, fork_held[s->id]);
	}
	pthread_mutex_unlock(&slab_mutex);
}

void slab_fork_parent(void) { release(); }
void slab_fork_child(void) { release(); }
