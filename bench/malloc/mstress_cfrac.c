/* bench/malloc/mstress_cfrac.c - cfrac-like small-object churn, one thread: bignum arithmetic
 * on heap-allocated digit arrays (each operation allocates its result, most results die at
 * once, a few live long), as the classic cfrac factoring benchmark does. */
#include "mstress_common.h"

struct num { int len; uint32_t d[]; };

static struct num *num_new(int len)
{
	struct num *n = malloc(sizeof(*n) + (size_t)len * sizeof(uint32_t));
	n->len = len;
	return n;
}

static struct num *num_mul_small(const struct num *a, uint32_t m, uint32_t add)
{
	struct num *r = num_new(a->len + 1);
	uint64_t carry = add;
	for (int i = 0; i < a->len; i++) {
		uint64_t v = (uint64_t)a->d[i] * m + carry;
		r->d[i] = (uint32_t)v;
		carry = v >> 32;
	}
	r->d[a->len] = (uint32_t)carry;
	if (!carry)
		r->len--;
	return r;
}

int main(int argc, char **argv)
{
	int threads;
	long scale;
	ms_args(argc, argv, &threads, &scale, 1, 10);
	uint64_t s = 42, sum = 0;
	struct num *keep[512] = { 0 };
	for (long round = 0; round < scale * 400; round++) {
		struct num *x = num_new(1);
		x->d[0] = (uint32_t)(ms_rand(&s) | 1);
		for (int step = 0; step < 40; step++) {
			struct num *y = num_mul_small(x, (uint32_t)(ms_rand(&s) % 1000 + 2), (uint32_t)step);
			free(x);
			x = y;
		}
		sum += x->d[0];
		unsigned k = (unsigned)(ms_rand(&s) % 512);
		free(keep[k]);
		keep[k] = x;                        /* a few results live on */
	}
	for (int k = 0; k < 512; k++)
		free(keep[k]);
	ms_sink = sum;
	printf("cfrac: %ld rounds\n", scale * 400);
	return 0;
}
