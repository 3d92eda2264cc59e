/* numa/hugepages.c - per-node persistent hugepage pools, through sysfs.
 *
 * Follows the kernel's per-node hugetlb attributes (mm/hugetlb.c, hugetlb_register_node();
 * Documentation/admin-guide/mm/hugetlbpage.rst): for each node and each supported size there is
 * /sys/devices/system/node/nodeN/hugepages/hugepages-<size>kB/{nr,free,surplus}_hugepages.
 * Writing nr_hugepages asks the kernel to grow or shrink that node's pool; it grants what it can
 * (fragmentation may leave it short), so the only honest answer is the value read back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <numamm/topology.h>

#include "numa_internal.h"

static int hugepage_dir(char *buf, size_t size, int phys_node, uint64_t page_size)
{
	if (phys_node < 0 || page_size < 4096 || (page_size & (page_size - 1)))
		return -EINVAL;
	snprintf(buf, size, NMM_SYSFS_NODE "/node%d/hugepages/hugepages-%llukB", phys_node,
		 (unsigned long long)(page_size >> 10));
	if (access(buf, F_OK) != 0)
		return -ENOENT;  /* no such node, or the kernel does not support this size */
	return 0;
}

/**
 * nmm_numa_hugepages_query - current total/free hugepages of a real node.
 * @phys_node: the real (OS) node id
 * @page_size: hugepage size in bytes (2 MiB, 1 GiB)
 * @out: filled with the page size, nr_hugepages and free_hugepages
 *
 * Context: process context; reads sysfs.
 * Return: 0, -EINVAL for a bad argument, -ENOENT when the node or size does not exist.
 */
int nmm_numa_hugepages_query(int phys_node, uint64_t page_size, struct nmm_hugepage_info *out)
{
	char dir[160], path[192];
	unsigned long total, nfree;
	int ret;

	if (!out)
		return -EINVAL;
	ret = hugepage_dir(dir, sizeof(dir), phys_node, page_size);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/nr_hugepages", dir);
	ret = nmm_sysfs_read_ulong(path, &total);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/free_hugepages", dir);
	ret = nmm_sysfs_read_ulong(path, &nfree);
	if (ret)
		return ret;
	out->page_size = page_size;
	out->total = total;
	out->free = nfree;
	return 0;
}

/**
 * nmm_numa_hugepages_reserve - ask the kernel for @nr persistent hugepages on a real node.
 * @phys_node: the real (OS) node id
 * @page_size: 2 MiB or 1 GiB (any size the kernel lists under hugepages/ works)
 * @nr: the pool size wanted; less than the current size releases free pages
 *
 * Context: process context; writes sysfs, which may compact memory and take a while.
 * Return: the number of hugepages the node now has (may be less than @nr), or -EINVAL,
 * -ENOENT (node or size unsupported), -EACCES (not root) or another -errno from the write.
 */
long nmm_numa_hugepages_reserve(int phys_node, uint64_t page_size, unsigned long nr)
{
	char dir[160], path[192], val[32];
	unsigned long now;
	ssize_t n;
	int fd, len, ret;

	ret = hugepage_dir(dir, sizeof(dir), phys_node, page_size);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/nr_hugepages", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == EPERM ? -EACCES : -errno;
	len = snprintf(val, sizeof(val), "%lu\n", nr);
	do
		n = write(fd, val, (size_t)len);
	while (n < 0 && errno == EINTR);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	ret = nmm_sysfs_read_ulong(path, &now);
	if (ret)
		return ret;
	return (long)now;
}
