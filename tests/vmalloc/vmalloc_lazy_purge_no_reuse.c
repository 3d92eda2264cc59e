/* vmalloc_lazy_purge_no_reuse: a freed area is not handed out again before it is unmapped.
 * After vfree the area waits (lazy_areas counts it) and new allocations get other addresses;
 * vm_unmap_aliases() purges: a child touching the freed address then dies of SIGSEGV, and the
 * address may be reused. Freeing many adjacent areas costs one unmap per run: 64 areas in a row
 * are purged with a single mmap(PROT_NONE). */
#include "vmt.h"

#define N 64

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	struct nmm_vmalloc_stats st0, st;
	char *old = vmalloc(3 * PAGE_SIZE);
	REQUIRE(old);
	vfree(old);
	nmm_vmalloc_stats(&st);
	CHECK_EQ(st.lazy_areas, 1);
	for (int i = 0; i < 200; i++) {
		char *v = vmalloc(PAGE_SIZE << (i % 3));
		REQUIRE(v);
		CHECK(v + (PAGE_SIZE << (i % 3)) <= old || v >= old + 4 * PAGE_SIZE);
		vfree(v);
		nmm_vmalloc_stats(&st);
		if (!st.lazy_areas)
			break;      /* purged by the threshold: from here on reuse is allowed */
	}
	vm_unmap_aliases();
	CHECK_EQ(child_touch(old), SIGSEGV);
	CHECK_EQ(child_touch(old + 2 * PAGE_SIZE), SIGSEGV);

	/* 64 adjacent areas (fresh range: the allocator hands out consecutive addresses). */
	char *v[N];
	for (int i = 0; i < N; i++)
		REQUIRE((v[i] = vmalloc(PAGE_SIZE)));
	int adjacent = 1;
	for (int i = 1; i < N; i++)
		adjacent &= v[i] == v[i - 1] + 2 * PAGE_SIZE || v[i] == v[i - 1] - 2 * PAGE_SIZE;
	nmm_vmalloc_stats(&st0);
	for (int i = 0; i < N; i++)
		vfree(v[N - 1 - i]);
	vm_unmap_aliases();
	nmm_vmalloc_stats(&st);
	CHECK_EQ(st.purges, st0.purges + 1);
	if (adjacent)
		CHECK_EQ(st.purge_unmaps, st0.purge_unmaps + 1);
	else
		fprintf(stderr, "note: areas were not adjacent, unmaps %lu\n", st.purge_unmaps - st0.purge_unmaps);
	for (int i = 0; i < N; i++)
		CHECK_EQ(child_touch(v[i]), SIGSEGV);
	nmm_shutdown();
	return test_done();
}
