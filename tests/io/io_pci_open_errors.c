/* tests/io/io_pci_open_errors.c - nmm_pci_open refuses what it cannot drive, with errno and one
 * line that says what is wrong and how to fix it.
 *
 * A fake sysfs tree (nmm_io_sysfs_devices) holds four "devices":
 *   0000:00:02.0  1234:11e8  bound to virtio-pci
 *   0000:00:03.0  1234:11e9  no driver
 *   0000:00:04.0  1234:11ea  vfio-pci, no iommu_group      (IOMMU off)
 *   0000:00:05.0  1234:11eb  vfio-pci, iommu_group 7, but no /dev/vfio/vfio (vfio not loaded)
 * Expect: EINVAL for malformed ids, ENODEV for absent devices and ids, ENXIO for the wrong or no
 * driver (naming it and the new_id fix), ENODEV for no IOMMU group and for no /dev/vfio/vfio.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numamm/pci.h>

#include "io/io.h"
#include "io_test.h"

static char root[256];

static void put(const char *bdf, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/devices/%s", root, bdf);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/devices/%s/%s", root, bdf, file);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *bdf, const char *name, const char *target)
{
	char path[512], tgt[512];

	snprintf(tgt, sizeof(tgt), "%s/%s", root, target);
	mkdir(tgt, 0755);
	snprintf(path, sizeof(path), "%s/devices/%s/%s", root, bdf, name);
	REQUIRE(symlink(tgt, path) == 0);
}

static void expect_fail(const char *id, int err, const char *text)
{
	struct pci_dev *pdev;

	errno = 0;
	EXPECT_MSG(pdev = nmm_pci_open(id), text);
	CHECK(pdev == NULL);
	if (errno != err) {
		fprintf(stderr, "nmm_pci_open(%s): errno %d (%s), expected %d (%s)\n", id, errno,
			strerror(errno), err, strerror(err));
		test_failures++;
	}
}

int main(void)
{
	char path[300], devices[300], vfio[300];

	snprintf(root, sizeof(root), "/tmp/nmm-io-sysfs-XXXXXX");
	REQUIRE(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/devices", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/drivers", root);
	mkdir(path, 0755);
	put("0000:00:02.0", "vendor", "0x1234\n");
	put("0000:00:02.0", "device", "0x11e8\n");
	link_to("0000:00:02.0", "driver", "drivers/virtio-pci");
	put("0000:00:03.0", "vendor", "0x1234\n");
	put("0000:00:03.0", "device", "0x11e9\n");
	put("0000:00:04.0", "vendor", "0x1234\n");
	put("0000:00:04.0", "device", "0x11ea\n");
	link_to("0000:00:04.0", "driver", "drivers/vfio-pci");
	put("0000:00:05.0", "vendor", "0x1234\n");
	put("0000:00:05.0", "device", "0x11eb\n");
	link_to("0000:00:05.0", "driver", "drivers/vfio-pci");
	link_to("0000:00:05.0", "iommu_group", "kernel/iommu_groups/7");
	snprintf(devices, sizeof(devices), "%s/devices", root);
	snprintf(vfio, sizeof(vfio), "%s/dev-vfio", root);
	mkdir(vfio, 0755);
	nmm_io_sysfs_devices = devices;
	nmm_io_dev_vfio = vfio;

	expect_fail("zz", EINVAL, "'zz' is neither a PCI address");
	expect_fail("", EINVAL, "no device given");
	expect_fail(NULL, EINVAL, "no device given");
	expect_fail("0000:00:20.0", EINVAL, "is neither");               /* slot > 31 */
	expect_fail("0000:00:1f.7", ENODEV, "no PCI device 0000:00:1f.7");
	expect_fail("ffff:ffff", ENODEV, "no PCI device ffff:ffff");
	expect_fail("0000:00:02.0", ENXIO, "0000:00:02.0 is bound to virtio-pci, not vfio-pci");
	expect_fail("00:02.0", ENXIO, "echo 1234 11e8 > /sys/bus/pci/drivers/vfio-pci/new_id");
	expect_fail("1234:11e8", ENXIO, "is bound to virtio-pci");       /* by vendor:device */
	expect_fail("0000:00:03.0", ENXIO, "0000:00:03.0 is not bound to vfio-pci (no driver");
	expect_fail("0000:00:04.0", ENODEV, "0000:00:04.0 has no IOMMU group");
	expect_fail("1234:11eb", ENODEV, "dev-vfio/vfio: No such file or directory (load vfio-pci");
	errno = 0;
	EXPECT_MSG(CHECK(!nmm_pci_open_sysfs("0000:00:03.0")), "/config: No such file");
	CHECK_EQ(errno, ENOENT);
	{
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		CHECK(system(cmd) == 0);
	}
	return test_done();
}
