/* numa/sysfs.c - reading sysfs attributes and the kernel's list formats for the numa/ layer.
 *
 * The formats are the kernel's: bitmap_print_to_pagebuf()/bitmap_parselist() lists
 * ("0-3,8-11") in lib/bitmap.c, and the per-node meminfo of drivers/base/node.c
 * ("Node 0 MemTotal:  4679456 kB").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numa_internal.h"

int nmm_sysfs_read_str(const char *path, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return (int)len;
}

int nmm_sysfs_read_ulong(const char *path, unsigned long *out)
{
	char buf[64], *end;
	unsigned long v;
	int ret;

	ret = nmm_sysfs_read_str(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (errno || end == buf || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int nmm_sysfs_parse_list(const char *list, void (*fn)(int id, void *arg), void *arg)
{
	const char *p = list;
	int count = 0;

	while (*p == ' ' || *p == '\n')
		p++;
	while (*p) {
		char *end;
		long lo, hi;

		errno = 0;
		lo = strtol(p, &end, 10);
		if (end == p || errno || lo < 0 || lo > 1 << 20)
			return -EINVAL;
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			hi = strtol(p, &end, 10);
			if (end == p || errno || hi < lo || hi > 1 << 20)
				return -EINVAL;
			p = end;
		}
		for (long id = lo; id <= hi; id++, count++)
			if (fn)
				fn((int)id, arg);
		if (*p == ',')
			p++;
		else if (*p == '\n' || *p == ' ')
			break;
		else if (*p)
			return -EINVAL;
	}
	return count;
}

int nmm_sysfs_node_meminfo(int phys_node, const char *key, uint64_t *bytes)
{
	char path[128], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), NMM_SYSFS_NODE "/node%d/meminfo", phys_node);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "Node 0 MemTotal:        4679456 kB" */
		char *p = strchr(line, ' ');

		if (!p || !(p = strchr(p + 1, ' ')))
			continue;
		p++;
		if (strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		*bytes = strtoull(p + klen + 1, NULL, 10) * 1024;
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}
