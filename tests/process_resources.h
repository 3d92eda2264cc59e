/* tests/process_resources.h - what a process holds, for tests (and fuzzers) that prove an
 * operation leaves nothing behind: open file descriptors and memory mappings. */
#ifndef NUMAMM_TESTS_PROCESS_RESOURCES_H
#define NUMAMM_TESTS_PROCESS_RESOURCES_H

#include <dirent.h>
#include <stdbool.h>
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

/*
 * Back to @before mappings? Equal, except under TSan: there the runtime's own anonymous
 * mappings (shadow, its allocator) sit next to the ones numamm gives back, and Linux (seen on
 * 6.18) merges them when a hole closes, so a clean run can end with fewer lines — never more.
 */
static inline bool maps_back_to(long before, long now)
{
#ifdef __SANITIZE_THREAD__
	return now <= before;
#else
	return now == before;
#endif
}

#define CHECK_MAPS_BACK_TO(before)                                                          \
	do {                                                                                \
		long _m = count_maps();                                                     \
		if (!maps_back_to((before), _m)) {                                          \
			fprintf(stderr, "%s:%d: mappings %ld, were %ld\n", __FILE__, __LINE__,    \
				_m, (long)(before));                                        \
			test_failures++;                                                    \
		}                                                                           \
	} while (0)

#endif
