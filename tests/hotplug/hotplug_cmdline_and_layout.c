/* hotplug_cmdline_and_layout: hotplug= is parsed like node_mem= (one size for every node with
 * memory, or one per node), bad values name the token and column, and the layout puts each
 * node's window above all boot memory and 4 GiB, section aligned, covered by the linear map,
 * the section table and the lowmem limit but not given to memblock. */
#include <errno.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>

#include "boot/boot.h"
#include "test.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

static void parse_fails(const char *line, const char *msg)
{
	struct nmm_boot_params p;
	char err[256];
	CHECK_EQ(nmm_cmdline_parse(line, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, err, msg);
		test_failures++;
	}
}

static void boot_fails(const char *line, const char *msg)
{
	CHECK_EQ(nmm_boot(line), -EINVAL);
	CHECK(!nmm_booted());
	if (!strstr(nmm_boot_strerror(), msg)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, nmm_boot_strerror(), msg);
		test_failures++;
	}
}

int main(void)
{
	struct nmm_boot_params p;
	char err[256];
	REQUIRE(nmm_cmdline_parse("mem=64M hotplug=1G", &p, err, sizeof(err)) == 0);
	CHECK_EQ(p.hotplug, GiB);
	CHECK_EQ(p.nr_node_hotplug, 0);
	REQUIRE(nmm_cmdline_parse("hotplug=128M,0,1G", &p, err, sizeof(err)) == 0);
	CHECK_EQ(p.nr_node_hotplug, 3);
	CHECK_EQ(p.node_hotplug[0], 128 * MiB);
	CHECK_EQ(p.node_hotplug[1], 0);
	CHECK_EQ(p.node_hotplug[2], GiB);
	REQUIRE(nmm_cmdline_parse("hotplug=0", &p, err, sizeof(err)) == 0);
	CHECK_EQ(p.hotplug, 0);

	parse_fails("mem=64M hotplug=12Q", "bad size (at most 32T) in 'hotplug=12Q' at column 9");
	parse_fails("hotplug=", "bad size in 'hotplug=' at column 1");
	parse_fails("hotplug", "missing '=value' in 'hotplug' at column 1");
	parse_fails("hotplug=-1M", "in 'hotplug=-1M' at column 1");
	parse_fails("hotplug=64M,,64M", "bad size in 'hotplug=64M,,64M'");
	parse_fails("hotplug=64M,", "bad size in 'hotplug=64M,'");
	parse_fails("hotplug=64T", "bad size (at most 32T) in 'hotplug=64T'");
	parse_fails("mem=64M hotplug=256M highmem=16M", "hotplug= with highmem=: hot-added memory is lowmem only");
	parse_fails("hotplug=256M lowmem=32M", "hotplug= with lowmem=");

	boot_fails("mem=64M hotplug=64M,64M", "hotplug= gives 2 sizes for 1 nodes");
	boot_fails("numa=fake=2 node_mem=64M,0 hotplug=128M,128M", "node 1 is memoryless and cannot grow");

	/* Small node: the window starts at 4 GiB, rounded up to whole sections. */
	REQUIRE(nmm_boot("mem=64M hotplug=200M backing=thp") == 0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotplug_start, 4 * GiB);
	CHECK_EQ(ni.hotplug_end, 4 * GiB + 256 * MiB);
	CHECK_EQ(ni.hotadded_bytes, 0);
	CHECK_EQ(ni.nr_ranges, ni.nr_boot_ranges);
	CHECK_EQ(max_pfn, PFN_DOWN(4 * GiB + 256 * MiB));
	CHECK_EQ(nmm_lowmem_limit, 4 * GiB + 256 * MiB);
	CHECK(nmm_nr_sections >= (4 * GiB + 256 * MiB) >> SECTION_SIZE_BITS);
	CHECK(!pfn_valid(PFN_DOWN(4 * GiB)));          /* not memory until hot-added */
	CHECK(!memblock_is_memory(4 * GiB));
	CHECK(!memblock_is_memory(4 * GiB + 255 * MiB));
	CHECK_EQ(memblock_phys_mem_size(), 64 * MiB);
	CHECK(!populated_zone(&NODE_DATA(0)->node_zones[ZONE_NORMAL]));
	CHECK(NODE_DATA(0)->node_zones[ZONE_NORMAL].pageblock_flags != NULL);   /* ready for hot-add */
	nmm_shutdown();

	/* Boot memory above 4 GiB: the window follows it on the next 1 GiB boundary. */
	REQUIRE(nmm_boot("memmap=64M@0 memmap=64M@5G hotplug=128M backing=thp") == 0);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotplug_start, 6 * GiB);
	CHECK_EQ(ni.hotplug_end, 6 * GiB + 128 * MiB);
	CHECK(populated_zone(&NODE_DATA(0)->node_zones[ZONE_NORMAL]));
	CHECK_EQ(nmm_memory_hotadd(0, 128 * MiB), 0);
	struct zone *normal = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	CHECK_EQ(normal->zone_start_pfn, PFN_DOWN(5 * GiB));   /* the span grows over the hole */
	CHECK_EQ(zone_end_pfn(normal), PFN_DOWN(6 * GiB + 128 * MiB));
	CHECK_EQ(normal->present_pages, PFN_DOWN(64 * MiB + 128 * MiB));
	nmm_shutdown();

	/* Two nodes: windows one after the other, each node's own. */
	REQUIRE(nmm_boot("numa=fake=2 mem=256M hotplug=128M,256M backing=thp") == 0);
	struct nmm_node_info n0, n1;
	REQUIRE(nmm_node_info(0, &n0) == 0 && nmm_node_info(1, &n1) == 0);
	uint64_t boot_end = 0;
	for (int r = 0; r < n1.nr_ranges; r++)
		boot_end = n1.range[r].end > boot_end ? n1.range[r].end : boot_end;
	CHECK_EQ(n0.hotplug_start, (boot_end + GiB - 1) & ~(GiB - 1));
	CHECK_EQ(n0.hotplug_end, n0.hotplug_start + 128 * MiB);
	CHECK_EQ(n1.hotplug_start, n0.hotplug_end);
	CHECK_EQ(n1.hotplug_end, n1.hotplug_start + 256 * MiB);
	CHECK_EQ(nmm_memory_hotadd(1, 256 * MiB), 0);
	CHECK_EQ(page_to_nid(pfn_to_page(PFN_DOWN(n1.hotplug_start) + 600)), 1);
	CHECK_EQ(nmm_memory_hotadd(0, 128 * MiB), 0);
	CHECK_EQ(page_to_nid(pfn_to_page(PFN_DOWN(n0.hotplug_start) + 600)), 0);
	/* The report marks them. */
	char buf[8192] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	REQUIRE(f);
	nmm_report("nodes", f);
	fclose(f);
	CHECK(strstr(buf, " hot-added") != NULL);
	CHECK(strstr(buf, "hotplug window") != NULL);
	nmm_shutdown();
	return test_done();
}
