/* SLAB_TYPESAFE_BY_RCU: a slab emptied and shrunk while a reader is inside rcu_read_lock()
 * keeps its pages (still slab memory of the same type) until the reader leaves; after the
 * grace period they go back to the page allocator. */
#include <pthread.h>

#include <numamm/linux/rcupdate.h>

#include "slab_test.h"

struct node_obj {
	unsigned long key;
	char data[120];
};

static struct kmem_cache *cache;
static int phase;

static void *reader(void *arg)
{
	struct node_obj *o = arg;
	rcu_read_lock();
	__atomic_store_n(&phase, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != 2)
		;
	/* The object was freed and its cache shrunk: the memory is still a slab page. */
	struct page *head = virt_to_page(o);
	while (PageTail(head))
		head = (struct page *)(head->compound_head - 1);
	int still_slab = PageSlab(head);
	rcu_read_unlock();
	return (void *)(long)still_slab;
}

int main(void)
{
	slab_test_boot(NULL);
	cache = kmem_cache_create("rcu_nodes", sizeof(struct node_obj), 0, SLAB_TYPESAFE_BY_RCU, NULL);
	REQUIRE(cache);
	CHECK(cache->offset >= sizeof(struct node_obj));   /* free pointer outside the object */
	enum { N = 200 };
	struct node_obj *o[N];
	for (int i = 0; i < N; i++) {
		REQUIRE((o[i] = kmem_cache_alloc(cache, GFP_KERNEL)) != NULL);
		o[i]->key = (unsigned long)i;
	}
	pthread_t th;
	REQUIRE(pthread_create(&th, NULL, reader, o[N / 2]) == 0);
	while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != 1)
		;
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache, o[i]);
	/* The free did not scribble on the object's contents: readers can still check the key. */
	CHECK_EQ(o[N / 2]->key, N / 2);
	kmem_cache_shrink(cache);
	__atomic_store_n(&phase, 2, __ATOMIC_RELEASE);
	void *ret;
	pthread_join(th, &ret);
	CHECK(ret == (void *)1L);
	synchronize_rcu();
	rcu_barrier();
	kmem_cache_destroy(cache);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
