/* hotplug_hotadd_bad_args: nmm_memory_hotadd() refuses what it cannot do and adds nothing:
 * not booted or no such node with memory (-ENODEV), zero bytes (-EINVAL), more than the window
 * has left or no window at all (-ENOSPC), a hugetlb pool too short for the new section
 * (-ENOMEM, the window stays usable). With enough hugepages, hugetlb nodes grow too. */
#include <errno.h>

#include "boot/boot.h"
#include "page_alloc/pa_test.h"

#define MiB (1ULL << 20)

static unsigned long read_nr_hugepages(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void write_nr_hugepages(unsigned long v)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "w");
	if (f) {
		fprintf(f, "%lu\n", v);
		fclose(f);
	}
}

static unsigned long saved_hugepages;
static void restore_hugepages(void) { write_nr_hugepages(saved_hugepages); }

int main(void)
{
	CHECK_EQ(nmm_memory_hotadd(0, MiB), -ENODEV);   /* not booted */

	REQUIRE(nmm_boot("mem=64M backing=thp") == 0);   /* no hotplug=: no window */
	CHECK_EQ(nmm_memory_hotadd(0, MiB), -ENOSPC);
	nmm_shutdown();

	REQUIRE(nmm_boot("numa=fake=2 node_mem=64M,0 hotplug=128M backing=thp") == 0);
	unsigned long free0 = drained_free_pages();
	CHECK_EQ(nmm_memory_hotadd(1, MiB), -ENODEV);    /* memoryless */
	CHECK_EQ(nmm_memory_hotadd(-1, MiB), -ENODEV);
	CHECK_EQ(nmm_memory_hotadd(2, MiB), -ENODEV);
	CHECK_EQ(nmm_memory_hotadd(MAX_NUMNODES, MiB), -ENODEV);
	CHECK_EQ(nmm_memory_hotadd(0, 0), -EINVAL);
	CHECK_EQ(nmm_memory_hotadd(0, 129 * MiB), -ENOSPC);   /* two sections, the window has one */
	CHECK_EQ(nmm_memory_hotadd(0, (size_t)-1), -ENOSPC);
	CHECK_EQ(nmm_hotadd_events, 0);
	CHECK_EQ(drained_free_pages(), free0);
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 0);
	CHECK_EQ(nmm_memory_hotadd(0, 1), 0);                  /* rounded up to one section */
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 128 * MiB);
	CHECK_EQ(ni.nr_ranges, ni.nr_boot_ranges + 1);
	CHECK_EQ(drained_free_pages(), free0 + PAGES_PER_SECTION - 512);
	CHECK_EQ(nmm_memory_hotadd(0, 1), -ENOSPC);
	CHECK_EQ(nmm_hotadd_events, 1);
	/* Node 1 (memoryless) falls back to node 0's new zone. */
	struct page *page = alloc_pages_node(1, GFP_KERNEL, 0);
	CHECK(page && page_to_nid(page) == 0);
	if (page)
		__free_pages(page, 0);
	CHECK(all_zones_valid());
	nmm_shutdown();

	/* hugetlb: a pool just big enough for boot refuses the hot-add; a bigger one grows. */
	saved_hugepages = read_nr_hugepages();
	atexit(restore_hugepages);
	write_nr_hugepages(16);
	if (read_nr_hugepages() < 16 || nmm_boot("mem=32M hotplug=256M backing=hugetlb") != 0) {
		fprintf(stderr, "SKIP (hugetlb part): cannot reserve 16 hugepages\n");
		return test_done();
	}
	free0 = drained_free_pages();
	CHECK_EQ(nmm_memory_hotadd(0, 128 * MiB), -ENOMEM);
	CHECK_EQ(nmm_hotadd_events, 0);
	CHECK_EQ(drained_free_pages(), free0);
	REQUIRE(nmm_node_info(0, &ni) == 0);
	CHECK_EQ(ni.hotadded_bytes, 0);
	CHECK_EQ(ni.mem_bytes, 32 * MiB);
	CHECK(!pfn_valid(PFN_DOWN(ni.hotplug_start)));
	/* The allocator, out of boot memory, gets NULL rather than a SIGBUS later. */
	struct page *blocks[64];
	int nb = 0;
	while (nb < 64 && (blocks[nb] = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 9)))
		nb++;
	CHECK(nb > 0 && nb < 64);
	CHECK_EQ(nmm_hotadd_events, 0);
	while (nb)
		__free_pages(blocks[--nb], 9);
	CHECK_EQ(drained_free_pages(), free0);
	write_nr_hugepages(16 + 64);
	if (read_nr_hugepages() >= 16 + 64) {
		CHECK_EQ(nmm_memory_hotadd(0, 128 * MiB), 0);   /* the same window, usable again */
		REQUIRE(nmm_node_info(0, &ni) == 0);
		CHECK_EQ(ni.hotadded_bytes, 128 * MiB);
		CHECK_EQ(drained_free_pages(), free0 + PAGES_PER_SECTION - 512);
		unsigned long on = 0, elsewhere = 0;
		CHECK_EQ(nmm_numa_verify_stride(__va(ni.hotplug_start), 128 * MiB, 2 * MiB, ni.phys_node, &on,
						&elsewhere, NULL), 0);
		CHECK_EQ(elsewhere, 0);
		CHECK(all_zones_valid());
	} else {
		fprintf(stderr, "SKIP (hugetlb growth): the kernel granted %lu of 80 hugepages\n",
			read_nr_hugepages());
	}
	nmm_shutdown();
	return test_done();
}
