/* tests/io/io_resource_tree_overlap_and_report.c - the iomem tree keeps claims apart and prints
 * like /proc/iomem.
 *
 *   fd000000-fdffffff : PCI Bus 0000:00            (inserted last: adopts both BARs)
 *     fd000000-fd0fffff : 0000:00:02.0             BAR, not busy
 *       fd000000-fd000fff : edu                    request_mem_region: busy
 *     fd100000-fd100fff : 0000:00:03.0
 *
 * Expect: a request overlapping "edu" fails naming it; a request crossing a BAR's end fails; a
 * BAR partly overlapping another cannot be inserted; the report matches byte for byte; a
 * release of a range nobody claimed says "Trying to free nonexistent resource".
 */
#include <errno.h>

#include <numamm/linux/ioport.h>
#include <numamm/numamm.h>
#include <numamm/pci.h>

#include "io_test.h"

static struct resource bar_a = { .start = 0xfd000000, .end = 0xfd0fffff, .name = "0000:00:02.0",
				 .flags = IORESOURCE_MEM };
static struct resource bar_b = { .start = 0xfd100000, .end = 0xfd100fff, .name = "0000:00:03.0",
				 .flags = IORESOURCE_MEM };
static struct resource bad = { .start = 0xfd0ff000, .end = 0xfd100fff, .name = "straddler",
			       .flags = IORESOURCE_MEM };
static struct resource bus = { .start = 0xfd000000, .end = 0xfdffffff, .name = "PCI Bus 0000:00",
			       .flags = IORESOURCE_MEM };

static const char expected[] =
	"fd000000-fdffffff : PCI Bus 0000:00\n"
	"  fd000000-fd0fffff : 0000:00:02.0\n"
	"    fd000000-fd000fff : edu\n"
	"  fd100000-fd100fff : 0000:00:03.0\n";

int main(void)
{
	struct resource *edu, *r;
	char buf[1024] = "";
	FILE *f;

	CHECK_EQ(insert_resource(&iomem_resource, &bar_a), 0);
	CHECK_EQ(insert_resource(&iomem_resource, &bar_b), 0);
	EXPECT_MSG(CHECK_EQ(insert_resource(&iomem_resource, &bad), -EBUSY), "conflicts with '0000:00:02.0'");

	edu = request_mem_region(0xfd000000, 0x1000, "edu");
	CHECK(edu && edu->parent == &bar_a);
	EXPECT_MSG(CHECK(!request_mem_region(0xfd000800, 0x1000, "other")), "conflicts with 'edu'");
	EXPECT_MSG(CHECK(!request_mem_region(0xfd0ff000, 0x2000, "across")), "conflicts with '0000:00:02.0'");
	EXPECT_MSG(CHECK(!request_mem_region(0xfd001000, 0, "empty")), "empty");
	r = request_mem_region(0xfd001000, 0x1000, "next door");    /* adjacent: fine */
	CHECK(r != NULL);
	release_mem_region(0xfd001000, 0x1000);

	CHECK_EQ(insert_resource(&iomem_resource, &bus), 0);        /* adopts both BARs */
	CHECK(bar_a.parent == &bus && bar_b.parent == &bus && bus.parent == &iomem_resource);
	CHECK(nmm_iomem_lookup(0xfd000010, 4) == edu);
	CHECK(nmm_iomem_lookup(0xfd100000, 0x1000) == &bar_b);

	f = fmemopen(buf, sizeof(buf), "w");
	REQUIRE(f);
	CHECK_EQ(nmm_report("iomem", f), 0);
	fclose(f);
	if (strcmp(buf, expected)) {
		fprintf(stderr, "report:\n%s\nexpected:\n%s", buf, expected);
		test_failures++;
	}

	EXPECT_MSG(release_mem_region(0xfd002000, 0x1000), "Trying to free nonexistent resource <0xfd002000-0xfd002fff>");
	release_mem_region(0xfd000000, 0x1000);
	edu = request_mem_region(0xfd000800, 0x1000, "edu again");  /* free again after release */
	CHECK(edu != NULL);
	release_mem_region(0xfd000800, 0x1000);
	CHECK_EQ(release_resource(&bar_a), 0);
	CHECK_EQ(release_resource(&bar_b), 0);
	CHECK_EQ(release_resource(&bus), 0);
	CHECK(iomem_resource.child == NULL);
	return test_done();
}
