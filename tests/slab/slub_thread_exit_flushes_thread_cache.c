/* slub_thread_exit_flushes_thread_cache - a thread that allocates and frees leaves slabs in
 * its kmem_cache_cpu: a per-thread table without rseq (the _no_rseq run), its CPU's structure
 * with rseq. When it exits, its table is flushed (the pthread key destructor): no slab stays
 * frozen for a dead thread, the counts add up, and shrink gives every slab back. With rseq the
 * CPU keeps them until a shrink drains it, from whichever CPU that runs on.
 */
#include "slub_test.h"

#define N 3000

static struct kmem_cache *s;
static bool had_table;

static void *worker(void *arg)
{
	(void)arg;
	static void *o[N];
	for (int i = 0; i < N; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < N; i += 2)
		kmem_cache_free(s, o[i]);
	for (int i = 1; i < N; i += 2)
		kmem_cache_free(s, o[i]);
	had_table = slub_thread_cpu != NULL;
	if (had_table && !slub_thread_cpu[s->id].slab)
		had_table = false;                      /* it must hold something to flush */
	return NULL;
}

static void count_thread_slabs(struct kmem_cache *s, struct kmem_cache_cpu *c, void *arg)
{
	(void)s;
	*(long *)arg += (c->slab != NULL) + c->nr_partial;
}

int main(void)
{
	slub_boot(NULL);
	s = kmem_cache_create("slub-exit", 512, 0, SLAB_NO_USER_FLAGS, NULL);
	REQUIRE(s);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, worker, NULL) == 0);
	pthread_join(t, NULL);
	long held = 0;
	slub_for_each_thread_cpu(s, count_thread_slabs, &held);
	CHECK_EQ(held, 0);                              /* no table of the dead thread holds any */
	if (had_table)
		CHECK(slub_stat_total(s, CPUSLAB_FLUSH) > 0);
	else
		CHECK(slub_rseq_usable);
	CHECK(s->ops->is_valid(s, stderr));
	CHECK_EQ(slub_live_objects(s), 0);
	kmem_cache_shrink(s);
	CHECK_EQ(slub_slabs(s), 0);
	kmem_cache_destroy(s);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
