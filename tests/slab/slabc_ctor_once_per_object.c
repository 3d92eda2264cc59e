/* slabc_ctor_once_per_object - SLAB runs the constructor on every object of a new slab, once,
 * when the slab is made (mm/slab.c cache_init_objs), never on allocation: an object freed and
 * allocated again keeps what it held, and the constructor count is exactly objects per slab
 * times slabs grown. With colouring the constructed addresses are the object addresses.
 */
#include "slabc_test.h"

#define N 2000
#define MAGIC 0x5ab5ab5ab5ab5abULL

struct thing {
	uint64_t magic;
	uint64_t self;
	uint64_t uses;
	char pad[80];
};

static unsigned long ctor_calls;

static void thing_ctor(void *p)
{
	struct thing *t = p;
	t->magic = MAGIC;
	t->self = (uint64_t)(uintptr_t)p;
	t->uses = 0;
	ctor_calls++;
}

int main(void)
{
	slabc_boot(NULL);
	REQUIRE(slabc_pin(0));
	struct kmem_cache *s = kmem_cache_create("slabc-ctor", sizeof(struct thing), 0, SLAB_HWCACHE_ALIGN,
						 thing_ctor);
	REQUIRE(s);
	static struct thing *objs[N];
	unsigned long max_uses = 0;
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < N; i++) {
			struct thing *t = kmem_cache_alloc(s, GFP_KERNEL);
			REQUIRE(t);
			CHECK(t->magic == MAGIC);
			CHECK(t->self == (uint64_t)(uintptr_t)t);
			t->uses++;                     /* kept across free: SLAB does not re-construct */
			if (t->uses > max_uses)
				max_uses = t->uses;
			objs[i] = t;
		}
		for (int i = 0; i < N; i++)
			kmem_cache_free(s, objs[i]);
	}
	unsigned long grown = slabc(s)->stats.grown;
	CHECK_EQ(ctor_calls, grown * slabc(s)->num);
	/* 5 rounds over at most the same objects: some object was used more than once (read while
	 * allocated: ASan builds poison free objects). */
	CHECK(max_uses > 1);
	CHECK(s->ops->is_valid(s, stderr));
	kmem_cache_shrink(s);
	CHECK_EQ(slabc_total_slabs(s), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(s);
	nmm_shutdown();
	return test_done();
}
