/* tests/meminfo.h - one /proc/meminfo value, for tests that watch the hugepage pool. */
#ifndef NUMAMM_TESTS_MEMINFO_H
#define NUMAMM_TESTS_MEMINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* meminfo - the number after @key ("HugePages_Rsvd:"), 0 when absent. */
static inline unsigned long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long v = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoul(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

#endif
