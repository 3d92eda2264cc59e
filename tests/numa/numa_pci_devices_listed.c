/* numa_pci_devices_listed - every PCI device in /sys/bus/pci/devices is in the topology, with
 * the vendor, device, class, bound driver and BARs sysfs shows, and a node that agrees with
 * the device's numa_node file when that knows one (on a one-node machine: node 0).
 */
#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "sysfs_probe.h"
#include "test.h"

static struct nmm_numa_topology topo;

static long dev_attr(const char *bdf, const char *attr)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	return probe_ulong(path);
}

int main(void)
{
	int nr_sysfs = 0;
	struct dirent *de;
	DIR *d;

	d = opendir("/sys/bus/pci/devices");
	if (d) {
		while ((de = readdir(d)))
			nr_sysfs += de->d_name[0] != '.';
		closedir(d);
	}
	if (nr_sysfs == 0)
		SKIP("no PCI devices in /sys/bus/pci/devices");

	REQUIRE(nmm_numa_topology_load(&topo, 0) == 0);
	CHECK_EQ(topo.nr_pci, nr_sysfs < NMM_MAX_PCI_DEVS ? nr_sysfs : NMM_MAX_PCI_DEVS);

	for (int i = 0; i < topo.nr_pci; i++) {
		const struct nmm_pci_dev *dev = &topo.pci[i];
		char path[160], link[PATH_MAX], line[160];
		int bars = 0;
		long sys_node;
		ssize_t n;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", dev->bdf);
		CHECK(access(path, F_OK) == 0);
		CHECK_EQ(dev->vendor, dev_attr(dev->bdf, "vendor"));
		CHECK_EQ(dev->device, dev_attr(dev->bdf, "device"));
		CHECK_EQ(dev->class_id, dev_attr(dev->bdf, "class"));

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", dev->bdf);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			CHECK(strcmp(dev->driver, strrchr(link, '/') + 1) == 0);
		} else {
			CHECK_EQ(dev->driver[0], '\0');
		}

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", dev->bdf);
		f = fopen(path, "r");
		REQUIRE(f);
		for (int b = 0; b < 6 && fgets(line, sizeof(line), f); b++) {
			unsigned long long s, e, fl;

			REQUIRE(sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3);
			if (e == 0) {
				CHECK_EQ(dev->bar[b].size, 0);
				continue;
			}
			bars++;
			CHECK_EQ(dev->bar[b].start, s);
			CHECK_EQ(dev->bar[b].size, e - s + 1);
		}
		fclose(f);
		CHECK_EQ(dev->nr_bars, bars);

		sys_node = dev_attr(dev->bdf, "numa_node");
		if (topo.nr_phys_nodes == 1)
			CHECK_EQ(dev->node, 0);
		else if (sys_node >= 0) {  /* the kernel knows the node (ACPI _PXM): so must we */
			CHECK(dev->node >= 0 && dev->node < topo.nr_nodes);
			if (dev->node >= 0 && dev->node < topo.nr_nodes)
				CHECK_EQ(topo.node[dev->node].phys_node, sys_node);
		}
	}
	return test_done();
}
