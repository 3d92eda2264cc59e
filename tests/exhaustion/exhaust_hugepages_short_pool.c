/* exhaust_hugepages_short_pool: the 2 MiB pool runs out while numamm runs.
 *   Hot-add on a hugetlb node once the pool is used up: -ENOMEM with "add_memory failed ...
 *     (hugetlb) failed: Cannot allocate memory", nothing added, no fd or mapping left, the
 *     node keeps working; with pages back in the pool the same hot-add succeeds.
 *   Free pages promised to someone else (HugePages_Rsvd): an auto boot falls back to THP and
 *     says so in the node's backing reason ("hugetlb reservation refused (pool in use)").
 * Changes nr_hugepages (restored at exit). */
#include <errno.h>
#include <sys/mman.h>

#include <numamm/linux/gfp.h>
#include <numamm/numamm.h>

#include "../boot/hugepool.h"
#include "exhaust.h"

int main(void)
{
	if (pool_nodes() != 1)
		SKIP("written for one real node");
	if (set_pool(32) != 32)
		SKIP("the kernel did not grant 32 hugepages");
	REQUIRE(nmm_boot("mem=64M hotplug=256M") == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	if (ni.backing != NMM_BACKING_HUGETLB)
		SKIP("node 0 got %s (%s): the pool is in use by others", nmm_backing_name(ni.backing), ni.backing_why);
	struct held before = held_now();
	CHECK_EQ(nmm_memory_hotadd(0, 128 << 20), -ENOMEM);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 0);
	struct held after = held_now();          /* booted: the node's own memfd stays mapped */
	CHECK_EQ(after.fds, before.fds);
	CHECK_EQ(after.maps, before.maps);
	struct page *p = alloc_pages(GFP_KERNEL, 0);     /* the node still serves */
	CHECK(p != NULL);
	if (p)
		__free_page(p);
	if (set_pool(32 + 64) == 32 + 64) {
		CHECK_EQ(nmm_memory_hotadd(0, 128 << 20), 0);
		REQUIRE(nmm_node_info(0, &ni) == 0);
		CHECK_EQ(ni.hotadded_bytes, 128 << 20);
	}
	nmm_shutdown();

	/* Someone else holds a reservation on every free page. */
	REQUIRE(set_pool(32) == 32);
	void *other = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB,
			   -1, 0);
	if (other == MAP_FAILED)
		SKIP("cannot reserve the pool for the test: %s", strerror(errno));
	REQUIRE(nmm_boot("mem=64M") == 0);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_THP);
	CHECK(strstr(ni.backing_why, "hugetlb reservation refused (pool in use)") != NULL);
	fprintf(stderr, "node 0: %s (%s)\n", nmm_backing_name(ni.backing), ni.backing_why);
	nmm_shutdown();
	munmap(other, 64 << 20);
	return test_done();
}
