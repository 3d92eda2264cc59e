/* boot_twice_and_reboot: a second nmm_boot() is -EBUSY and changes nothing; after nmm_shutdown()
 * a different layout boots; nmm_boot_if_needed() boots from $NUMAMM_BOOT when not booted and is
 * a no-op when booted. mem= is the total over all nodes, so the booted memory is counted over
 * every node (all of it node 0's on a one-node machine). */
#include <errno.h>
#include <stdlib.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define MiB (1ULL << 20)

int main(void)
{
	REQUIRE(nmm_boot("mem=64M") == 0);
	uintptr_t base = nmm_linear_base;
	CHECK_EQ(nmm_boot("mem=128M"), -EBUSY);
	CHECK(nmm_booted());
	CHECK_EQ(nmm_linear_base, base);
	unsigned long present = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		present += NODE_DATA(nid)->node_present_pages;
	CHECK_EQ(present, 64 * MiB / PAGE_SIZE);
	if (nr_node_ids == 1)
		CHECK_EQ(NODE_DATA(0)->node_present_pages, 64 * MiB / PAGE_SIZE);
	CHECK_EQ(nmm_boot_if_needed(), 0);
	CHECK(!strcmp(nmm_boot_cmdline(), "mem=64M"));
	nmm_shutdown();
	CHECK(!nmm_booted());
	nmm_shutdown();   /* idempotent */

	REQUIRE(nmm_boot("mem=128M numa=fake=2") == 0);
	CHECK_EQ(nr_node_ids, 2 * nmm_topology()->nr_phys_nodes);
	nmm_shutdown();

	setenv("NUMAMM_BOOT", "mem=32M backing=shmem", 1);
	CHECK_EQ(nmm_boot_if_needed(), 0);
	CHECK(!strcmp(nmm_boot_cmdline(), "mem=32M backing=shmem"));
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_SHMEM);
	nmm_shutdown();

	setenv("NUMAMM_BOOT", "mem=oops", 1);
	CHECK_EQ(nmm_boot_if_needed(), -EINVAL);
	CHECK(!nmm_booted());
	return test_done();
}
