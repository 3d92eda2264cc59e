/* malloc_rss_given_back - allocate and touch 512 MiB in small, page and direct blocks, free it
 * all: RSS must fall back near where it started — by itself (free memory growing past
 * NUMAMM_MALLOC_TRIM gives whole free blocks back with MADV_DONTNEED) and after malloc_trim. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

#define N_SMALL (256 * 1024)       /* 256 K × 1 KiB = 256 MiB */
#define N_PAGE 2048                /* 2 K × 64 KiB = 128 MiB */
#define N_DIRECT 64                /* 64 × 2 MiB = 128 MiB */

int main(void)
{
	static void *small[N_SMALL], *page[N_PAGE], *direct[N_DIRECT];
	free(malloc(16));                         /* boot */
	long base = rss_kib();
	for (int i = 0; i < N_SMALL; i++)
		memset(small[i] = malloc(1024), 1, 1024);
	for (int i = 0; i < N_PAGE; i++)
		memset(page[i] = malloc(65536), 1, 65536);
	for (int i = 0; i < N_DIRECT; i++)
		memset(direct[i] = malloc(2 << 20), 1, 2 << 20);
	long peak = rss_kib();
	CHECK(peak - base > 480 * 1024);
	for (int i = 0; i < N_DIRECT; i++)
		free(direct[i]);
	for (int i = 0; i < N_PAGE; i++)
		free(page[i]);
	for (int i = 0; i < N_SMALL; i++)
		free(small[i]);
	long after_free = rss_kib();
	malloc_trim(0);
	long after_trim = rss_kib();
	fprintf(stderr, "RSS KiB: start %ld, peak %ld, after free %ld, after malloc_trim %ld\n", base, peak,
		after_free, after_trim);
	CHECK(after_free - base < 160 * 1024);     /* automatic: all but the last threshold's worth */
	CHECK(after_trim - base < 32 * 1024);
	return test_done();
}
