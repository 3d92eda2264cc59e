/* boot_highmem_outside_linear_map: with highmem=, pages above the lowmem limit are ZONE_HIGHMEM,
 * have no page_address(), are not virt_addr_valid, and touching where their linear address would
 * be really faults; lowmem below the limit stays mapped. The node gets aliasable backing. */
#include <setjmp.h>
#include <signal.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static sigjmp_buf jb;
static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

static int faults_on_write(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	sigaction(SIGSEGV, &sa, &old);
	int faulted = 0;
	if (sigsetjmp(jb, 1) == 0)
		*p = 1;
	else
		faulted = 1;
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

int main(void)
{
	/* 256M: [0,128M) and [4G,4G+128M); the top 64M is highmem. */
	REQUIRE(nmm_boot("mem=256M highmem=64M backing=shmem") == 0);
	phys_addr_t limit = 4 * GiB + 64 * MiB;
	CHECK_EQ(nmm_lowmem_limit, limit);
	struct page *hp = phys_to_page(limit + 5 * PAGE_SIZE), *lp = phys_to_page(limit - PAGE_SIZE);
	CHECK(PageHighMem(hp));
	CHECK(!PageHighMem(lp));
	CHECK(page_address(hp) == NULL);
	CHECK(page_address(lp) == __va(limit - PAGE_SIZE));
	CHECK(!virt_addr_valid(__va(limit)));
	CHECK(virt_addr_valid(__va(limit - 1)));
	pg_data_t *pg = NODE_DATA(0);
	CHECK_EQ(pg->node_zones[ZONE_HIGHMEM].present_pages, 64 * MiB / PAGE_SIZE);
	CHECK_EQ(pg->node_zones[ZONE_HIGHMEM].zone_start_pfn, limit / PAGE_SIZE);
	CHECK_EQ(pg->node_zones[ZONE_NORMAL].present_pages, 64 * MiB / PAGE_SIZE);
	CHECK_EQ(pg->node_zonelists[ZONELIST_FALLBACK]._zonerefs[0].zone_idx, ZONE_HIGHMEM);
	CHECK(faults_on_write(__va(limit + 5 * PAGE_SIZE)));
	CHECK(!faults_on_write(__va(limit - PAGE_SIZE)));
	/* Holes fault too. */
	CHECK(faults_on_write(__va(1 * GiB)));
	nmm_shutdown();

	/* In auto mode a node with highmem gets shmem (aliasable), never thp. */
	REQUIRE(nmm_boot("mem=256M lowmem=0x100000000 hugepages=off") == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.backing, NMM_BACKING_SHMEM);
	CHECK(PageHighMem(phys_to_page(4 * GiB)));
	nmm_shutdown();
	return test_done();
}
