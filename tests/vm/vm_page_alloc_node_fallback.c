/* tests/vm/vm_page_alloc_node_fallback.c - the page allocator leaves a full node for the others
 * in the order of the guest's SLIT, and __GFP_THISNODE never leaves it.
 *
 * Runs in the 2node and 4node guests (tools/vm/run-guest; 4node's SLIT is asymmetric and no row
 * is in id order). numamm boots with the default layout (512 MiB per node). For each node n:
 *   1. alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0) until it fails: every
 *      page is on n (page_to_nid), and - after a byte is written to each - every page of n's
 *      memory that is present is on the real node n (move_pages via nmm_numa_verify); when it
 *      fails, each of n's zones is down to its min watermark (nothing was refused early);
 *   2. alloc_pages_node(n, GFP_KERNEL | __GFP_NOWARN, 0) until it fails, recording the node of
 *      every page. While the fast path serves (low watermark) the nodes come in n's zonelist
 *      order - the other memory nodes by (distance from n in the SLIT run-guest gave QEMU, id) -
 *      each one until it is at its low watermark: the node sequence is non-decreasing in that
 *      rank and visits every other memory node. After that the slow path takes what is left
 *      above the min watermarks, in any order, from those nodes only (never n), and no more than
 *      they had between their low and min watermarks (plus a pcp batch per CPU); when it fails,
 *      every zone of every node is at its min watermark;
 *   3. frees everything: nr_free_pages() (after drain_all_pages(NULL)) is back to its start.
 */
#include <errno.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>
#include <numamm/topology.h>
#include <numamm/numamm.h>

#include "vm_guest.h"

#define MAX_PAGES (4UL << 20)   /* 16 GiB of 4 KiB pages: more than any guest has */

static struct page **held;
static unsigned char *where;   /* node of held[i] */

/* Is every zone of @nid (up to ZONE_NORMAL, GFP_KERNEL's highest) at or below @wm? */
static bool node_at_wmark(int nid, enum zone_watermarks wm, char *why, size_t len)
{
	for (int z = 0; z <= ZONE_NORMAL; z++) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[z];
		long free = zone_page_state(zone, NR_FREE_PAGES);
		long mark = (long)wmark_pages(zone, wm) + zone->lowmem_reserve[ZONE_NORMAL] +
			    (long)zone->nr_reserved_highatomic;

		if (populated_zone(zone) && free > mark) {
			snprintf(why, len, "node %d zone %s: %ld free, %s watermark + reserve %ld", nid,
				 zone->name, free, wm == WMARK_MIN ? "min" : "low", mark);
			return false;
		}
	}
	return true;
}

/* Pages node @nid's zones hold between their low and min watermarks. */
static long low_minus_min(int nid)
{
	long sum = 0;

	for (int z = 0; z <= ZONE_NORMAL; z++) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[z];

		if (populated_zone(zone))
			sum += (long)(low_wmark_pages(zone) - min_wmark_pages(zone));
	}
	return sum;
}

static void one_node(const struct vm_expect *e, int nid, unsigned long start_free)
{
	int order[VM_MAX_NODES], rank[VM_MAX_NODES], nr = 0;
	unsigned long n = 0, thisnode, fast_end, used[VM_MAX_NODES] = { 0 }, tail[VM_MAX_NODES] = { 0 };
	char why[160], line[512];
	int len = 0, fails0 = test_failures;

	/* The expected zonelist: memory nodes by (distance from nid, id), nid itself first. */
	for (int m = 0; m < e->nr_nodes; m++) {
		int i;

		rank[m] = -1;
		if (!e->has_memory[m])
			continue;
		for (i = nr; i > 0 && e->dist[nid][order[i - 1]] > e->dist[nid][m]; i--)
			order[i] = order[i - 1];
		order[i] = m;
		nr++;
	}
	for (int i = 0; i < nr; i++)
		rank[order[i]] = i;
	REQUIRE(order[0] == nid);

	/* 1. __GFP_THISNODE: node nid only, down to its min watermark. */
	while (n < MAX_PAGES &&
	       (held[n] = alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))) {
		where[n] = (unsigned char)page_to_nid(held[n]);
		if (where[n] != nid && used[where[n]]++ == 0)
			fprintf(stderr, "node %d: __GFP_THISNODE gave a page of node %d\n", nid, where[n]);
		*(volatile char *)page_address(held[n]) = 1;
		n++;
	}
	thisnode = n;
	for (int m = 0; m < e->nr_nodes; m++)
		CHECK_EQ(used[m], 0);
	CHECK(thisnode > 0 && n < MAX_PAGES);
	memset(used, 0, sizeof(used));
	if (!node_at_wmark(nid, WMARK_MIN, why, sizeof(why))) {
		fprintf(stderr, "__GFP_THISNODE failed early: %s\n", why);
		test_failures++;
	}
	struct nmm_node_info ni;
	unsigned long on = 0, elsewhere = 0, absent = 0;
	REQUIRE(nmm_node_info(nid, &ni) == 0);
	CHECK_EQ(ni.phys_node, nid);
	for (int r = 0; r < ni.nr_ranges; r++) {
		unsigned long on_r, else_r, absent_r;

		CHECK_EQ(nmm_numa_verify(__va(ni.range[r].start), ni.range[r].end - ni.range[r].start,
					 nid, &on_r, &else_r, &absent_r), 0);
		on += on_r;
		elsewhere += else_r;
		absent += absent_r;
	}
	CHECK_EQ(elsewhere, 0);
	CHECK(on >= thisnode);

	/* 2. Without it: the other nodes, nearest first. */
	fast_end = 0;
	while (n < MAX_PAGES && (held[n] = alloc_pages_node(nid, GFP_KERNEL | __GFP_NOWARN, 0))) {
		int m = page_to_nid(held[n]);

		where[n] = (unsigned char)m;
		if (m < 0 || m >= e->nr_nodes || rank[m] < 0) {
			fprintf(stderr, "node %d: a page of node %d, which has no memory\n", nid, m);
			test_failures++;
			m = nid;
		}
		if (!fast_end) {
			int prev = n > thisnode ? where[n - 1] : nid;

			if (rank[m] < rank[prev]) {
				fast_end = n;   /* the first step back: the slow path began */
			} else if (m != prev && n > thisnode && !node_at_wmark(prev, WMARK_LOW, why, sizeof(why))) {
				fprintf(stderr, "node %d: left node %d for node %d early: %s\n", nid, prev, m, why);
				test_failures++;
			}
		}
		(fast_end ? tail : used)[m]++;
		n++;
	}
	CHECK(n < MAX_PAGES);
	if (!fast_end)
		fast_end = n;
	CHECK_EQ(used[nid] + tail[nid], 0);   /* nid was empty before it began */

	/* The fast part: runs in zonelist order, every other memory node in one run. */
	int runs[VM_MAX_NODES * 4], nruns = 0;
	for (unsigned long i = thisnode; i < fast_end; i++)
		if (i == thisnode || where[i] != where[i - 1]) {
			if (nruns < (int)(sizeof(runs) / sizeof(runs[0])))
				runs[nruns] = where[i];
			nruns++;
		}
	for (int i = 0; i < nruns && i < (int)(sizeof(runs) / sizeof(runs[0])); i++)
		len += snprintf(line + len, sizeof(line) - len, " %d(%d)x%lu", runs[i],
				e->dist[nid][runs[i]], used[runs[i]]);
	printf("node %d: %lu pages with __GFP_THISNODE, then%s, then %lu in the slow path:", nid,
	       thisnode, line, n - fast_end);
	for (int m = 0; m < e->nr_nodes; m++)
		if (tail[m])
			printf(" %d:%lu (low-min %ld)", m, tail[m], low_minus_min(m));
	printf("\n");
	if (nruns != nr - 1 || memcmp(runs, order + 1, sizeof(int) * (size_t)(nr - 1))) {
		len = 0;
		for (int i = 1; i < nr; i++)
			len += snprintf(line + len, sizeof(line) - len, " %d(%d)", order[i], e->dist[nid][order[i]]);
		fprintf(stderr, "node %d: fallback does not follow the SLIT row; expected nodes%s\n", nid, line);
		test_failures++;
	}
	for (int m = 0; m < e->nr_nodes; m++) {
		if (m == nid || !e->has_memory[m])
			continue;
		CHECK_EQ(node_distance(nid, m), e->dist[nid][m]);
		/* The slow path only had what lay between the low and min watermarks, and what sat
		 * on pcp lists (drained back to the buddy there: at most a batch per CPU). */
		if ((long)tail[m] > low_minus_min(m) + 64 * e->nr_cpus) {
			fprintf(stderr, "node %d: %lu pages of node %d in the slow path, low - min is %ld\n",
				nid, tail[m], m, low_minus_min(m));
			test_failures++;
		}
		if (!node_at_wmark(m, WMARK_MIN, why, sizeof(why))) {
			fprintf(stderr, "node %d: allocation failed with memory left: %s\n", nid, why);
			test_failures++;
		}
	}

	/* 3. Everything back. */
	while (n--)
		__free_page(held[n]);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages(), start_free);
	if (test_failures != fails0)
		fprintf(stderr, "node %d: %d check(s) failed\n", nid, test_failures - fails0);
}

int main(void)
{
	struct vm_expect e;
	unsigned long start_free;
	int r;

	vm_expect_load(&e);
	r = nmm_boot(NULL);
	if (r) {
		fprintf(stderr, "nmm_boot(default) = %d (%s): %s\n", r, strerror(-r), nmm_boot_strerror());
		return 1;
	}
	REQUIRE(nr_node_ids == e.nr_nodes);
	held = malloc(sizeof(*held) * MAX_PAGES);
	where = malloc(MAX_PAGES);
	REQUIRE(held && where);
	drain_all_pages(NULL);
	start_free = nr_free_pages();
	printf("numamm booted with defaults on %s: %d nodes, %lu free pages\n", e.topo, nr_node_ids,
	       start_free);
	for (int nid = 0; nid < e.nr_nodes; nid++)
		if (e.has_memory[nid])
			one_node(&e, nid, start_free);
	nmm_shutdown();
	return test_done();
}
