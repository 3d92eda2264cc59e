/* numa/topology.c - discover the machine: NUMA nodes, their CPUs and memory, hugepage pools,
 * SLIT distances, PCI devices and the node each hangs off.
 *
 * The picture is the one the kernel builds at boot (drivers/base/node.c, arch/x86/mm/numa.c,
 * drivers/acpi/numa/srat.c for the SLIT, drivers/pci/pci-sysfs.c for devices), read back through
 * hwloc (nodes, PUs, I/O tree), libnuma (numa_distance) and sysfs (per-node meminfo, hugepages,
 * possible CPUs, BARs, drivers). Logical node ids are dense: the real nodes in ascending OS id
 * order get 0, 1, ... (equal to the OS ids on any machine whose node ids have no holes);
 * numa=fake=N then splits each one (fake.c).
 *
 * The node and CPU lists are the machine's, not this process's: disallowed CPUs and nodes
 * (cgroup cpusets) are included, as the kernel's own node masks include them. Memoryless nodes
 * (CPUs, no memory) are nodes too, with mem_total 0, as in the kernel; their zonelists simply
 * start elsewhere. Checked in the QEMU guests (tools/vm/run-guest 2node, 4node, memless, vfio).
 */
#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <limits.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "numa_internal.h"

static const uint64_t nmm_huge_sizes[2] = { 2ULL << 20, 1ULL << 30 };

struct max_id {
	int max;
};

static void note_max(int id, void *arg)
{
	struct max_id *m = arg;

	if (id > m->max)
		m->max = id;
}

/* Highest possible CPU id + 1, as the kernel's nr_cpu_ids: per-CPU arrays are sized by it. */
static int possible_cpus(hwloc_topology_t hw)
{
	struct max_id m = { .max = -1 };
	char buf[4096];

	if (nmm_sysfs_read_str(NMM_SYSFS_CPU "/possible", buf, sizeof(buf)) >= 0 &&
	    nmm_sysfs_parse_list(buf, note_max, &m) > 0)
		return m.max + 1;
	m.max = hwloc_bitmap_last(hwloc_topology_get_complete_cpuset(hw));
	return m.max + 1;
}

static void read_cpu_model(hwloc_topology_t hw, char *out, size_t size)
{
	char line[512];
	FILE *f;

	out[0] = '\0';
	f = fopen("/proc/cpuinfo", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) != 0 || !colon)
				continue;
			colon++;
			while (*colon == ' ' || *colon == '\t')
				colon++;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(out, size, "%s", colon);
			break;
		}
		fclose(f);
	}
	if (!out[0]) {
		/* Not x86 (arm64 /proc/cpuinfo has no model name): hwloc's own guess. */
		hwloc_obj_t pkg = hwloc_get_obj_by_type(hw, HWLOC_OBJ_PACKAGE, 0);
		const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;

		snprintf(out, size, "%s", model ? model : "unknown");
	}
}

struct list_pos {
	int want, pos, found;
};

static void note_pos(int id, void *arg)
{
	struct list_pos *lp = arg;

	if (id == lp->want)
		lp->found = lp->pos;
	lp->pos++;
}

/* The SLIT distance of two real nodes: libnuma, or the sysfs row if libnuma cannot say. The row
 * has one entry per online node (drivers/base/node.c node_read_distance()), so node @to's
 * column is its position in the online list, not its id. A SLIT need not be symmetric. */
static int real_distance(int from, int to)
{
	struct list_pos lp = { .want = to, .found = -1 };
	char path[96], buf[1024];
	const char *p = buf;
	int d = 0;

	if (numa_available() >= 0)
		d = numa_distance(from, to);
	if (d > 0)
		return d;
	if (nmm_sysfs_read_str(NMM_SYSFS_NODE "/online", buf, sizeof(buf)) >= 0)
		nmm_sysfs_parse_list(buf, note_pos, &lp);
	snprintf(path, sizeof(path), NMM_SYSFS_NODE "/node%d/distance", from);
	if (lp.found >= 0 && nmm_sysfs_read_str(path, buf, sizeof(buf)) > 0) {
		for (int i = 0; *p; i++) {
			char *end;
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (i == lp.found)
				return (int)v;
			p = end;
		}
	}
	return from == to ? 10 : 20;  /* the kernel's LOCAL_DISTANCE / REMOTE_DISTANCE */
}

/* Node memory, distances and hugepage pools come from sysfs files; with no file descriptor
 * left (RLIMIT_NOFILE) every read fails and the nodes would look empty. Say why instead. */
static int files_readable(void)
{
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	int e = errno;
	if (e != EMFILE && e != ENFILE)
		return 0;
	fprintf(stderr, "numa: cannot read the topology from sysfs: %s\n", strerror(e));
	return -e;
}

static void read_node_memory(struct nmm_numa_node *nd, hwloc_obj_t obj)
{
	uint64_t v;

	if (nmm_sysfs_node_meminfo(nd->phys_node, "MemTotal", &v) == 0)
		nd->mem_total = v;
	else
		nd->mem_total = obj->attr ? obj->attr->numanode.local_memory : 0;
	if (nmm_sysfs_node_meminfo(nd->phys_node, "MemFree", &v) == 0)
		nd->mem_free = v;
	for (int i = 0; i < 2; i++) {
		if (nmm_numa_hugepages_query(nd->phys_node, nmm_huge_sizes[i], &nd->huge[i]))
			nd->huge[i] = (struct nmm_hugepage_info){ .page_size = nmm_huge_sizes[i] };
	}
}

static int load_nodes(struct nmm_numa_topology *topo, hwloc_topology_t hw)
{
	int nr = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);
	hwloc_obj_t objs[NMM_MAX_NODES];

	if (nr <= 0)
		return -ENODEV;
	if (nr > NMM_MAX_NODES) {
		fprintf(stderr, "numa: %d nodes exceed NMM_MAX_NODES (%d)\n", nr, NMM_MAX_NODES);
		return -ENODEV;
	}
	for (int i = 0; i < nr; i++)
		objs[i] = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)i);
	/* Dense logical ids follow OS ids, whatever order hwloc's logical indexes have. */
	for (int i = 1; i < nr; i++)
		for (int j = i; j > 0 && objs[j - 1]->os_index > objs[j]->os_index; j--) {
			hwloc_obj_t t = objs[j];

			objs[j] = objs[j - 1];
			objs[j - 1] = t;
		}

	topo->nr_nodes = topo->nr_phys_nodes = nr;
	for (int i = 0; i < nr; i++) {
		struct nmm_numa_node *nd = &topo->node[i];
		unsigned cpu;

		nd->id = i;
		nd->phys_node = (int)objs[i]->os_index;
		read_node_memory(nd, objs[i]);
		hwloc_bitmap_foreach_begin(cpu, objs[i]->cpuset) {
			if (cpu >= NMM_MAX_CPUS || (int)cpu >= topo->max_cpu) {
				fprintf(stderr, "numa: cpu %u beyond possible CPUs (%d), ignored\n",
					cpu, topo->max_cpu);
				continue;
			}
			if (topo->cpu_to_node[cpu] >= 0)
				continue;  /* hwloc never does this; a CPU belongs to one node */
			nd->cpus[nd->nr_cpus++] = (int)cpu;
			topo->cpu_to_node[cpu] = i;
			topo->nr_cpus++;
		}
		hwloc_bitmap_foreach_end();
	}
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nr; j++)
			topo->distance[i][j] =
				real_distance(topo->node[i].phys_node, topo->node[j].phys_node);
	return 0;
}

/* The logical node a PCI device hangs off: the nodeset of its nearest non-I/O ancestor, when
 * that names exactly one node (a host bridge below the machine root of a multi-node box does
 * not say which node is closer: -1, as the kernel's numa_node file says NUMA_NO_NODE). */
static int pci_node(const struct nmm_numa_topology *topo, hwloc_topology_t hw, hwloc_obj_t obj)
{
	hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(hw, obj);
	int os;

	if (!anc || !anc->nodeset || hwloc_bitmap_weight(anc->nodeset) != 1)
		return -1;
	os = hwloc_bitmap_first(anc->nodeset);
	for (int i = 0; i < topo->nr_phys_nodes; i++)
		if (topo->node[i].phys_node == os)
			return i;
	return -1;
}

/* BARs from the sysfs resource file: one "start end flags" line per resource, BARs 0-5 first
 * (drivers/pci/pci-sysfs.c resource_show()). */
static void read_pci_bars(struct nmm_pci_dev *dev)
{
	char path[96], line[128];
	FILE *f;

	snprintf(path, sizeof(path), NMM_SYSFS_PCI "/%s/resource", dev->bdf);
	f = fopen(path, "re");
	if (!f)
		return;
	for (int i = 0; i < 6 && fgets(line, sizeof(line), f); i++) {
		unsigned long long start, end, flags;

		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		if (end == 0 || end < start)
			continue;
		dev->bar[i].start = start;
		dev->bar[i].size = end - start + 1;
		dev->nr_bars++;
	}
	fclose(f);
}

static void read_pci_driver(struct nmm_pci_dev *dev)
{
	char path[96], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(path, sizeof(path), NMM_SYSFS_PCI "/%s/driver", dev->bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	n = (ssize_t)strnlen(slash, sizeof(dev->driver) - 1);  /* kernel names are short */
	memcpy(dev->driver, slash, (size_t)n);
	dev->driver[n] = '\0';
}

static int pci_bdf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nmm_pci_dev *)a)->bdf, ((const struct nmm_pci_dev *)b)->bdf);
}

static void add_pci(struct nmm_numa_topology *topo, hwloc_topology_t hw, hwloc_obj_t obj,
		    const struct hwloc_pcidev_attr_s *pa)
{
	struct nmm_pci_dev *dev;
	unsigned long cls;
	char path[96];

	if (topo->nr_pci >= NMM_MAX_PCI_DEVS) {
		if (topo->nr_pci++ == NMM_MAX_PCI_DEVS)
			fprintf(stderr, "numa: more than %d PCI devices, rest ignored\n",
				NMM_MAX_PCI_DEVS);
		return;
	}
	dev = &topo->pci[topo->nr_pci++];
	snprintf(dev->bdf, sizeof(dev->bdf), "%04x:%02x:%02x.%01x", (unsigned)pa->domain,
		 (unsigned)pa->bus, (unsigned)pa->dev, (unsigned)pa->func);
	dev->vendor = pa->vendor_id;
	dev->device = pa->device_id;
	/* hwloc keeps class+subclass; sysfs has the programming interface too. */
	snprintf(path, sizeof(path), NMM_SYSFS_PCI "/%s/class", dev->bdf);
	if (nmm_sysfs_read_ulong(path, &cls) == 0)
		dev->class_id = (uint32_t)cls & 0xffffff;
	else
		dev->class_id = (uint32_t)pa->class_id << 8;
	dev->node = pci_node(topo, hw, obj);
	read_pci_driver(dev);
	read_pci_bars(dev);
}

/* Every PCI function: hwloc's PCI devices, plus PCI-to-PCI bridges (root ports, switch ports),
 * which hwloc keeps as bridge objects rather than devices. Listed in BDF order, as lspci. */
static void load_pci(struct nmm_numa_topology *topo, hwloc_topology_t hw)
{
	hwloc_obj_t obj = NULL;

	while ((obj = hwloc_get_next_pcidev(hw, obj)) != NULL)
		add_pci(topo, hw, obj, &obj->attr->pcidev);
	while ((obj = hwloc_get_next_bridge(hw, obj)) != NULL)
		if (obj->attr->bridge.upstream_type == HWLOC_OBJ_BRIDGE_PCI)
			add_pci(topo, hw, obj, &obj->attr->bridge.upstream.pci);
	if (topo->nr_pci > NMM_MAX_PCI_DEVS)
		topo->nr_pci = NMM_MAX_PCI_DEVS;
	qsort(topo->pci, (size_t)topo->nr_pci, sizeof(topo->pci[0]), pci_bdf_cmp);
}

/**
 * nmm_numa_topology_load - discover the machine's topology.
 * @topo: filled in (entirely overwritten)
 * @fake: split each real node into @fake logical nodes (0 or 1 = off)
 *
 * Nodes, CPUs and the PCI tree come from hwloc, memory and hugepage pools from the per-node
 * sysfs files, distances from the SLIT via libnuma. With @fake > 1 see fake.c for how nodes,
 * memory, CPUs and distances are dealt out.
 *
 * Context: process context; calls hwloc and libnuma, which may allocate with malloc.
 * Return: 0, or -EINVAL for a bad @fake (negative, or more than NMM_MAX_NODES logical nodes),
 * -ENODEV when hwloc cannot read the machine or it exceeds NMM_MAX_NODES / NMM_MAX_CPUS.
 * On failure @topo is left zeroed (nr_nodes == 0), never half-built.
 */
int nmm_numa_topology_load(struct nmm_numa_topology *topo, int fake)
{
	if (!topo)
		return -EINVAL;
	memset(topo, 0, sizeof(*topo));
	return nmm_numa_topology_load_zeroed(topo, fake);
}

int nmm_numa_topology_load_zeroed(struct nmm_numa_topology *topo, int fake)
{
	hwloc_topology_t hw;
	int ret;

	if (!topo)
		return -EINVAL;
	if (fake < 0 || fake > NMM_MAX_NODES)
		return -EINVAL;
	for (int i = 0; i < NMM_MAX_CPUS; i++)
		topo->cpu_to_node[i] = -1;

	if (hwloc_topology_init(&hw) != 0)
		return -ENODEV;
	/* All PCI functions (devices and bridges), not just "important" ones, so the list matches
	 * /sys/bus/pci; OS devices (block, net) only where they matter. */
	hwloc_topology_set_io_types_filter(hw, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
	hwloc_topology_set_type_filter(hw, HWLOC_OBJ_PCI_DEVICE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(hw, HWLOC_OBJ_BRIDGE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_flags(hw, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	if (hwloc_topology_load(hw) != 0) {
		fprintf(stderr, "numa: hwloc cannot read the topology: %s\n", strerror(errno));
		hwloc_topology_destroy(hw);
		return -ENODEV;
	}

	topo->max_cpu = possible_cpus(hw);
	if (topo->max_cpu <= 0 || topo->max_cpu > NMM_MAX_CPUS) {
		fprintf(stderr, "numa: %d possible CPUs exceed NMM_MAX_CPUS (%d)\n", topo->max_cpu,
			NMM_MAX_CPUS);
		ret = -ENODEV;
		goto out;
	}
	ret = files_readable();
	if (ret)
		goto out;
	ret = load_nodes(topo, hw);
	if (ret)
		goto out;
	load_pci(topo, hw);
	read_cpu_model(hw, topo->cpu_model, sizeof(topo->cpu_model));
	if (fake > 1)
		ret = nmm_numa_fake_split(topo, fake);
out:
	hwloc_topology_destroy(hw);
	if (ret)
		memset(topo, 0, sizeof(*topo));
	return ret;
}

/**
 * nmm_numa_phys_node - the real OS node backing logical node @node.
 * @topo: a loaded topology
 * @node: logical node id
 *
 * Context: any; pure lookup.
 * Return: the OS node id, or -1 for a bad @node.
 */
int nmm_numa_phys_node(const struct nmm_numa_topology *topo, int node)
{
	if (!topo || node < 0 || node >= topo->nr_nodes || node >= NMM_MAX_NODES)
		return -1;
	return topo->node[node].phys_node;
}

/**
 * nmm_numa_nodes_by_distance - logical nodes sorted by distance from @node.
 * @topo: a loaded topology
 * @node: the logical node to measure from
 * @order: filled with node ids: @node itself first, then by distance, ties by id
 *
 * This is the order the kernel's build_zonelists() visits nodes in (mm/page_alloc.c
 * find_next_best_node(), without its load-balancing tweak).
 *
 * Context: any; pure computation.
 * Return: the number of ids written (topo->nr_nodes), or 0 for a bad @node.
 */
int nmm_numa_nodes_by_distance(const struct nmm_numa_topology *topo, int node,
			       int order[NMM_MAX_NODES])
{
	int n = 0;

	if (!topo || node < 0 || node >= topo->nr_nodes || topo->nr_nodes > NMM_MAX_NODES)
		return 0;
	order[n++] = node;
	for (int id = 0; id < topo->nr_nodes; id++) {
		int d = topo->distance[node][id], j;

		if (id == node)
			continue;
		/* Insertion sort, stable: equal distances keep ascending ids. */
		for (j = n; j > 1 && topo->distance[node][order[j - 1]] > d; j--)
			order[j] = order[j - 1];
		order[j] = id;
		n++;
	}
	return n;
}
