/* fault_arena_failure_leaves_nothing: fail_arena makes mapping a node's memory fail — the first
 * piece, a later node's piece after node 0 is fully set up, the highmem view after the lowmem
 * ranges — and boot returns -ENOMEM with an error that names the node and fail_arena, leaving no
 * file descriptor (memfd) and no mapping behind; the next boot works. Set through the API before
 * boot or on the boot line. At hot-add, a refused mapping is -ENOMEM, the node as it was, and
 * the allocator that wanted the memory copes (NULL, nothing lost). */
#include "ft.h"
#include "process_resources.h"

/* Mappings of numamm's memfds (named "numamm-node<N>"). */
static long count_node_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	long n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "memfd:numamm-node") != NULL;
	if (f)
		fclose(f);
	return n;
}

static void expect_boot_fails(const char *line, const char *part)
{
	int fds = count_fds();
	long maps = count_maps();
	CHECK_EQ(nmm_boot(line), -ENOMEM);
	CHECK(!nmm_booted());
	if (!strstr(nmm_boot_strerror(), part)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, nmm_boot_strerror(), part);
		test_failures++;
	}
	CHECK_EQ(count_fds(), fds);
	CHECK_MAPS_BACK_TO(maps);
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_ARENA), 1);
	if (nmm_booted())
		nmm_shutdown();
}

int main(void)
{
	/* Warm up hwloc's one-time allocations so the resource counts compare like with like. */
	ft_boot("mem=64M backing=thp");
	nmm_shutdown();

	const char *backings[] = { "shmem", "thp" };
	char line[256];
	for (int b = 0; b < 2; b++) {
		/* The first piece of node 0: its memfd (shmem) exists already. */
		snprintf(line, sizeof(line), "mem=64M backing=%s fail_arena=1,100,0,1", backings[b]);
		expect_boot_fails(line, "node 0: mmap of 64 MiB");
		/* Node 1's, after node 0 is mapped and bound. */
		snprintf(line, sizeof(line), "numa=fake=2 mem=64M backing=%s fail_arena=2,100,0,1", backings[b]);
		expect_boot_fails(line, "node 1: mmap of 32 MiB");
		CHECK(strstr(nmm_boot_strerror(), "(fail_arena)") != NULL);
	}
	/* The highmem view, after the lowmem range of the same memfd. */
	expect_boot_fails("mem=64M highmem=16M backing=shmem fail_arena=2,100,0,1", "node 0: mmap of 16 MiB");

	/* Through the API before boot; one failure, then the same line boots. */
	ft_set(NMM_FAULT_ARENA, ft_nth(1));
	expect_boot_fails("mem=64M backing=shmem", "(fail_arena)");
	ft_boot("mem=64M backing=shmem hotplug=256M");

	/* Hot-add: refused by the backing; nothing added, nothing left behind. */
	int fds = count_fds();
	long maps = count_maps(), node_maps = count_node_maps();
	struct nmm_node_info before, after;
	REQUIRE(nmm_node_info(0, &before) == 0);
	unsigned long free0 = ft_free_pages();
	ft_set(NMM_FAULT_ARENA, ft_always(-1));
	CHECK_EQ(nmm_memory_hotadd(0, 128ULL << 20), -ENOMEM);
	/* The allocator's own hot-add (before failing a GFP_KERNEL request) is refused too: asking
	 * for more than the node's boot memory ends in NULL. */
	void *big[64];
	int n = 0;
	while (n < 64 && (big[n] = alloc_pages_exact(4ULL << 20, GFP_KERNEL | __GFP_NOWARN)))
		n++;
	CHECK(n > 0 && n < 64);
	CHECK(nmm_fault_injected(NMM_FAULT_ARENA) >= 2);
	for (int i = 0; i < n; i++)
		free_pages_exact(big[i], 4ULL << 20);
	REQUIRE(nmm_node_info(0, &after) == 0);
	CHECK_EQ(after.nr_ranges, before.nr_ranges);
	CHECK_EQ(after.mem_bytes, before.mem_bytes);
	CHECK_EQ(count_fds(), fds);
	CHECK_EQ(count_node_maps(), node_maps);
#ifndef __SANITIZE_THREAD__
	CHECK_EQ(count_maps(), maps);   /* TSan maps shadow for the memory the allocations touched */
#else
	(void)maps;
#endif
	nmm_fault_set(NMM_FAULT_ARENA, NULL);
	/* Disarmed, the same hot-add works. */
	CHECK_EQ(nmm_memory_hotadd(0, 128ULL << 20), 0);
	REQUIRE(nmm_node_info(0, &after) == 0);
	CHECK(after.nr_ranges > before.nr_ranges);
	CHECK(ft_free_pages() >= free0);
	nmm_shutdown();
	return test_done();
}
