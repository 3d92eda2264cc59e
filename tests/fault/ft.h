/* tests/fault/ft.h - what the failure-injection tests share: a boot, attributes in one line,
 * stderr capture (to read the FAULT_INJECTION lines), and the free page count with nothing
 * cached (pcp lists drained, empty slabs and vmalloc pools given back, lazy areas purged), so a
 * page leaked by a failure path shows as a difference. */
#ifndef NUMAMM_TESTS_FT_H
#define NUMAMM_TESTS_FT_H

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <numamm/fault_inject.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/shrinker.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#include "slab/slab.h"
#include "test.h"

static inline void ft_boot(const char *line)
{
	if (nmm_booted())
		nmm_shutdown();
	int e = nmm_boot(line);
	if (e)
		fprintf(stderr, "boot '%s' failed: %s\n", line, nmm_boot_strerror());
	REQUIRE(e == 0);
}

/* probability 100, every call, @times failures, silent. */
static inline struct nmm_fault_attr ft_always(int times)
{
	struct nmm_fault_attr a = { .probability = 100, .interval = 1, .times = times };
	return a;
}

/* Fail exactly the @nth eligible call (interval = n, times = 1). */
static inline struct nmm_fault_attr ft_nth(unsigned long nth)
{
	struct nmm_fault_attr a = { .probability = 100, .interval = nth, .times = 1 };
	return a;
}

static inline void ft_set(int point, struct nmm_fault_attr a)
{
	REQUIRE(nmm_fault_set(point, &a) == 0);
}

/* Every kmalloc cache shrunk to nothing (kmem_cache_shrink: CPU slabs flushed, all empty
 * slabs freed, where reclaim keeps a few partial ones). */
static inline unsigned long ft_free_pages(void)
{
	kmalloc_caches_settle();
	for (int nid = 0; nid < nr_node_ids; nid++)
		shrink_slab(GFP_KERNEL, nid, 0);
	vm_unmap_aliases();
	nmm_vmalloc_pool_shrink();
	drain_all_pages(NULL);
	return nr_free_pages();
}

static int ft_saved_stderr = -1;
static FILE *ft_cap;

static inline void ft_capture_begin(void)
{
	fflush(stderr);
	ft_cap = tmpfile();
	REQUIRE(ft_cap);
	ft_saved_stderr = dup(2);
	REQUIRE(dup2(fileno(ft_cap), 2) == 2);
}

static inline const char *ft_capture_end(void)
{
	static char buf[32768];
	fflush(stderr);
	dup2(ft_saved_stderr, 2);
	close(ft_saved_stderr);
	rewind(ft_cap);
	size_t n = fread(buf, 1, sizeof(buf) - 1, ft_cap);
	buf[n] = '\0';
	fclose(ft_cap);
	fputs(buf, stderr);
	return buf;
}

static inline int ft_count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

#endif
