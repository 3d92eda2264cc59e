/* tests/process_resources.h - what a process holds, for tests (and fuzzers) that prove an
 * operation leaves nothing behind: open file descriptors and memory mappings. */
#ifndef NUMAMM_TESTS_PROCESS_RESOURCES_H
#define NUMAMM_TESTS_PROCESS_RESOURCES_H

#include <dirent.h>
#include <stdio.h>

/* Open file descriptors (entries of /proc/self/fd, the directory's own descriptor included). */
static inline int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* Memory mappings (lines of /proc/self/maps). */
static inline long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

#endif
