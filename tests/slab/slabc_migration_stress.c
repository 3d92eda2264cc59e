/* slabc_migration_stress - threads allocating and freeing while they re-pin themselves to
 * random CPUs (sched_setaffinity), hand objects to each other to free, and one of them shrinks
 * the cache now and then (draining every CPU's array under the threads' feet). With numa=fake=2
 * a migration also turns local frees into alien ones. The rseq sequences must restart or fail
 * on every migration and drain: no object may be handed out twice or change while live, and at
 * the end every structure is consistent and every slab goes back.
 *
 * Usage: slabc_migration_stress [THREADS] [OPS]
 */
#include <stdint.h>
#include <stdlib.h>

#include <unistd.h>

#include "slabc_test.h"

#define LOCAL_MAX 512
#define HANDOFF 1024

static struct kmem_cache *s;
static unsigned int size;
static int nthreads = 4, ncpus;
static long ops = 200000;

static pthread_mutex_t handoff_lock = PTHREAD_MUTEX_INITIALIZER;
static void *handoff[HANDOFF];
static unsigned long handoff_tag[HANDOFF];
static int nhandoff;
static unsigned long failures;

static void stamp(void *p, unsigned long tag)
{
	uint64_t *w = p;
	for (unsigned int i = 0; i < size / 8; i++)
		w[i] = tag ^ i;
}

static bool stamped(const void *p, unsigned long tag)
{
	const uint64_t *w = p;
	for (unsigned int i = 0; i < size / 8; i++)
		if (w[i] != (tag ^ i))
			return false;
	return true;
}

static void check_free(void *p, unsigned long tag)
{
	if (!stamped(p, tag))
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
	kmem_cache_free(s, p);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	unsigned long rnd = 0x1234567UL * (unsigned long)(id + 1), next = (unsigned long)id << 40;
	void *mine[LOCAL_MAX];
	unsigned long tags[LOCAL_MAX];
	int n = 0;
	for (long op = 0; op < ops; op++) {
		unsigned long r = slabc_rand(&rnd);
		if (r % 64 == 0)
			slabc_pin((int)((r >> 8) % (unsigned long)ncpus));
		if (id == 0 && r % 4096 == 1)
			kmem_cache_shrink(s);
		if (n < LOCAL_MAX && (n == 0 || r % 3)) {
			void *p = (r >> 20) % 16 ? kmem_cache_alloc(s, GFP_KERNEL)
						 : kmem_cache_alloc_node(s, GFP_KERNEL, (int)((r >> 24) % (unsigned long)nr_node_ids));
			if (!p) {
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
				continue;
			}
			tags[n] = ++next;
			stamp(p, tags[n]);
			mine[n++] = p;
		} else if (r % 5 == 0) {
			/* Hand one over; free one someone else handed over. */
			pthread_mutex_lock(&handoff_lock);
			void *theirs = NULL;
			unsigned long ttag = 0;
			if (nhandoff && (r >> 12) % 2) {
				nhandoff--;
				theirs = handoff[nhandoff];
				ttag = handoff_tag[nhandoff];
			} else if (nhandoff < HANDOFF) {
				handoff[nhandoff] = mine[n - 1];
				handoff_tag[nhandoff++] = tags[n - 1];
				n--;
			}
			pthread_mutex_unlock(&handoff_lock);
			if (theirs)
				check_free(theirs, ttag);
		} else {
			int i = (int)((r >> 16) % (unsigned long)n);
			check_free(mine[i], tags[i]);
			mine[i] = mine[--n];
			tags[i] = tags[n];
		}
	}
	while (n--)
		check_free(mine[n], tags[n]);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nthreads = atoi(argv[1]);
	if (argc > 2)
		ops = atol(argv[2]);
	slabc_boot("numa=fake=2");
	ncpus = slabc_online_cpus();
	s = kmem_cache_create("slabc-migrate", 128, 0, 0, NULL);
	REQUIRE(s);
	size = kmem_cache_size(s);
	pthread_t t[64];
	REQUIRE(nthreads > 0 && nthreads <= 64);
	for (long i = 0; i < nthreads; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	while (nhandoff--)
		check_free(handoff[nhandoff], handoff_tag[nhandoff]);
	CHECK_EQ(failures, 0);
	CHECK(s->ops->is_valid(s, stderr));
	struct slabinfo si;
	s->ops->get_info(s, &si);
	kmem_cache_shrink(s);
	if (slabc_total_slabs(s))
		s->ops->print_stats(s, stderr);
	CHECK_EQ(slabc_total_slabs(s), 0);
	if (getenv("SLABC_STATS"))
		s->ops->print_stats(s, stderr);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
