/* bench/malloc/mstress_xmalloc.c - xmalloc-style producer/consumer (Lever & Boreham): producer
 * threads allocate 16..512 B blocks and pass them in batches through a locked queue to
 * consumer threads that free them — every free is remote. THREADS = producer/consumer pairs. */
#include "mstress_common.h"

#define BATCH 256
struct batch { struct batch *next; void *obj[BATCH]; };
static struct batch *head;
static long queued, produced_total;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done_producers, nprod;
static long per_producer;

static void *producer(void *arg)
{
	uint64_t s = 12345 + (uint64_t)(intptr_t)arg;
	for (long i = 0; i < per_producer; i += BATCH) {
		struct batch *b = malloc(sizeof(*b));
		for (int j = 0; j < BATCH; j++) {
			size_t n = 16 + ms_rand(&s) % 497;
			char *p = malloc(n);
			p[0] = 1;
			b->obj[j] = p;
		}
		pthread_mutex_lock(&mu);
		while (queued > 64)
			pthread_cond_wait(&cv, &mu);
		b->next = head;
		head = b;
		queued++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	done_producers++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!head && done_producers < nprod)
			pthread_cond_wait(&cv, &mu);
		struct batch *b = head;
		if (!b) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		head = b->next;
		queued--;
		produced_total += BATCH;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		for (int j = 0; j < BATCH; j++)
			free(b->obj[j]);
		free(b);
	}
}

int main(int argc, char **argv)
{
	long scale;
	ms_args(argc, argv, &nprod, &scale, 1, 20);
	per_producer = scale * 100000;
	pthread_t t[512];
	for (int i = 0; i < nprod; i++) {
		pthread_create(&t[2 * i], NULL, producer, (void *)(intptr_t)i);
		pthread_create(&t[2 * i + 1], NULL, consumer, NULL);
	}
	for (int i = 0; i < 2 * nprod; i++)
		pthread_join(t[i], NULL);
	printf("xmalloc: %d pairs, %ld objects\n", nprod, produced_total);
	return 0;
}
