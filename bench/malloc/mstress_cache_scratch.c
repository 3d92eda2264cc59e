/* bench/malloc/mstress_cache_scratch.c - cache-scratch (Hoard's passive false sharing test): the
 * main thread allocates one small object per thread, the threads free it and then repeatedly
 * allocate an object of the same size and write it many times. An allocator that hands
 * neighbouring bytes of one cache line to different threads makes every write a line transfer. */
#include "mstress_common.h"

static long iters;
static void *initial[256];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	free(initial[id]);
	for (long i = 0; i < iters; i++) {
		volatile char *p = malloc(8);
		for (int w = 0; w < 500; w++)
			p[w & 7] = (char)(p[w & 7] + 1);
		free((void *)p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads;
	long scale;
	ms_args(argc, argv, &nthreads, &scale, 2, 10);
	iters = scale * 2000;
	for (int i = 0; i < nthreads; i++)
		initial[i] = malloc(8);
	pthread_t t[256];
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	printf("cache-scratch: %d threads, %ld objects each\n", nthreads, iters);
	return 0;
}
