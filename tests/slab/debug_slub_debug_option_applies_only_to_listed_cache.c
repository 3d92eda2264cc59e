/* slub_debug=OPTIONS[,cache...] at boot: the letters pick the checks, the list picks the caches.
 * Expect slub_debug=P,mycache to poison mycache only (5a on allocation, 6b..a5 after free)
 * while othercache and the kmalloc caches keep no debug flags and their fast paths; and the
 * other spellings: alone (FZPU everywhere), ",mycache" (FZPU there), lower case, "-" (off). */
#include "debug_test.h"

static struct kmem_cache *kmalloc_cache_named(const char *name)
{
	struct kmem_cache *k;
	list_for_each_entry(k, &slab_caches, list)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* Boot with @opt; the debug flags of mycache, othercache and kmalloc-64. */
static void flags_under(const char *opt, slab_flags_t *my, slab_flags_t *other, slab_flags_t *km)
{
	char extra[128];
	snprintf(extra, sizeof(extra), "slub_debug%s%s", opt ? "=" : "", opt ? opt : "");
	slab_test_boot(extra);
	struct kmem_cache *m = kmem_cache_create("mycache", 128, 0, 0, NULL);
	struct kmem_cache *o = kmem_cache_create("othercache", 128, 0, 0, NULL);
	struct kmem_cache *k = kmalloc_cache_named("kmalloc-64");
	REQUIRE(m && o && k);
	*my = m->flags & (SLAB_DEBUG_FLAGS | SLAB_TRACE | SLAB_FAILSLAB);
	*other = o->flags & (SLAB_DEBUG_FLAGS | SLAB_TRACE | SLAB_FAILSLAB);
	*km = k->flags & (SLAB_DEBUG_FLAGS | SLAB_TRACE | SLAB_FAILSLAB);
	kmem_cache_destroy(m);
	kmem_cache_destroy(o);
	nmm_shutdown();
}

int main(void)
{
	slab_test_boot("slub_debug=P,mycache");
	struct kmem_cache *m = kmem_cache_create("mycache", 128, 0, 0, NULL);
	struct kmem_cache *o = kmem_cache_create("othercache", 128, 0, 0, NULL);
	REQUIRE(m && o && m != o);
	CHECK_EQ(m->flags & SLAB_DEBUG_FLAGS, SLAB_POISON);
	CHECK_EQ(o->flags & SLAB_DEBUG_FLAGS, 0);
	CHECK_EQ(m->fast, SLAB_FAST_NONE);
	CHECK_EQ(kmalloc_cache_named("kmalloc-128")->flags & SLAB_DEBUG_FLAGS, 0);
	unsigned char *pm = kmem_cache_alloc(m, GFP_KERNEL);
	unsigned char *po = kmem_cache_alloc(o, GFP_KERNEL);
	REQUIRE(pm && po);
	for (int i = 0; i < 128; i++)
		CHECK(pm[i] == 0x5a);
	memset(po, 0x5a, 128);
	kmem_cache_free(m, pm);
	kmem_cache_free(o, po);
	CHECK(pm[0] == 0x6b && pm[64] == 0x6b && pm[127] == 0xa5);   /* quarantined, poisoned */
	churn_cache(m, 500, NULL, 0);
	churn_cache(o, 500, NULL, 0);
	CHECK_EQ(slab_debug_reports(m), 0);
	CHECK(slab_all_caches_valid());
	kmem_cache_destroy(m);
	kmem_cache_destroy(o);
	nmm_shutdown();

	const slab_flags_t fzpu = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
	slab_flags_t my, other, km;
	flags_under(NULL, &my, &other, &km);
	CHECK_EQ(my, fzpu);
	CHECK_EQ(other, fzpu);
	CHECK_EQ(km, fzpu);
	flags_under(",mycache", &my, &other, &km);
	CHECK_EQ(my, fzpu);
	CHECK_EQ(other, 0);
	CHECK_EQ(km, 0);
	flags_under("zu,othercache,mycache", &my, &other, &km);
	CHECK_EQ(my, SLAB_RED_ZONE | SLAB_STORE_USER);
	CHECK_EQ(other, SLAB_RED_ZONE | SLAB_STORE_USER);
	CHECK_EQ(km, 0);
	flags_under("FTA", &my, &other, &km);
	CHECK_EQ(my, SLAB_CONSISTENCY_CHECKS | SLAB_TRACE | SLAB_FAILSLAB);
	CHECK_EQ(km, SLAB_CONSISTENCY_CHECKS | SLAB_TRACE | SLAB_FAILSLAB);
	flags_under("-", &my, &other, &km);
	CHECK_EQ(my | other | km, 0);
	return test_done();
}
