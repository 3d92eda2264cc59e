/* boot_layout_with_holes: memmap=nn@ss ranges with holes between them give zones whose spanned
 * pages include the holes and whose present pages don't; sections that are all hole have no
 * memory map (pfn_valid false); a section's map stops at its last memory (rounded up to a
 * 4 MiB block), so a hole at a section's tail has no struct pages either.
 *
 *   0      64M        256M   320M           4G    4G+128M
 *   |node0 |   hole   |node0 |     hole     |node0|
 *   memmap=1M$32M reserves a piece inside the first range.
 */
#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "test.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

int main(void)
{
	REQUIRE(nmm_boot("memmap=64M@0,64M@256M memmap=128M@4G memmap=1M$32M") == 0);
	CHECK_EQ(memblock_phys_mem_size(), 256 * MiB);
	CHECK(memblock_is_reserved(32 * MiB));
	CHECK(memblock_is_reserved(33 * MiB - 1));
	CHECK(!memblock_is_reserved(33 * MiB));

	pg_data_t *pg = NODE_DATA(0);
	struct zone *d32 = &pg->node_zones[ZONE_DMA32];
	CHECK_EQ(d32->zone_start_pfn, 16 * MiB / PAGE_SIZE);
	CHECK_EQ(d32->spanned_pages, (320 - 16) * MiB / PAGE_SIZE);
	CHECK_EQ(d32->present_pages, (48 + 64) * MiB / PAGE_SIZE);
	CHECK_EQ(pg->node_zones[ZONE_NORMAL].present_pages, 128 * MiB / PAGE_SIZE);

	/* Section 0 [0,128M) holds memory up to 64M: its map stops there, so the hole at 64M..128M
	 * has no struct pages (the kernel's subsections); the memory below has them. */
	CHECK(pfn_valid(64 * MiB / PAGE_SIZE - 1));
	CHECK(!pfn_valid(64 * MiB / PAGE_SIZE));
	CHECK(!pfn_valid(100 * MiB / PAGE_SIZE));
	CHECK(PageReserved(pfn_to_page(32 * MiB / PAGE_SIZE)));   /* memmap=1M$32M */
	CHECK(pfn_valid(300 * MiB / PAGE_SIZE) && !pfn_valid(330 * MiB / PAGE_SIZE));
	/* Sections [128M, 256M) and [1G, 4G) are all hole: no memory map at all. */
	CHECK(!pfn_valid(200 * MiB / PAGE_SIZE));
	CHECK(!pfn_valid(2 * GiB / PAGE_SIZE));
	CHECK(pfn_valid(4 * GiB / PAGE_SIZE));
	CHECK(!pfn_valid(8 * GiB / PAGE_SIZE));
	/* Holes are not in the linear map: only memory ranges are. */
	CHECK(virt_addr_valid(__va(300 * MiB)));
	CHECK(!virt_addr_valid(__va(200 * MiB)));

	/* Early memory node ranges report: three ranges in order. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	REQUIRE(nmm_report("zoneranges", f) == 0);
	fclose(f);
	CHECK(strstr(buf, "  node   0: [mem 0x0000000000000000-0x0000000003ffffff]\n"));
	CHECK(strstr(buf, "  node   0: [mem 0x0000000010000000-0x0000000013ffffff]\n"));
	CHECK(strstr(buf, "  node   0: [mem 0x0000000100000000-0x0000000107ffffff]\n"));
	CHECK(strstr(buf, "  DMA32    [mem 0x0000000001000000-0x0000000013ffffff]\n"));
	CHECK(strstr(buf, "  HighMem  empty\n"));
	CHECK(strstr(buf, "On node 0, zone DMA32: 49152 pages in unavailable ranges\n"));
	free(buf);
	nmm_shutdown();
	return test_done();
}
