/* tests/vm/vm_mempool_remote_node.c - a page mempool for a remote node on a real 2-node guest:
 * mempool_create_node puts its reserve (and its elements array) on that node, every element is
 * a page of that node (also from threads that move between the nodes' CPUs: alloc_pages_node's
 * local fast path once handed out the other node's page), and when the node is exhausted (every
 * page taken with __GFP_THISNODE), four threads on the other node that each need an element to finish all finish, through the
 * reserve and waits for frees. Nothing is lost: the node's free pages are back at the end. */
#include <pthread.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "vm_guest.h"

static int remote;
static mempool_t *pool;

static void *remote_page(gfp_t gfp, void *data)
{
	(void)data;
	return alloc_pages_node(remote, gfp | __GFP_THISNODE, 0);
}

static void free_remote_page(void *element, void *data)
{
	(void)data;
	__free_page(element);
}

static int wrong_node;

static void *worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < 40; r++) {
		struct page *p = mempool_alloc(pool, GFP_KERNEL);
		if (!p)
			return (void *)1L;
		if (page_to_nid(p) != remote)
			__atomic_fetch_add(&wrong_node, 1, __ATOMIC_RELAXED);
		usleep(200);
		mempool_free(p, pool);
	}
	return NULL;
}

int main(void)
{
	struct vm_expect e;
	vm_expect_load(&e);
	REQUIRE(nmm_boot("node_mem=128M,128M hugepages=off") == 0);
	remote = nr_node_ids - 1;
	pool = mempool_create_node(2, remote_page, free_remote_page, NULL, GFP_KERNEL, remote);
	REQUIRE(pool);
	CHECK_EQ(page_to_nid(virt_to_page(pool->elements)), remote);
	for (int i = 0; i < pool->curr_nr; i++)
		CHECK_EQ(page_to_nid(pool->elements[i]), remote);
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();

	static struct page *taken[1 << 16];
	size_t n = 0;
	while (n < sizeof(taken) / sizeof(taken[0]) &&
	       (taken[n] = alloc_pages_node(remote, GFP_ATOMIC | __GFP_THISNODE | __GFP_NOWARN, 0)))
		n++;
	fprintf(stderr, "node %d exhausted after %zu pages\n", remote, n);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		REQUIRE(pthread_create(&th[i], NULL, worker, NULL) == 0);
	for (int i = 0; i < 4; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		CHECK(ret == NULL);
	}
	fprintf(stderr, "4 threads x 40 rounds done with node %d empty: %lu waits\n", remote, pool->waits);
	CHECK(pool->waits > 0);
	CHECK_EQ(wrong_node, 0);
	for (size_t i = 0; i < n; i++)
		__free_page(taken[i]);
	drain_all_pages(NULL);
	CHECK(nr_free_pages() + 8 >= free0);
	mempool_destroy(pool);
	nmm_shutdown();
	return test_done();
}
