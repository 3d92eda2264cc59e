/* boot_highmem_outside_linear_map: with highmem=, pages above the lowmem limit are ZONE_HIGHMEM,
 * have no page_address(), are not virt_addr_valid, and touching where their linear address would
 * be really faults; lowmem below the limit stays mapped. The node gets aliasable backing.
 * On a machine with more nodes every node gets 256M (mem= is the total) and highmem= covers
 * everything above node 0's 4G+64M: the other nodes, on their 1 GiB boundaries above node 0,
 * are all ZONE_HIGHMEM and all outside the linear map. */
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
	static struct nmm_numa_topology topo;
	char line[128];
	int nodes = 0;
	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	for (int i = 0; i < topo.nr_nodes; i++)
		nodes += topo.node[i].mem_total != 0;
	if (!topo.node[0].mem_total)
		SKIP("node 0 has no memory: the test puts highmem inside node 0");

	/* 256M per node: node 0 at [0,128M) and [4G,4G+128M); the top 64M of node 0 and every
	 * other node are highmem. On one node: "mem=256M highmem=64M backing=shmem". */
	snprintf(line, sizeof(line), "mem=%dM backing=shmem", 256 * nodes);
	REQUIRE(nmm_boot(line) == 0);
	phys_addr_t end = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		for (int r = 0; r < ni.nr_ranges; r++)
			end = ni.range[r].end > end ? ni.range[r].end : end;
	}
	nmm_shutdown();
	phys_addr_t limit = 4 * GiB + 64 * MiB;
	REQUIRE(end >= limit + 64 * MiB);
	snprintf(line, sizeof(line), "mem=%dM highmem=%lluM backing=shmem", 256 * nodes,
		 (unsigned long long)((end - limit) / MiB));
	REQUIRE(nmm_boot(line) == 0);
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
	/* Every other node lies above the limit: all highmem, nothing of it in the linear map. */
	for (int nid = 1; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		if (!ni.nr_ranges)
			continue;
		phys_addr_t start = ni.range[0].start;
		pg_data_t *o = NODE_DATA(nid);
		CHECK(start >= limit);
		CHECK_EQ(o->node_zones[ZONE_HIGHMEM].present_pages, 256 * MiB / PAGE_SIZE);
		CHECK_EQ(o->node_zones[ZONE_NORMAL].present_pages, 0);
		CHECK_EQ(o->node_zonelists[ZONELIST_FALLBACK]._zonerefs[0].zone_idx, ZONE_HIGHMEM);
		CHECK(PageHighMem(phys_to_page(start)));
		CHECK(page_address(phys_to_page(start + 7 * PAGE_SIZE)) == NULL);
		CHECK(!virt_addr_valid(__va(start)));
		CHECK(faults_on_write(__va(start + 7 * PAGE_SIZE)));
	}
	nmm_shutdown();

	/* In auto mode a node with highmem gets shmem (aliasable), never thp: node 0's upper half
	 * and every other node are above lowmem=4G. */
	snprintf(line, sizeof(line), "mem=%dM lowmem=0x100000000 hugepages=off", 256 * nodes);
	REQUIRE(nmm_boot(line) == 0);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		REQUIRE(nmm_node_info(nid, &ni) == 0);
		if (ni.nr_ranges)
			CHECK_EQ(ni.backing, NMM_BACKING_SHMEM);
	}
	CHECK(PageHighMem(phys_to_page(4 * GiB)));
	nmm_shutdown();
	return test_done();
}
