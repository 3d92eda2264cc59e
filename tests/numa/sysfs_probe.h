/* tests/numa/sysfs_probe.h - the tests' own, independent reading of sysfs, so numa/ is checked
 * against what the kernel says rather than against itself.
 */
#ifndef NUMAMM_TESTS_SYSFS_PROBE_H
#define NUMAMM_TESTS_SYSFS_PROBE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read a small file; returns false if it cannot be opened. Trailing newline stripped. */
static inline bool probe_read(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return true;
}

/* Parse "0-3,8" into ids[] ascending as written; returns the count or -1. */
static inline int probe_list(const char *s, int *ids, int max)
{
	int n = 0;

	while (*s && *s != '\n') {
		char *end;
		long lo = strtol(s, &end, 10), hi;

		if (end == s)
			return -1;
		hi = lo;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			s = end;
		}
		for (long i = lo; i <= hi; i++) {
			if (n >= max)
				return -1;
			ids[n++] = (int)i;
		}
		if (*s == ',')
			s++;
	}
	return n;
}

static inline int probe_list_file(const char *path, int *ids, int max)
{
	char buf[8192];

	if (!probe_read(path, buf, sizeof(buf)))
		return -1;
	return probe_list(buf, ids, max);
}

/* "Node 0 MemTotal:  4679456 kB" -> bytes, or 0 when missing. */
static inline unsigned long long probe_node_meminfo(int node, const char *key)
{
	char path[128], line[256], k[64];
	unsigned long long kb = 0, v;
	int nid;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %d %63[^:]: %llu", &nid, k, &v) == 3 && !strcmp(k, key))
			kb = v;
	fclose(f);
	return kb * 1024;
}

static inline long probe_ulong(const char *path)
{
	char buf[64];

	if (!probe_read(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

#endif
