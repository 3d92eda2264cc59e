/* slab_kswapd_frees_do_not_pin_slabs - found by numamm-soak in its no-rseq run: objects a
 * shrinker frees from kswapd land in kswapd's own per-thread caches (SLUB's table, SLAB's
 * arrays) when rseq is off, and nobody else may flush a live thread's caches - so an idle
 * kswapd kept whole slabs, and memory never came back to its starting level; the pages of the
 * slabs it then gave back sat in its own page magazines the same way. kswapd now flushes both
 * after each pass.
 *
 * Expect: a shrinker whose objects kswapd frees (the test only eats pages with GFP_NOWAIT,
 * which wakes kswapd and never reclaims directly; with its last object the shrinker gives the
 * eaten pages back too, so that pass is kswapd's last) leaves, once kswapd is idle and the
 * cache is shrunk, no more slab pages than before the objects existed and as many free pages. */
#include <numamm/linux/shrinker.h>
#include <unistd.h>

#include "slab_test.h"

#define NOBJ 4096
#define SIZE 1000

static void *obj[NOBJ];
static int nobj;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t kswapd_seen;
static int kswapd_freed;
static LIST_HEAD(eaten);

static unsigned long count(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh, (void)sc;
	return (unsigned long)__atomic_load_n(&nobj, __ATOMIC_RELAXED);
}

static unsigned long scan(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	unsigned long n = 0;
	pthread_mutex_lock(&lock);
	while (n < sc->nr_to_scan && nobj) {
		kfree(obj[--nobj]);
		n++;
	}
	kswapd_seen = pthread_self();
	kswapd_freed += (int)n;
	while (!nobj && !list_empty(&eaten)) {
		struct page *p = list_first_entry(&eaten, struct page, lru);
		list_del(&p->lru);
		__free_page(p);
	}
	pthread_mutex_unlock(&lock);
	return n;
}

static struct shrinker sh = { .count_objects = count, .scan_objects = scan, .seeks = DEFAULT_SEEKS };

static unsigned long slab_pages(void)
{
	unsigned long n = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		n += nmm_slab_pages(nid, false) + nmm_slab_pages(nid, true);
	return n;
}

static void settle(void)
{
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	pthread_mutex_unlock(&slab_mutex);
}

int main(void)
{
	slab_test_boot("mem=64M");
	/* The caches this test touches exist, with their lazily made metadata, before the count. */
	kfree(kmalloc(SIZE, GFP_KERNEL));
	settle();
	drain_all_pages(NULL);
	unsigned long pages0 = slab_pages(), free0 = nr_free_pages();
	for (nobj = 0; nobj < NOBJ; nobj++)
		REQUIRE((obj[nobj] = kmalloc(SIZE, GFP_KERNEL)) != NULL);
	REQUIRE(register_shrinker(&sh, "kswapd-frees") == 0);

	/* Eat free pages without reclaiming: kswapd wakes below the low watermark. */
	struct page *p;
	for (int tries = 0; tries < 200; tries++) {
		pthread_mutex_lock(&lock);
		bool done = !nobj;
		while (!done && (p = alloc_page(GFP_NOWAIT | __GFP_NOWARN)) != NULL)
			list_add(&p->lru, &eaten);
		pthread_mutex_unlock(&lock);
		if (done)
			break;
		usleep(10000);
	}
	pthread_mutex_lock(&lock);
	int left = nobj, by_kswapd = kswapd_freed;
	bool other_thread = by_kswapd && !pthread_equal(kswapd_seen, pthread_self());
	while (!list_empty(&eaten)) {
		p = list_first_entry(&eaten, struct page, lru);
		list_del(&p->lru);
		__free_page(p);
	}
	pthread_mutex_unlock(&lock);
	usleep(100000);                   /* kswapd balanced: it sleeps */
	unregister_shrinker(&sh);
	for (int i = 0; i < nobj; i++)
		kfree(obj[i]);
	if (slab_ops->thread_flush)
		slab_ops->thread_flush();
	settle();
	drain_all_pages(NULL);
	unsigned long pages1 = slab_pages(), free1 = nr_free_pages();
	fprintf(stderr, "kswapd freed %d of %d objects; slab pages %lu before, %lu after\n", by_kswapd,
		NOBJ, pages0, pages1);
	CHECK(other_thread);
	CHECK_EQ(left, 0);
	CHECK_EQ(pages1, pages0);
	/* SLAB's per-thread arrays (without rseq) are metadata from the page allocator that
	 * live as long as kswapd: free pages are compared for the others. */
	if (strcmp(slab_test_backend(), "slab"))
		CHECK_EQ(free1, free0);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
