/* slub_rseq_migration_stress - threads re-pin themselves to random CPUs (sched_setaffinity)
 * between allocations while they allocate, free their own objects and each other's, and one
 * of them shrinks the cache now and then (draining every CPU's structures under the others'
 * feet with the rseq lock and membarrier). Every preemption, migration and drain must restart
 * or fail the rseq sequences in flight: no object is handed out twice or changes while live,
 * and at the end every structure is valid, the counts are exact and every slab goes back.
 * Without rseq (the _no_rseq run) the same runs on per-thread caches.
 *
 * Usage: slub_rseq_migration_stress [THREADS] [OPS]
 */
#include <stdlib.h>

#include "slub_test.h"

#define LOCAL 256
#define HANDOFF 512
#define SIZE 64

static struct kmem_cache *s;
static int nthreads = 4, ncpus, cpus[64];
static long ops = 200000;
static unsigned long failures, handed;

static pthread_mutex_t hand_lock = PTHREAD_MUTEX_INITIALIZER;
static void *hand[HANDOFF];
static uint64_t hand_tag[HANDOFF];
static int nhand;

static void check_free(void *p, uint64_t tag)
{
	if (!slub_stamped(p, SIZE, tag))
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
	kmem_cache_free(s, p);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	uint64_t seed = (uint64_t)id * 0x9e3779b97f4a7c15ULL + 1, next = (uint64_t)id << 48;
	void *mine[LOCAL] = { 0 };
	uint64_t tags[LOCAL];
	for (long op = 0; op < ops; op++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		unsigned int r = (unsigned int)(seed >> 20);
		if (ncpus > 1 && r % 64 == 0)
			slub_pin(cpus[(r >> 8) % (unsigned int)ncpus]);
		if (id == 0 && op % 20000 == 19999)
			kmem_cache_shrink(s);
		unsigned int i = (r >> 12) % LOCAL;
		if (mine[i]) {
			if (r % 5 == 0) {                /* give it to someone else to free */
				pthread_mutex_lock(&hand_lock);
				if (nhand < HANDOFF) {
					hand[nhand] = mine[i];
					hand_tag[nhand++] = tags[i];
					mine[i] = NULL;
				}
				pthread_mutex_unlock(&hand_lock);
			}
			if (mine[i]) {
				check_free(mine[i], tags[i]);
				mine[i] = NULL;
			}
		} else {
			mine[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!mine[i]) {
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
				continue;
			}
			tags[i] = next++;
			slub_stamp(mine[i], SIZE, tags[i]);
		}
		if (r % 3 == 0) {
			void *p = NULL;
			uint64_t tag = 0;
			pthread_mutex_lock(&hand_lock);
			if (nhand) {
				p = hand[--nhand];
				tag = hand_tag[nhand];
			}
			pthread_mutex_unlock(&hand_lock);
			if (p) {
				check_free(p, tag);
				__atomic_fetch_add(&handed, 1, __ATOMIC_RELAXED);
			}
		}
	}
	for (int i = 0; i < LOCAL; i++)
		if (mine[i])
			check_free(mine[i], tags[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nthreads = atoi(argv[1]);
	if (argc > 2)
		ops = atol(argv[2]);
	slub_boot("numa=fake=2");
	ncpus = slub_allowed_cpus(cpus, 64);
	s = kmem_cache_create("slub-migrate", SIZE, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	pthread_t t[16];
	if (nthreads > 16)
		nthreads = 16;
	for (long i = 0; i < nthreads; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	while (nhand) {
		nhand--;
		check_free(hand[nhand], hand_tag[nhand]);
	}
	fprintf(stderr, "%d threads, %d CPUs, %lu handed over, %lu failures, rseq %s\n", nthreads, ncpus,
		handed, failures, slub_rseq_usable && nmm_cpu_has_rseq() ? "yes" : "no");
	CHECK_EQ(failures, 0);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	CHECK(s->ops->is_valid(s, stderr));
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
