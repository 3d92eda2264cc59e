/* /proc/slabinfo version 2.1: the header lines, one line per cache in the kernel's columns, and
 * numbers that move with allocations: N more objects → active_objs grows by N, num_objs covers
 * them, and the slab counts are consistent with objects per slab. */
#include "slab_test.h"

struct row {
	unsigned long active, num, objsize, perslab, pages, limit, batch, shared, aslabs, nslabs, savail;
};

static bool find_row(const char *name, struct row *r)
{
	char buf[65536];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	REQUIRE(f);
	REQUIRE(nmm_report("slabinfo", f) == 0);
	fclose(f);
	static const char head[] = "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
				   "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
				   "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";
	REQUIRE(strncmp(buf, head, sizeof(head) - 1) == 0);
	for (char *line = strchr(buf, '\n') + 1; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char n[64];
		if (line[0] == '#')
			continue;
		int k = sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu", n,
			       &r->active, &r->num, &r->objsize, &r->perslab, &r->pages, &r->limit, &r->batch,
			       &r->shared, &r->aslabs, &r->nslabs, &r->savail);
		REQUIRE(k == 12);
		if (!strcmp(n, name))
			return true;
	}
	return false;
}

int main(void)
{
	slab_test_boot("slab_nomerge");
	struct kmem_cache *s = kmem_cache_create("slabinfo_test", 100, 0, 0, NULL);
	REQUIRE(s);
	struct row r0, r1;
	CHECK(find_row("kmalloc-64", &r0));
	REQUIRE(find_row("slabinfo_test", &r0));
	CHECK_EQ(r0.objsize, s->size);
	enum { N = 1000 };
	static void *o[N];
	for (int i = 0; i < N; i++)
		REQUIRE((o[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	REQUIRE(find_row("slabinfo_test", &r1));
	CHECK(r1.active >= r0.active + N);
	CHECK(r1.num >= r1.active);
	if (strcmp(slab_test_backend(), "slob")) {
		CHECK(r1.perslab >= 1);
		CHECK(r1.nslabs * r1.perslab >= r1.num);
		CHECK(r1.aslabs <= r1.nslabs);
		CHECK(r1.pages >= 1);
	}
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, o[i]);
	kmem_cache_shrink(s);
	REQUIRE(find_row("slabinfo_test", &r1));
	CHECK(r1.active <= r0.active);
	kmem_cache_destroy(s);
	CHECK(!find_row("slabinfo_test", &r1));
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
