/* tests/highmem/hm_test.h - what the highmem tests share: a boot with highmem, highmem and
 * lowmem pages, the bytes of a page as its node's memfd holds them, and capturing stderr to
 * check the kernel-style reports. */
#ifndef NUMAMM_TESTS_HM_TEST_H
#define NUMAMM_TESTS_HM_TEST_H

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/highmem.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#include "boot/boot.h"
#include "highmem/internal.h"
#include "child_touch.h"
#include "test.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Node 0: [0, 128M) and [4G, 4G + 128M); the top 64 MiB (16384 pages) are highmem. */
#define HM_BOOT_SHMEM "mem=256M highmem=64M backing=shmem"

static inline void hm_boot(const char *line)
{
	int e = nmm_boot(line);
	if (e)
		fprintf(stderr, "boot '%s' failed: %s\n", line, nmm_boot_strerror());
	REQUIRE(e == 0);
}

static inline struct page *hm_alloc_high(void)
{
	struct page *p = alloc_page(GFP_HIGHUSER);
	REQUIRE(p && PageHighMem(p));
	return p;
}

static inline struct page *hm_alloc_low(void)
{
	struct page *p = alloc_page(GFP_KERNEL);
	REQUIRE(p && !PageHighMem(p));
	return p;
}

/* The page's offset in its node's memfd. */
static inline off_t hm_file_off(const struct page *page)
{
	const struct nmm_arena *a = &nmm_layout.arena[page_to_nid(page)];
	phys_addr_t pa = page_to_phys(page);
	for (int r = 0; r < a->nr_ranges; r++)
		if (pa >= a->range[r].start && pa < a->range[r].end)
			return (off_t)(a->range[r].file_off + (pa - a->range[r].start));
	REQUIRE(!"page outside its node's ranges");
	return -1;
}

/* Read the page's bytes straight from its node's memfd (no mapping of ours involved). */
static inline void hm_pread_page(const struct page *page, void *buf)
{
	struct nmm_node_info ni;
	REQUIRE(nmm_node_info(page_to_nid(page), &ni) == 0 && ni.memfd >= 0);
	REQUIRE(pread(ni.memfd, buf, PAGE_SIZE, hm_file_off(page)) == (ssize_t)PAGE_SIZE);
}

/* Fill a page (through @va) with a pattern derived from @seed; check it. */
static inline void hm_fill(void *va, uint64_t seed)
{
	uint64_t *w = va;
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = seed * 0x9e3779b97f4a7c15ULL + i;
}

static inline int hm_check(const void *va, uint64_t seed)
{
	const uint64_t *w = va;
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != seed * 0x9e3779b97f4a7c15ULL + i)
			return 0;
	return 1;
}

/* stderr capture: everything printed between begin and end lands in the returned buffer. */
static int hm_saved_stderr = -1;
static FILE *hm_cap;

static inline void hm_capture_begin(void)
{
	fflush(stderr);
	hm_cap = tmpfile();
	REQUIRE(hm_cap);
	hm_saved_stderr = dup(2);
	REQUIRE(dup2(fileno(hm_cap), 2) == 2);
}

static inline const char *hm_capture_end(void)
{
	static char buf[4096];
	fflush(stderr);
	dup2(hm_saved_stderr, 2);
	close(hm_saved_stderr);
	rewind(hm_cap);
	size_t n = fread(buf, 1, sizeof(buf) - 1, hm_cap);
	buf[n] = '\0';
	fclose(hm_cap);
	fputs(buf, stderr);    /* still shown in the test log */
	return buf;
}


#endif
