/* Every object handed out by a cache with a constructor is constructed (SLUB/SLAB construct a
 * new slab's objects, SLOB each allocation) and keeps its constructed state across free/alloc on
 * SLUB/SLAB; zalloc zeroes; bulk alloc gives distinct objects and bulk free takes them back. */
#include "slab_test.h"

struct thing {
	unsigned long magic;
	int state;
	char payload[52];
};

static unsigned long ctor_calls;

static void thing_ctor(void *p)
{
	struct thing *t = p;
	t->magic = 0x7417;
	t->state = 0;
	__atomic_fetch_add(&ctor_calls, 1, __ATOMIC_RELAXED);
}

int main(void)
{
	slab_test_boot(NULL);
	bool slob = !strcmp(slab_test_backend(), "slob");
	struct kmem_cache *s = kmem_cache_create("thing", sizeof(struct thing), 0, 0, thing_ctor);
	REQUIRE(s);
	enum { N = 300 };
	struct thing *t[N];
	for (int i = 0; i < N; i++) {
		t[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(t[i]);
		CHECK(t[i]->magic == 0x7417);
		CHECK(t[i]->state == 0);
		/* Users must leave an object in its constructed state when they free it. */
	}
	CHECK(ctor_calls >= N);
	unsigned long calls = ctor_calls;
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, t[i]);
	for (int i = 0; i < N; i++) {
		t[i] = kmem_cache_alloc(s, GFP_KERNEL);
		REQUIRE(t[i]);
		CHECK(t[i]->magic == 0x7417);
	}
	if (slob)
		CHECK_EQ(ctor_calls, calls + N);      /* SLOB constructs on every allocation */
	else
		CHECK_EQ(ctor_calls, calls);          /* reused objects are not constructed again */
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, t[i]);

	struct kmem_cache *z = kmem_cache_create("zthing", 200, 0, 0, NULL);
	REQUIRE(z);
	void *d[N];
	for (int i = 0; i < N; i++) {
		d[i] = kmem_cache_alloc(z, GFP_KERNEL);
		REQUIRE(d[i]);
		memset(d[i], 0xdd, 200);
	}
	for (int i = 0; i < N; i++)
		kmem_cache_free(z, d[i]);
	for (int i = 0; i < N; i++) {
		unsigned char *p = kmem_cache_zalloc(z, GFP_KERNEL);
		REQUIRE(p);
		for (int k = 0; k < 200; k++)
			if (p[k]) {
				CHECK(0);
				break;
			}
		d[i] = p;
	}
	kmem_cache_free_bulk(z, N, d);

	CHECK_EQ(kmem_cache_alloc_bulk(z, GFP_KERNEL, N, d), N);
	for (int i = 0; i < N; i++) {
		REQUIRE(d[i]);
		memset(d[i], i & 0xff, 200);
	}
	for (int i = 0; i < N; i++)
		CHECK(((unsigned char *)d[i])[199] == (i & 0xff));   /* distinct, not overlapping */
	kmem_cache_free_bulk(z, N, d);
	CHECK_EQ(kmem_cache_alloc_bulk(z, GFP_KERNEL, 0, d), 0);

	kmem_cache_destroy(s);
	kmem_cache_destroy(z);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
