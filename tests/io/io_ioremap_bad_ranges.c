/* tests/io/io_ioremap_bad_ranges.c - ioremap maps exactly the BARs of open devices, and says
 * so when it cannot; iounmap knows its mappings; close waits for them.
 *
 *   BAR0 fe000000-fe0fffff (1 MiB)    BAR2 fd000000-fd003fff (16 KiB)    of a RAM stand-in device
 *
 * Expect: in-BAR maps work, alias each other and keep sub-page offsets; a range outside every
 * BAR, one crossing BAR0's end, a zero size, a BAR the device does not have, all give NULL and
 * one line; a second iounmap of the same address is reported; nmm_pci_close() with a live
 * mapping is -EBUSY and leaves the device usable; after the close the BAR is gone.
 * The accessors and string copies are checked against the RAM behind the BAR.
 */
#include <errno.h>

#include <numamm/linux/io.h>
#include <numamm/pci.h>

#include "io/io.h"
#include "io_test.h"

int main(void)
{
	static const u64 start[3] = { 0xfe000000, 0, 0xfd000000 }, size[3] = { 1 << 20, 0, 16 << 10 };
	struct pci_dev *pdev = nmm_io_ramdev_open("0000:00:07.0", 0x1234, 0x11e8, start, size, 3);
	void __iomem *a, *b, *c;
	u8 buf[100], back[100];

	REQUIRE(pdev);
	CHECK_EQ(pdev->vendor, 0x1234);
	CHECK_EQ(pdev->device, 0x11e8);
	CHECK_EQ(pci_resource_len(pdev, 0), 1 << 20);
	CHECK_EQ(pci_resource_len(pdev, 1), 0);

	a = ioremap(0xfe000000, 1 << 20);
	b = ioremap(0xfe000004, 8);                      /* sub-page offset kept */
	REQUIRE(a && b);
	CHECK(((uintptr_t)b & 0xfff) == 4);
	writel(0xdeadbeef, (char *)a + 4);
	CHECK_EQ(readl(b), 0xdeadbeef);
	CHECK_EQ(readw_relaxed((char *)b + 2), 0xdead);
	CHECK_EQ(readb(b), 0xef);
	writeq(0x0123456789abcdefULL, (char *)a + 0x100);
	CHECK(readq((char *)a + 0x100) == 0x0123456789abcdefULL);
	iowrite16(0x5a5a, (char *)a + 0x10);
	CHECK_EQ(ioread16((char *)a + 0x10), 0x5a5a);
	CHECK_EQ(ioread32((char *)a + 0x10) & 0xffff, 0x5a5a);
	{
		u32 fifo[4];

		iowrite32(7, (char *)a + 0x20);
		ioread32_rep((char *)a + 0x20, fifo, 4);
		CHECK(fifo[0] == 7 && fifo[3] == 7);
	}
	for (int i = 0; i < 100; i++)
		buf[i] = (u8)(i * 3 + 1);
	memcpy_toio((char *)a + 0x203, buf, sizeof(buf));   /* unaligned head and tail */
	memcpy_fromio(back, (char *)a + 0x203, sizeof(back));
	CHECK(!memcmp(buf, back, sizeof(buf)));
	memset_io((char *)a + 0x301, 0xa5, 37);
	CHECK_EQ(readb((char *)a + 0x300), 0);
	CHECK_EQ(readb((char *)a + 0x301), 0xa5);
	CHECK_EQ(readb((char *)a + 0x301 + 36), 0xa5);
	CHECK_EQ(readb((char *)a + 0x301 + 37), 0);

	c = pci_iomap(pdev, 2, 0);
	CHECK(c != NULL);
	writel(42, c);
	CHECK_EQ(readl(c), 42);
	pci_iounmap(pdev, c);

	EXPECT_MSG(CHECK(!ioremap(0x1000, 16)), "is not in any BAR of an open PCI device");
	EXPECT_MSG(CHECK(!ioremap(0xfe0ff000, 0x2000)), "crosses the end of 0000:00:07.0 BAR 0");
	EXPECT_MSG(CHECK(!ioremap(0xfd003ffc, 8)), "crosses the end of 0000:00:07.0 BAR 2");
	EXPECT_MSG(CHECK(!ioremap(0xfe000000, 0)), "empty");
	EXPECT_MSG(CHECK(!pci_iomap(pdev, 1, 0)), "has no BAR 1");
	EXPECT_MSG(CHECK(!pci_iomap(pdev, 6, 0)), "has no BAR 6");

	EXPECT_MSG(CHECK_EQ(nmm_pci_close(pdev), -EBUSY), "2 ioremap(s)");
	CHECK_EQ(readl(b), 0xdeadbeef);                  /* still there */
	iounmap(b);
	EXPECT_MSG(iounmap(b), "iounmap: bad address");
	EXPECT_MSG(iounmap((void *)buf), "iounmap: bad address");
	iounmap(a);
	CHECK_EQ(nmm_pci_close(pdev), 0);
	EXPECT_MSG(CHECK(!ioremap(0xfe000000, 4)), "is not in any BAR");
	CHECK_EQ(nmm_pci_close(NULL), -EINVAL);
	return test_done();
}
