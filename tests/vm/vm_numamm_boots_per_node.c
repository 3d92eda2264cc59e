/* tests/vm/vm_numamm_boots_per_node.c - numamm boots one arena per real node of the guest.
 *
 * Runs in the 2node, 4node and memless guests (tools/vm/run-guest), where the nodes are real to
 * the kernel, so this is what numa=fake cannot show on a one-node host:
 *   - nmm_topology() has the guest's nodes, CPU->node map and SLIT (asymmetric in 4node) exactly
 *     as QEMU was told, and finds which nodes have memory;
 *   - nmm_boot("mem=...") gives each memory node its own arena and a memoryless node none;
 *     every page of a node's arena that is present is on that node (move_pages via
 *     nmm_numa_verify), after reading one byte per 2 MiB of every range through __va();
 *     each node's pg_data_t is on its node too. Three boots: the default backing (THP, as the
 *     guest has no hugepages), hugetlb after reserving 2 MiB pages on every memory node (a read
 *     faults a whole huge page, so 512 granules per read must be on the node), and shmem;
 *   - each node's fallback zonelist visits the memory nodes in order of distance from it (by
 *     its row of the SLIT, ties by node id), starting with itself, or - for a memoryless node -
 *     with the nearest node that has memory; the no-fallback list holds only the node's zones.
 */
#include <errno.h>
#include <string.h>

#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>
#include <numamm/topology.h>
#include <numamm/numamm.h>

#include "vm_guest.h"

#define MEM_PER_NODE (64ULL << 20)

static void check_topology(const struct vm_expect *e, const struct nmm_numa_topology *t)
{
	CHECK_EQ(t->nr_nodes, e->nr_nodes);
	CHECK_EQ(t->nr_phys_nodes, e->nr_nodes);
	CHECK_EQ(t->fake, 0);
	CHECK_EQ(t->nr_cpus, e->nr_cpus);
	for (int c = 0; c < e->nr_cpus; c++)
		if (t->cpu_to_node[c] != e->cpu_node[c]) {
			fprintf(stderr, "numamm: cpu %d on node %d, guest has it on node %d\n", c,
				t->cpu_to_node[c], e->cpu_node[c]);
			test_failures++;
		}
	for (int i = 0; i < e->nr_nodes; i++) {
		CHECK_EQ(t->node[i].mem_total != 0, e->has_memory[i]);
		for (int j = 0; j < e->nr_nodes; j++)
			if (t->distance[i][j] != e->dist[i][j]) {
				fprintf(stderr, "numamm: distance[%d][%d] = %d, SLIT says %d\n", i, j,
					t->distance[i][j], e->dist[i][j]);
				test_failures++;
			}
	}
}

static void check_arenas(const struct vm_expect *e, enum nmm_backing want)
{
	for (int n = 0; n < e->nr_nodes; n++) {
		struct nmm_node_info ni;
		unsigned long on = 0, elsewhere = 0, absent = 0, touched = 0;
		uint64_t bytes = 0;

		REQUIRE(nmm_node_info(n, &ni) == 0);
		CHECK_EQ(ni.nid, n);
		CHECK_EQ(ni.phys_node, n);
		if (!e->has_memory[n]) {
			CHECK_EQ(ni.backing, NMM_BACKING_NONE);
			CHECK_EQ(ni.mem_bytes, 0);
			CHECK_EQ(ni.nr_ranges, 0);
			printf("node %d: memoryless (%s)\n", n, ni.backing_why);
			continue;
		}
		if (want != NMM_BACKING_NONE && ni.backing != want) {
			fprintf(stderr, "node %d: backing %s, expected %s (%s)\n", n,
				nmm_backing_name(ni.backing), nmm_backing_name(want), ni.backing_why);
			test_failures++;
		}
		CHECK(ni.backing != NMM_BACKING_NONE);
		CHECK_EQ(ni.mem_bytes, MEM_PER_NODE);
		CHECK(ni.nr_ranges > 0);
		for (int r = 0; r < ni.nr_ranges; r++) {
			uint64_t start = ni.range[r].start, end = ni.range[r].end;
			volatile const char *v = __va(start);
			unsigned long on_r, else_r, absent_r;

			bytes += end - start;
			for (uint64_t off = 0; off < end - start; off += 2ULL << 20) {
				(void)v[off];
				touched++;
			}
			CHECK_EQ(nmm_numa_verify((const void *)v, end - start, n, &on_r, &else_r,
						 &absent_r), 0);
			on += on_r;
			elsewhere += else_r;
			absent += absent_r;
		}
		CHECK_EQ(bytes, ni.mem_bytes);
		CHECK_EQ(elsewhere, 0);
		/* A read of untouched THP memory maps the huge zero page (not counted); shmem faults
		 * a 4 KiB page per read, hugetlb a 2 MiB one. */
		if (ni.backing == NMM_BACKING_HUGETLB)
			CHECK(on >= touched * 512);
		else if (ni.backing == NMM_BACKING_SHMEM)
			CHECK(on >= touched);
		CHECK(on > 0);
		/* pg_data_t was allocated from the node's own memory and written at boot. */
		CHECK_EQ(nmm_numa_verify(NODE_DATA(n), sizeof(pg_data_t), n, NULL, NULL, NULL), 0);
		printf("node %d: %s, %llu MiB in %d range(s), %lu pages on node %d, %lu elsewhere,"
		       " %lu not faulted (%s)\n", n, nmm_backing_name(ni.backing),
		       (unsigned long long)(ni.mem_bytes >> 20), ni.nr_ranges, on, n, elsewhere, absent,
		       ni.backing_why);
	}
}

/* The memory nodes ordered by distance from @n (its SLIT row), ties by id. */
static int expected_order(const struct vm_expect *e, int n, int *order)
{
	int k = 0;

	for (int m = 0; m < e->nr_nodes; m++) {
		int i;

		if (!e->has_memory[m])
			continue;
		for (i = k; i > 0 && e->dist[n][order[i - 1]] > e->dist[n][m]; i--)
			order[i] = order[i - 1];
		order[i] = m;
		k++;
	}
	return k;
}

static void check_zonelists(const struct vm_expect *e)
{
	for (int n = 0; n < e->nr_nodes; n++) {
		int want[VM_MAX_NODES], got[VM_MAX_NODES * MAX_NR_ZONES], nw, ng = 0, seen_other = 0;
		pg_data_t *pgdat = NODE_DATA(n);
		struct zoneref *zr;
		char line[256];
		int len = 0;

		REQUIRE(pgdat);
		CHECK_EQ(pgdat->node_id, n);
		for_each_zoneref(zr, &pgdat->node_zonelists[ZONELIST_FALLBACK]) {
			int nid = zone_to_nid(zr->zone);

			CHECK_EQ(zr->zone_idx, zone_idx(zr->zone));
			CHECK(populated_zone(zr->zone));
			if (!ng || got[ng - 1] != nid)
				got[ng++] = nid;
		}
		for_each_zoneref(zr, &pgdat->node_zonelists[ZONELIST_NOFALLBACK])
			seen_other += zone_to_nid(zr->zone) != n;
		CHECK_EQ(seen_other, 0);

		nw = expected_order(e, n, want);
		for (int i = 0; i < ng; i++)
			len += snprintf(line + len, sizeof(line) - len, " %d(%d)", got[i], e->dist[n][got[i]]);
		printf("node %d zonelist node(distance):%s\n", n, line);
		if (ng != nw || memcmp(got, want, sizeof(int) * nw)) {
			len = 0;
			for (int i = 0; i < nw; i++)
				len += snprintf(line + len, sizeof(line) - len, " %d", want[i]);
			fprintf(stderr, "node %d: zonelist does not follow the SLIT row; expected nodes%s\n",
				n, line);
			test_failures++;
		}
	}
}

static void boot_and_check(const struct vm_expect *e, const char *extra, enum nmm_backing want)
{
	char cmdline[128];
	int nr_mem = 0, r;

	for (int n = 0; n < e->nr_nodes; n++)
		nr_mem += e->has_memory[n];
	snprintf(cmdline, sizeof(cmdline), "mem=%lluM%s%s",
		 (unsigned long long)(nr_mem * MEM_PER_NODE) >> 20, *extra ? " " : "", extra);
	r = nmm_boot(cmdline);
	if (r) {
		fprintf(stderr, "nmm_boot(\"%s\") = %d (%s): %s\n", cmdline, r, strerror(-r),
			nmm_boot_strerror());
		test_failures++;
		return;
	}
	printf("numamm booted \"%s\" on %s: %d nodes\n", cmdline, e->topo, nmm_topology()->nr_nodes);
	check_topology(e, nmm_topology());
	check_arenas(e, want);
	check_zonelists(e);
	nmm_shutdown();
}

int main(void)
{
	struct vm_expect e;
	unsigned long huge = MEM_PER_NODE / (2ULL << 20) + 8;

	vm_expect_load(&e);
	boot_and_check(&e, "", NMM_BACKING_NONE);
	for (int n = 0; n < e.nr_nodes; n++)
		if (e.has_memory[n]) {
			long got = nmm_numa_hugepages_reserve(n, 2ULL << 20, huge);

			if (got < (long)huge) {
				fprintf(stderr, "node %d: reserved %ld of %lu 2 MiB hugepages\n", n, got, huge);
				test_failures++;
			}
		}
	boot_and_check(&e, "hugepages=on", NMM_BACKING_HUGETLB);
	for (int n = 0; n < e.nr_nodes; n++)
		if (e.has_memory[n])
			CHECK_EQ(nmm_numa_hugepages_reserve(n, 2ULL << 20, 0), 0);
	boot_and_check(&e, "backing=shmem", NMM_BACKING_SHMEM);
	return test_done();
}
