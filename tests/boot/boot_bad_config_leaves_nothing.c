/* boot_bad_config_leaves_nothing: a bad command line or an impossible layout fails with a clear
 * error and leaves nothing half-booted: no mappings, no memfds, and the next good boot works.
 * Node-count agnostic: node_mem= lists and node ids come from the machine's topology, and the
 * layouts that must fail on one node's memory give every other node none (node_mem=64M,0,...),
 * so on a one-node host the lines are exactly "mem=64M ...". */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"
#include "process_resources.h"


static struct nmm_numa_topology topo;
static int first_mem = -1;   /* first node with memory */

/* "node_mem=" with SIZE on the first node with memory and 0 elsewhere: the same one-node layout
 * on any machine. With @use_mem, a one-node machine gets "mem=SIZE" instead. */
static const char *one_node_as(bool use_mem, const char *size, const char *rest)
{
	static char buf[512];
	int len;
	if (use_mem && topo.nr_nodes == 1) {
		snprintf(buf, sizeof(buf), "mem=%s%s%s", size, *rest ? " " : "", rest);
		return buf;
	}
	len = snprintf(buf, sizeof(buf), "node_mem=");
	for (int i = 0; i < topo.nr_nodes; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "", i == first_mem ? size : "0");
	snprintf(buf + len, sizeof(buf) - len, "%s%s", *rest ? " " : "", rest);
	return buf;
}
#define one_node(size, rest) one_node_as(true, size, rest)
#define one_node_mem(size, rest) one_node_as(false, size, rest)

static void expect_fail(const char *line, int err, const char *msg_part)
{
	int fds = count_fds();
	long maps = count_maps();
	CHECK_EQ(nmm_boot(line), err);
	CHECK(!nmm_booted());
	if (!strstr(nmm_boot_strerror(), msg_part)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, nmm_boot_strerror(), msg_part);
		test_failures++;
	}
	CHECK_EQ(count_fds(), fds);
	CHECK_MAPS_BACK_TO(maps);
	CHECK_EQ(nmm_linear_base, 0);
	CHECK_EQ(memblock.memory.cnt, 0);
	CHECK_EQ(nr_node_ids, 0);
	if (nmm_booted()) {   /* it should have failed: do not let it spoil the next cases */
		fprintf(stderr, "'%s' booted\n", line);
		nmm_shutdown();
	}
}

int main(void)
{
	char line[512], msg[160], size[32];
	int len;

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	for (int i = 0; i < topo.nr_nodes && first_mem < 0; i++)
		if (topo.node[i].mem_total)
			first_mem = i;
	REQUIRE(first_mem >= 0);

	/* Warm up hwloc's one-time allocations so mapping counts compare like with like. */
	REQUIRE(nmm_boot("mem=64M backing=thp") == 0);
	nmm_shutdown();

	expect_fail("mem=12Q", -EINVAL, "'mem=12Q' at column 1");
	expect_fail("mem=64M frobnicate", -EINVAL, "unknown parameter in 'frobnicate' at column 9");
	/* One size more than there are nodes. */
	len = snprintf(line, sizeof(line), "node_mem=64M");
	for (int i = 0; i < topo.nr_nodes; i++)
		len += snprintf(line + len, sizeof(line) - len, ",64M");
	snprintf(msg, sizeof(msg), "node_mem= gives %d sizes for %d nodes", topo.nr_nodes + 1, topo.nr_nodes);
	expect_fail(line, -EINVAL, msg);
	/* More than the first memory node has; the others ask for nothing. */
	snprintf(msg, sizeof(msg), "node %d: 102400000 MiB requested", first_mem);
	expect_fail(one_node_mem("100000G", ""), -ENOMEM, msg);
	/* A node one past the last (3 on a host with up to three nodes, as always). */
	int bad = topo.nr_nodes > 3 ? topo.nr_nodes : 3;
	snprintf(line, sizeof(line), "memmap=64M@0:%d", bad);
	snprintf(msg, sizeof(msg), "there is no node %d", bad);
	expect_fail(line, -EINVAL, msg);
	expect_fail("memmap=64M@0 memmap=64M@32M", -EINVAL, "overlap");
	/* 64M on one node, all of it at [0, 64M): highmem=64M leaves no lowmem. */
	expect_fail(one_node("64M", "highmem=64M"), -EINVAL, "leaves no lowmem");
	expect_fail(one_node("64M", "highmem=32M backing=thp"), -EINVAL, "thp cannot back it");
	/* hugepages=on with a pool too small for the node: an error at boot, not a SIGBUS later.
	 * 2G when the node has it (1024 pages), else 256M (128 pages): guest nodes are smaller. */
	uint64_t want = topo.node[first_mem].mem_total >= (2ULL << 30) ? 2ULL << 30 : 256ULL << 20;
	snprintf(size, sizeof(size), "%lluM", (unsigned long long)(want >> 20));
	snprintf(msg, sizeof(msg), "hugetlb needs %llu free 2 MiB pages", (unsigned long long)(want >> 21));
	expect_fail(one_node_mem(size, "hugepages=on"), -ENOMEM, msg);

	REQUIRE(nmm_boot("mem=64M") == 0);
	CHECK(nmm_booted());
	CHECK(memblock.memory.cnt > 0);
	nmm_shutdown();
	return test_done();
}
