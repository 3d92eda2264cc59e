/* Every check on every cache (slub_debug) with four threads allocating kmalloc objects of all
 * sizes and freeing them on other threads: the redzone and poison bookkeeping, the tracks and
 * the quarantines are per object and per cache, so concurrent use makes no report and breaks
 * nothing (also the run TSan checks). */
#include <pthread.h>

#include "debug_test.h"

enum { THREADS = 4, ROUNDS = 4000, SLOTS = 64 };

/* One mailbox per thread: a neighbour leaves objects here, the owner frees them. */
struct mailbox {
	pthread_mutex_t lock;
	void *obj[SLOTS];
	size_t len[SLOTS];
	int n;
};
static struct mailbox box[THREADS];

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	unsigned int seed = 12345u * (unsigned int)(me + 1);
	for (int r = 0; r < ROUNDS; r++) {
		size_t len = 1 + rand_r(&seed) % 3000;
		unsigned char *p = kmalloc(len, GFP_KERNEL);
		if (!p)
			return (void *)1;
		memset(p, me, len);
		struct mailbox *to = &box[(me + 1) % THREADS];
		pthread_mutex_lock(&to->lock);
		if (to->n < SLOTS) {
			to->len[to->n] = len;
			to->obj[to->n++] = p;
			p = NULL;
		}
		pthread_mutex_unlock(&to->lock);
		kfree(p);
		struct mailbox *mine = &box[me];
		pthread_mutex_lock(&mine->lock);
		while (mine->n > SLOTS / 2) {
			mine->n--;
			unsigned char *q = mine->obj[mine->n];
			for (size_t i = 0; i < mine->len[mine->n]; i++)
				if (q[i] != (unsigned char)((me + THREADS - 1) % THREADS))
					return (void *)2;     /* someone wrote into a live object */
			kfree(q);
		}
		pthread_mutex_unlock(&mine->lock);
	}
	return NULL;
}

static unsigned long all_reports(void)
{
	unsigned long n = 0;
	struct kmem_cache *s;
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		n += slab_debug_reports(s);
	pthread_mutex_unlock(&slab_mutex);
	return n;
}

int main(void)
{
	slab_test_boot("slub_debug");
	for (int i = 0; i < THREADS; i++)
		pthread_mutex_init(&box[i].lock, NULL);
	pthread_t th[THREADS];
	char msg[DEBUG_MSG_MAX];
	CAPTURE_STDERR(msg, {
		for (long i = 0; i < THREADS; i++)
			REQUIRE(pthread_create(&th[i], NULL, worker, (void *)i) == 0);
		for (int i = 0; i < THREADS; i++) {
			void *ret;
			pthread_join(th[i], &ret);
			CHECK(ret == NULL);
		}
		for (int i = 0; i < THREADS; i++)
			while (box[i].n)
				kfree(box[i].obj[--box[i].n]);
	});
	CHECK(strstr(msg, "BUG ") == NULL);
	CHECK_EQ(all_reports(), 0);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
