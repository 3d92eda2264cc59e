/* numamm/malloc_ext.h - libnumamm-malloc.so's own calls, beside the glibc malloc family it exports.
 * Settings (environment, read at the first allocation): NUMAMM_MALLOC_BOOT (numamm's boot line;
 * else NUMAMM_BOOT; else "backing=thp hugepages=off mem=64M hotplug=64G thp_defer=4M memmap_defer=2M"), NUMAMM_POLICY
 * (local | interleave | bind:N), NUMAMM_MALLOC_DEBUG=1 (report bad pointers with their caller and
 * keep running instead of glibc's abort), NUMAMM_MALLOC_TRIM=SIZE (free memory growth that gives
 * pages back to the OS, default 64M), NUMAMM_STATS=1 (malloc_stats-style summary at exit),
 * NUMAMM_MALLOC_PATCH_LIBC=0 (leave glibc's malloc entry points alone: RTLD_DEEPBIND libraries
 * then allocate from glibc's heap, lib/malloc/divert.c).
 */
#ifndef NUMAMM_MALLOC_EXT_H
#define NUMAMM_MALLOC_EXT_H

#include <stdbool.h>
#include <stdio.h>

/* nmm_malloc_stats_print - glibc's malloc_stats lines, then numamm's meminfo, buddyinfo and
 * slabinfo, to @out. */
void nmm_malloc_stats_print(FILE *out);

/* nmm_malloc_node_of - the NUMA node of the numamm page under @p, -1 when @p is not in numamm's
 * arena (direct mappings and the early heap are not numamm pages). */
int nmm_malloc_node_of(const void *p);

/* nmm_malloc_owns - did this malloc return @p (arena, early heap or direct mapping)? */
bool nmm_malloc_owns(const void *p);

#endif
