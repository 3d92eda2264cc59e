/* bench/malloc/mstress_larson.c - a larson-style server simulation (Larson & Krishnan 1998):
 * each thread owns a table of blocks and replaces random ones (free + malloc of 16..1000 B);
 * after every round the tables move to the next thread, so most frees are of blocks another
 * thread allocated, as in a server whose worker threads come and go. */
#include "mstress_common.h"

#define SLOTS 2000
static int nthreads;
static long rounds, ops = 20000;
static void **tables[256];
static pthread_barrier_t bar;

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t s = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1), sum = 0;
	for (long r = 0; r < rounds; r++) {
		void **t = tables[(id + r) % nthreads];
		for (long i = 0; i < ops; i++) {
			uint64_t x = ms_rand(&s);
			unsigned slot = (unsigned)(x % SLOTS);
			free(t[slot]);
			size_t n = 16 + (x >> 32) % 985;
			char *p = malloc(n);
			p[0] = (char)n;
			p[n - 1] = (char)i;
			sum += (uintptr_t)p & 0xff;
			t[slot] = p;
		}
		pthread_barrier_wait(&bar);
	}
	__atomic_fetch_add(&ms_sink, sum, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	ms_args(argc, argv, &nthreads, &rounds, 2, 30);
	pthread_barrier_init(&bar, NULL, (unsigned)nthreads);
	for (int i = 0; i < nthreads; i++) {
		tables[i] = calloc(SLOTS, sizeof(void *));
		for (int j = 0; j < SLOTS; j++)
			tables[i][j] = malloc(16 + (size_t)(j * 7) % 985);
	}
	pthread_t t[256];
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < nthreads; i++) {
		for (int j = 0; j < SLOTS; j++)
			free(tables[i][j]);
		free(tables[i]);
	}
	printf("larson: %d threads, %ld rounds of %ld replacements\n", nthreads, rounds, ops);
	return 0;
}
