/* fault_slab_callers_cope: under SLUB, SLAB and SLOB, failslab fails every slab entry —
 * kmem_cache_alloc(_node), kmem_cache_alloc_bulk (all or nothing), kmalloc(_node), kzalloc,
 * kcalloc, krealloc (the old object intact), kstrdup, kmemdup — but never __GFP_NOFAIL, and not
 * large kmallocs (page allocator: fail_page_alloc's). kvmalloc falls back to vmalloc when its
 * kmalloc fails. fail_page_alloc at the N-th page allocation of kmem_cache_create (metadata)
 * and of a cache's growth gives NULL and leaks nothing, for every N up to success. After each
 * phase the free page count is what it was. */
#include "ft.h"

#define OBJ 200

static unsigned long start;

static void leak_check(const char *what, const char *backend)
{
	unsigned long now = ft_free_pages();
	if (now != start) {
		fprintf(stderr, "slab=%s %s: free pages %lu, were %lu\n", backend, what, now, start);
		test_failures++;
	}
}

int main(void)
{
	const char *backends[] = { "slub", "slab", "slob" };
	char line[64];
	for (int b = 0; b < 3; b++) {
		snprintf(line, sizeof(line), "mem=64M slab=%s", backends[b]);
		ft_boot(line);
		struct kmem_cache *s = kmem_cache_create("ft-obj", OBJ, 0, 0, NULL);
		REQUIRE(s);
		void *warm = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, warm);
		kmem_cache_shrink(s);
		start = ft_free_pages();

		/* Every entry fails; the point counts each. An object of each kind was just freed
		 * to this CPU (SLUB's freelist, SLAB's array cache): the fast paths would serve them
		 * were they not diverted. */
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
		kfree(kmalloc(64, GFP_KERNEL));
		ft_set(NMM_FAULT_SLAB, ft_always(-1));
		void *keep = NULL;
		CHECK(kmem_cache_alloc(s, GFP_KERNEL) == NULL);
		CHECK(kmem_cache_alloc_node(s, GFP_KERNEL, 0) == NULL);
		CHECK(kmem_cache_zalloc(s, GFP_KERNEL) == NULL);
		void *bulk[16] = { 0 };
		CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 16, bulk), 0);
		CHECK(kmalloc(64, GFP_KERNEL) == NULL);
		CHECK(kmalloc(8192, GFP_ATOMIC) == NULL);
		CHECK(kmalloc_node(100, GFP_KERNEL, 0) == NULL);
		CHECK(kzalloc(24, GFP_KERNEL) == NULL);
		CHECK(kcalloc(4, 16, GFP_KERNEL) == NULL);
		CHECK(kstrdup("numamm", GFP_KERNEL) == NULL);
		CHECK(kmemdup("abc", 3, GFP_KERNEL) == NULL);
		unsigned long injected = nmm_fault_injected(NMM_FAULT_SLAB);
		CHECK(injected >= 11);
		/* Not slab's to fail: __GFP_NOFAIL, and kmalloc above 8 KiB (the page allocator). */
		void *nofail = kmalloc(64, GFP_KERNEL | __GFP_NOFAIL);
		void *nofail2 = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOFAIL);
		void *large = kmalloc(16384, GFP_KERNEL);
		CHECK(nofail && nofail2 && large);
		CHECK_EQ(nmm_fault_injected(NMM_FAULT_SLAB), injected);
		/* krealloc: the new object fails, the old one is untouched and still ours. */
		memcpy(nofail, "0123456789", 11);
		CHECK(krealloc(nofail, 1000, GFP_KERNEL) == NULL);
		CHECK(!memcmp(nofail, "0123456789", 11));
		/* kvmalloc: kmalloc (failslab) fails, vmalloc serves. */
		char *kv = kvmalloc(6000, GFP_KERNEL);
		CHECK(kv && is_vmalloc_addr(kv));
		if (kv)
			memset(kv, 1, 6000);
		kvfree(kv);
		/* GFP_ATOMIC is not vmalloc's: kvmalloc is kmalloc only, and fails. */
		CHECK(kvmalloc(6000, GFP_ATOMIC) == NULL);
		nmm_fault_set(NMM_FAULT_SLAB, NULL);
		kv = kvmalloc(6000, GFP_KERNEL);
		CHECK(kv && !is_vmalloc_addr(kv));   /* off again: kmalloc serves */
		kvfree(kv);
		kfree(nofail);
		kmem_cache_free(s, nofail2);
		kfree(large);
		kfree(keep);
		kmem_cache_shrink(s);
		leak_check("failslab entries", backends[b]);

		/* Bulk fails part way — its second new slab's pages refused — all or nothing. */
		static void *many[96];
		ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(2));
		int got = kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_NOWARN, 96, many);
		CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 1);
		/* SLUB and SLOB give up; SLAB may find another slab and serve the whole batch. */
		CHECK(got == 0 || (got == 96 && !strcmp(backends[b], "slab")));
		if (got)
			kmem_cache_free_bulk(s, 96, many);
		CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 96, many), 96);
		kmem_cache_free_bulk(s, 96, many);
		nmm_fault_set(NMM_FAULT_PAGE_ALLOC, NULL);
		kmem_cache_shrink(s);
		leak_check("bulk", backends[b]);

		/* Growth: the N-th page allocation of a cache filling 3 slabs' worth fails. */
		for (unsigned long nth = 1; nth <= 3; nth++) {
			void *objs[256];
			int n = 0, failed = 0;
			ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(nth));
			for (int i = 0; i < 256; i++) {
				void *o = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
				if (o)
					objs[n++] = o;
				else
					failed++;
			}
			/* SLAB may serve the object after all (another slab, the shared array): a
			 * forced failure is at most one failed object. */
			CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 1);
			CHECK(failed <= 1);
			nmm_fault_set(NMM_FAULT_PAGE_ALLOC, NULL);
			for (int i = 0; i < n; i++)
				kmem_cache_free(s, objs[i]);
			kmem_cache_shrink(s);
			leak_check("growth", backends[b]);
		}
		kmem_cache_destroy(s);
		start = ft_free_pages();

		/* kmem_cache_create's metadata: fail its N-th page allocation until it succeeds. */
		int created = 0;
		for (unsigned long nth = 1; nth <= 64 && !created; nth++) {
			ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(nth));
			struct kmem_cache *c = kmem_cache_create("ft-create", 48, 0, SLAB_HWCACHE_ALIGN, NULL);
			bool hit = nmm_fault_injected(NMM_FAULT_PAGE_ALLOC);
			nmm_fault_set(NMM_FAULT_PAGE_ALLOC, NULL);
			if (c) {
				void *o = kmem_cache_alloc(c, GFP_KERNEL);
				CHECK(o);
				kmem_cache_free(c, o);
				kmem_cache_destroy(c);
				created = !hit;
			} else {
				CHECK(hit);
			}
			leak_check("kmem_cache_create", backends[b]);
		}
		CHECK(created);
		nmm_shutdown();
	}
	return test_done();
}
