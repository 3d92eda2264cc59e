/* fuzz_boot_full: arbitrary bytes (a bounded, NUL-terminated copy) as nmm_boot()'s command line.
 *
 * Lines that would boot much memory are skipped before nmm_boot() (mem=, node_mem= and
 * memmap=nn@ss above 256 MiB in total, none of them given — the default is 512 MiB a node —,
 * physical addresses above 16 GiB, hot-add windows above 1 GiB, more than 16 nodes) and so are
 * lines that would change the machine's hugepage pool (hugepages=on|N, backing=hugetlb).
 * Everything else is booted for real, bad lines included:
 *  - nmm_boot() returns 0, -EINVAL or -ENOMEM, and nmm_booted() says the same;
 *  - a failed boot leaves nothing behind: no file descriptor, no mapping, no memblock region,
 *    no linear map, no nodes, and a message in nmm_boot_strerror();
 *  - a good boot answers nmm_node_info() for every node, remembers its command line, refuses a
 *    second nmm_boot() with -EBUSY, has valid zones, serves and takes back a page, and after
 *    nmm_shutdown() leaves no file descriptor behind.
 * fail_* tokens (docs/fault-injection.md) make boot's own allocations and mappings fail: the
 * failed-boot checks above then cover the unwinding of each.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <numamm/fault_inject.h>
#include <numamm/numamm.h>

#include "boot/boot.h"
#include "page_alloc/internal.h"
#include "../tests/process_resources.h"

#define FUZZ_MAX_LINE 300
#define MAX_MEM (256ULL << 20)
#define MAX_PHYS (16ULL << 30)
#define MAX_HOTPLUG (1ULL << 30)
#define MAX_NODES 16

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_boot_full: " __VA_ARGS__);                    \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)


/* Whether @line is small and harmless enough to boot (a line that does not parse always is). */
static int worth_booting(const char *line)
{
	static struct nmm_boot_params p;
	char err[256];
	if (nmm_cmdline_parse(line, &p, err, sizeof(err)))
		return 1;
	if (p.hugepages == NMM_HUGEPAGES_ON || p.hugepages_nr || p.backing == NMM_BACKING_HUGETLB)
		return 0;
	if (p.fake > MAX_NODES)
		return 0;
	uint64_t total = 0;
	if (p.nr_usable) {
		for (int i = 0; i < p.nr_usable; i++) {
			total += p.usable[i].end - p.usable[i].start;
			if (p.usable[i].end > MAX_PHYS)
				return 0;
		}
	} else if (p.nr_node_mem) {
		for (int i = 0; i < p.nr_node_mem; i++) {
			if (p.node_mem[i] > MAX_MEM)
				return 0;
			total += p.node_mem[i];
		}
		if (p.mem > MAX_MEM)
			return 0;
	} else if (p.mem) {
		total = p.mem;
	} else {
		return 0;   /* the default: 512 MiB a node */
	}
	if (total > MAX_MEM)
		return 0;
	for (int i = 0; i < p.nr_reserved; i++)
		if (p.reserved[i].end > MAX_PHYS)
			return 0;
	if (p.lowmem > MAX_PHYS || p.hotplug > MAX_HOTPLUG)
		return 0;
	for (int i = 0; i < p.nr_node_hotplug; i++)
		if (p.node_hotplug[i] > MAX_HOTPLUG)
			return 0;
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* hwloc's and the sanitizers' one-time allocations first, so counts compare like with like. */
	if (nmm_boot("mem=64M backing=thp") == 0)
		nmm_shutdown();
	if (nmm_boot("mem=64M numa=fake=2 backing=shmem highmem=16M") == 0)
		nmm_shutdown();
	nmm_boot("mem=1Q");
	return 0;
}

static void check_booted(const char *line)
{
	if (!nmm_booted())
		FAIL("'%s': nmm_boot() returned 0 but nmm_booted() is false", line);
	if (nr_node_ids < 1 || nr_node_ids > NMM_MAX_NODES)
		FAIL("'%s': nr_node_ids %d", line, nr_node_ids);
	if (strcmp(nmm_boot_cmdline(), line))
		FAIL("'%s': nmm_boot_cmdline() is '%s'", line, nmm_boot_cmdline());
	if (nmm_boot_strerror()[0])
		FAIL("'%s': booted with an error message '%s'", line, nmm_boot_strerror());
	uint64_t mem = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct nmm_node_info ni;
		if (nmm_node_info(nid, &ni))
			FAIL("'%s': nmm_node_info(%d) fails", line, nid);
		if (ni.nid != nid || ni.mem_bytes > MAX_MEM || ni.nr_ranges < 0 || ni.nr_ranges > 16)
			FAIL("'%s': node %d info: nid %d, %llu bytes, %d ranges", line, nid, ni.nid,
			     (unsigned long long)ni.mem_bytes, ni.nr_ranges);
		mem += ni.mem_bytes;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone) && !nmm_zone_is_valid(zone, stderr))
				FAIL("'%s': node %d zone %d invalid after boot", line, nid, z);
		}
	}
	struct nmm_node_info none;
	if (nmm_node_info(nr_node_ids, &none) != -ENODEV)
		FAIL("'%s': nmm_node_info(%d) of a node not booted", line, nr_node_ids);
	if (!mem)
		FAIL("'%s': booted without memory", line);
	unsigned long free = nr_free_pages();
	if (!free || free > mem / PAGE_SIZE)
		FAIL("'%s': %lu free pages of %llu bytes", line, free, (unsigned long long)mem);
	if (nmm_boot(line) != -EBUSY)
		FAIL("'%s': a second nmm_boot() is not -EBUSY", line);
	if (!nmm_booted())
		FAIL("'%s': a refused second boot unbooted", line);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, 0);
	if (page)
		__free_pages(page, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_LINE)
		size = FUZZ_MAX_LINE;
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (!worth_booting(line)) {
		free(line);
		return 0;
	}
	int fds = count_fds();
	long maps = count_maps();
	int e = nmm_boot(line);
	if (e == 0) {
		check_booted(line);
		nmm_shutdown();
		if (nmm_booted())
			FAIL("'%s': still booted after nmm_shutdown()", line);
		if (count_fds() != fds)
			FAIL("'%s': %d file descriptors before boot, %d after shutdown", line, fds, count_fds());
	} else {
		if (e != -EINVAL && e != -ENOMEM)
			FAIL("'%s': nmm_boot() returned %d", line, e);
		if (nmm_booted())
			FAIL("'%s': nmm_boot() failed (%d) but nmm_booted()", line, e);
		if (!nmm_boot_strerror()[0])
			FAIL("'%s': nmm_boot() failed (%d) without a message", line, e);
		if (count_fds() != fds)
			FAIL("'%s': %d file descriptors before a failed boot, %d after", line, fds, count_fds());
		if (count_maps() != maps)
			FAIL("'%s': %ld mappings before a failed boot, %ld after", line, maps, count_maps());
		if (nmm_linear_base || memblock.memory.cnt || memblock.reserved.cnt || nr_node_ids)
			FAIL("'%s': a failed boot left linear base %#lx, memblock %lu/%lu regions, %d nodes",
			     line, (unsigned long)nmm_linear_base, (unsigned long)memblock.memory.cnt,
			     (unsigned long)memblock.reserved.cnt, nr_node_ids);
	}
	/* A line's fail_* tokens stay armed after it (the boot line sets them for the process):
	 * every input starts with every point off, so a crash reproduces from its input alone. */
	nmm_fault_reset();
	free(line);
	return 0;
}
