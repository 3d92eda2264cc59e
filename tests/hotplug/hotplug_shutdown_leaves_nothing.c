/* hotplug_shutdown_leaves_nothing: nmm_shutdown() after hot-adds unmaps the hot-added sections
 * and closes the grown memfd with the rest (same mapping and fd counts as before the boot), and
 * the next boot starts from the boot layout again and can grow again. */
#include <dirent.h>

#include "boot/boot.h"
#include "page_alloc/pa_test.h"
#include "process_resources.h"


static void boot_grow(const char *line)
{
	REQUIRE(nmm_boot(line) == 0);
	CHECK(!populated_zone(&NODE_DATA(0)->node_zones[ZONE_NORMAL]));
	CHECK_EQ(nmm_hotadd_events, 0);
	CHECK_EQ(nmm_memory_hotadd(0, 200 << 20), 0);
	CHECK_EQ(nmm_hotadd_events, 2);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 10);   /* touches hot-added memory */
	CHECK(page != NULL);
	if (page)
		__free_pages(page, 10);
	CHECK(all_zones_valid());
}

int main(void)
{
	const char *line = "mem=64M hotplug=256M backing=shmem";
	/* Warm up one-time allocations (hwloc, kswapd's thread stack) so counts compare. */
	boot_grow(line);
	nmm_shutdown();

	int fds = count_fds();
	long maps = count_maps();
	boot_grow(line);
	CHECK(count_maps() > maps);
	nmm_shutdown();
	CHECK_EQ(count_fds(), fds);
	CHECK_MAPS_BACK_TO(maps);
	CHECK_EQ(nmm_linear_base, 0);
	CHECK_EQ(nmm_nr_sections, 0);
	CHECK(!nmm_booted());

	boot_grow("mem=64M hotplug=256M backing=thp");   /* reboot, another backing */
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 256 << 20);
	nmm_shutdown();
	CHECK_EQ(count_fds(), fds);
	CHECK_MAPS_BACK_TO(maps);
	return test_done();
}
