/* boot_thp_defer_promotes_on_use: thp_defer=SIZE maps a THP node without MADV_HUGEPAGE and says
 * so in its backing reason; the node gets the advice (smaps "hg") once it has handed out SIZE
 * more than at the end of boot, not before; without thp_defer= a THP node has it from boot; a
 * node smaller than SIZE has it at once; non-THP nodes ignore the token; a bad size is refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

/* Does the mapping holding @addr carry VM_HUGEPAGE ("hg" in /proc/self/smaps' VmFlags)? */
static int has_hg(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	REQUIRE(f);
	char line[512];
	bool in = false;
	int found = -1;
	uintptr_t a = (uintptr_t)addr;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char c;
		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3 && strchr(line, ' ') && line[0] != 'V') {
			in = a >= s && a < e;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			found = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	REQUIRE(found >= 0);
	return found;
}

static void *node_base(void)
{
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	return ni.linear;
}

#define BLOCKS 64          /* order-5 blocks of 128 KiB */

int main(void)
{
	/* Deferred: no advice at boot, nor after half the allowance; the advice after all of it.
	 * Node 0's pages: the QEMU guests run this on two and four nodes, which split mem= (node
	 * 0's 64 MiB or more lie in two zones; the one handing out 8 MiB first promotes). */
	REQUIRE(nmm_boot("mem=256M backing=thp hugepages=off thp_defer=8M") == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_THP);
	CHECK(strstr(ni.backing_why, "thp_defer=") != NULL);
	void *base = node_base();
	CHECK_EQ(has_hg(base), 0);
	struct page *held[2 * BLOCKS];
	for (int i = 0; i < BLOCKS / 2; i++)           /* 4 MiB */
		REQUIRE((held[i] = alloc_pages_node(0, GFP_KERNEL | __GFP_THISNODE, 5)));
	CHECK_EQ(has_hg(base), 0);
	for (int i = BLOCKS / 2; i < 2 * BLOCKS; i++)  /* 12 MiB more */
		REQUIRE((held[i] = alloc_pages_node(0, GFP_KERNEL | __GFP_THISNODE, 5)));
	CHECK_EQ(has_hg(base), 1);
	CHECK_EQ(has_hg(page_address(held[0])), 1);
	for (int i = 0; i < 2 * BLOCKS; i++)
		__free_pages(held[i], 5);
	nmm_shutdown();

	/* No thp_defer=: the advice from boot on. */
	REQUIRE(nmm_boot("mem=64M backing=thp hugepages=off") == 0);
	CHECK_EQ(has_hg(node_base()), 1);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK(strstr(ni.backing_why, "thp_defer=") == NULL);
	nmm_shutdown();

	/* A node smaller than the allowance: nothing to wait for. */
	REQUIRE(nmm_boot("mem=16M backing=thp hugepages=off thp_defer=1G") == 0);
	CHECK_EQ(has_hg(node_base()), 1);
	nmm_shutdown();

	/* shmem nodes: the token changes nothing. */
	REQUIRE(nmm_boot("mem=64M backing=shmem thp_defer=8M") == 0);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_SHMEM);
	CHECK(strstr(ni.backing_why, "thp_defer=") == NULL);
	nmm_shutdown();

	CHECK_EQ(nmm_boot("mem=64M thp_defer=lots"), -EINVAL);
	CHECK(strstr(nmm_boot_strerror(), "thp_defer=lots") != NULL);
	return test_done();
}
