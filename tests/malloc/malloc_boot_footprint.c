/* malloc_boot_footprint - what a program pays in memory for numamm's boot before it allocates
 * anything much: the early heap reuses what hwloc's topology discovery frees (about 530 of its
 * 540 blocks; it used to keep all 450 KiB), and little anonymous memory is resident: struct
 * pages only for memory in use (memmap_defer=), cache metadata carved from shared pages, no
 * memset of the 320 KiB topology struct in .bss. (At 05cde7e smaps showed 2.5 MiB resident in
 * the arena, a 2 MiB page of it memory map, and 616 KiB in .bss and the early heap; now the
 * whole process has under 1 MiB of anonymous memory. The limits below leave room.) */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test.h"

/* What malloc_stats() prints (to stderr), into @out. */
static void malloc_stats_text(char *out, size_t size)
{
	FILE *tmp = tmpfile();
	REQUIRE(tmp);
	fflush(stderr);
	int saved = dup(2);
	REQUIRE(saved >= 0 && dup2(fileno(tmp), 2) == 2);
	malloc_stats();
	fflush(stderr);
	REQUIRE(dup2(saved, 2) == 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

int main(void)
{
	free(malloc(16));                         /* boot */
	char out[16384];
	malloc_stats_text(out, sizeof(out));
	const char *line = strstr(out, "early heap ");
	REQUIRE(line);
	size_t bytes, in_use, blocks, frees, reused;
	REQUIRE(sscanf(line, "early heap %zu bytes (%zu in use) in %zu blocks (%zu frees, %zu reused)", &bytes,
		       &in_use, &blocks, &frees, &reused) == 5);
	fprintf(stderr, "early heap: %zu bytes, %zu in use, %zu blocks, %zu frees, %zu reused\n", bytes, in_use,
		blocks, frees, reused);
	CHECK(strstr(out, "state up") != NULL);
	CHECK(frees > 0 && reused > 0);
	CHECK(in_use <= bytes);
	CHECK(bytes < 256 * 1024);

	/* All anonymous memory of the process: the arena, .bss, the early heap, stacks. */
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	REQUIRE(f);
	char l[256];
	long anon = -1;
	while (fgets(l, sizeof(l), f))
		if (sscanf(l, "Anonymous: %ld kB", &anon) == 1)
			break;
	fclose(f);
	fprintf(stderr, "anonymous memory after boot: %ld KiB\n", anon);
	REQUIRE(anon > 0);
	CHECK(anon <= 1536);
	return test_done();
}
