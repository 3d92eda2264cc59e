/* tests/vmalloc/vmt.h - what the vmalloc tests share: booting a layout, the bytes of a page
 * seen through the linear map (or kmap for highmem), touching an address in a child, capturing
 * stderr, and the free page count with nothing cached. */
#ifndef NUMAMM_TESTS_VMT_H
#define NUMAMM_TESTS_VMT_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/highmem.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#include "child_touch.h"
#include "test.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Boots every vmalloc test runs under: THP nodes (pages from the vmalloc pool) and shmem nodes
 * (pages straight from the page allocator, mapped from the node's memfd). */
#define VMT_BOOT_THP "mem=256M backing=thp"
#define VMT_BOOT_SHMEM "mem=256M backing=shmem"

static inline void vmt_boot(const char *line)
{
	if (nmm_booted())
		nmm_shutdown();
	int e = nmm_boot(line);
	if (e)
		fprintf(stderr, "boot '%s' failed: %s\n", line, nmm_boot_strerror());
	REQUIRE(e == 0);
}

static inline void vmt_fill(void *va, size_t len, uint64_t seed)
{
	uint64_t *w = va;
	for (size_t i = 0; i < len / 8; i++)
		w[i] = seed * 0x9e3779b97f4a7c15ULL + i;
}

static inline int vmt_check(const void *va, size_t len, uint64_t seed)
{
	const uint64_t *w = va;
	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != seed * 0x9e3779b97f4a7c15ULL + i)
			return 0;
	return 1;
}


/* stderr capture: everything printed between begin and end lands in the returned buffer. */
static int vmt_saved_stderr = -1;
static FILE *vmt_cap;

static inline void vmt_capture_begin(void)
{
	fflush(stderr);
	vmt_cap = tmpfile();
	REQUIRE(vmt_cap);
	vmt_saved_stderr = dup(2);
	REQUIRE(dup2(fileno(vmt_cap), 2) == 2);
}

static inline const char *vmt_capture_end(void)
{
	static char buf[16384];
	fflush(stderr);
	dup2(vmt_saved_stderr, 2);
	close(vmt_saved_stderr);
	rewind(vmt_cap);
	size_t n = fread(buf, 1, sizeof(buf) - 1, vmt_cap);
	buf[n] = '\0';
	fclose(vmt_cap);
	fputs(buf, stderr);    /* still shown in the test log */
	return buf;
}

/* Free pages with nothing lazily held: lazy areas purged, pool blocks given back, pcp drained. */
static inline unsigned long vmt_free_pages(void)
{
	vm_unmap_aliases();
	nmm_vmalloc_pool_shrink();
	drain_all_pages(NULL);
	return nr_free_pages();
}

#endif
