/* numamm/numamm.h - numamm's own API (nmm_*): boot, shutdown, layout queries, reports.
 *
 * numamm boots itself with defaults (or the NUMAMM_BOOT variable) on first use, so kernel-style
 * code needs no init call; nmm_boot() gives control over the layout. Kernel-named APIs live in
 * <numamm/linux/...>.
 */
#ifndef NUMAMM_NUMAMM_H
#define NUMAMM_NUMAMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "topology.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NUMAMM_VERSION "0.1.0"

/**
 * nmm_boot - boot numamm with a kernel-style command line.
 * @cmdline: e.g. "mem=1G numa=fake=4 hugepages=off"; NULL or "" means defaults
 *
 * Tokens are documented in the README's configuration table. A bad token is reported on stderr
 * with its text and position ("numamm: boot: bad value in 'mem=12Q' at column 1") and nothing is
 * left half-booted.
 * Context: process context; safe to race with first use from other threads.
 * Return: 0; -EINVAL for a bad command line; -EBUSY when already booted (nmm_shutdown() first);
 * -ENOMEM when node memory cannot be reserved (e.g. hugepages=on without enough hugepages).
 */
int nmm_boot(const char *cmdline);

/* nmm_boot_if_needed - boot with $NUMAMM_BOOT (or defaults) unless already booted.
 * Return: 0 when booted (now or before), or nmm_boot()'s error. */
int nmm_boot_if_needed(void);

/* nmm_shutdown - unmap all node memory and forget the layout; every page and pointer handed out
 * becomes invalid. For tests and benchmarks that boot several layouts in one process. */
void nmm_shutdown(void);

bool nmm_booted(void);

/* nmm_boot_strerror - the message of the last failed boot, "" when none. */
const char *nmm_boot_strerror(void);

enum nmm_backing {
	NMM_BACKING_NONE,      /* memoryless node */
	NMM_BACKING_HUGETLB,   /* memfd MFD_HUGETLB, 2 MiB pages reserved at boot */
	NMM_BACKING_THP,       /* anonymous memory with MADV_HUGEPAGE (cannot be aliased) */
	NMM_BACKING_SHMEM,     /* memfd on shmem, 4 KiB pages (can be aliased: vmalloc, kmap) */
};

const char *nmm_backing_name(enum nmm_backing b);

/* What one node got at boot, for numamm-info and tests. */
struct nmm_node_info {
	int nid;
	int phys_node;
	enum nmm_backing backing;
	char backing_why[96];          /* e.g. "hugetlb: 256 free 2 MiB pages on node 0" */
	uint64_t mem_bytes;            /* usable memory given to the node */
	int memfd;                     /* -1 for THP / memoryless */
	void *linear;                  /* virtual address of the node's lowest physical byte */
	int nr_ranges;
	struct { uint64_t start, end; } range[16];  /* physical [start, end) */
	double boot_ms;                /* time to create, bind and map the node's memory */
	double memmap_ms;              /* time to allocate and initialise its struct pages */
	int nr_boot_ranges;            /* range[nr_boot_ranges..nr_ranges) were hot-added */
	uint64_t hotplug_start, hotplug_end;  /* hot-add window [start, end); empty: cannot grow */
	uint64_t hotadded_bytes;       /* hot-added so far (memory map included) */
	double hotadd_ms;              /* time spent hot-adding */
};

/* nmm_node_info - Return: 0 and *@out filled, -ENODEV for a node that is not booted. */
int nmm_node_info(int nid, struct nmm_node_info *out);

/**
 * nmm_memory_hotadd - grow node @nid by @bytes (rounded up to 128 MiB sections) at run time.
 * @nid: a node with memory and a hotplug= window (boot token hotplug=SIZE)
 * @bytes: memory to add; each section keeps its first 2 MiB for its own struct pages
 *
 * The memory comes from the node's hot-add window, backed like its boot memory and bound to the
 * node; it becomes ZONE_NORMAL of the node. The page allocator does the same by itself, one
 * section at a time, before failing an allocation that may sleep.
 * Context: may sleep; takes a mutex.
 * Return: 0; -EINVAL for @bytes == 0; -ENODEV for a node that is not booted with memory;
 * -ENOSPC when the window has not that much left (nothing added); -ENOMEM when the backing
 * refuses (sections added before the failure stay).
 */
int nmm_memory_hotadd(int nid, size_t bytes);

/**
 * nmm_release_free_memory - give free buddy blocks of at least @min_order back to the OS.
 * @min_order: smallest block order to release (9 = 2 MiB; smaller orders split THP mappings).
 *
 * The blocks stay free and on their lists; RSS drops now (MADV_DONTNEED on THP nodes,
 * MADV_REMOVE punch-hole on shmem nodes; hugetlb nodes keep their pages). The pcp lists are
 * drained first. Context: may sleep; takes each zone's lock in turn.
 * Return: bytes released (0 when not booted).
 */
size_t nmm_release_free_memory(unsigned int min_order);

/* nmm_fork_prepare / nmm_fork_parent / nmm_fork_child - pthread_atfork handlers that hold the
 * slab and zone locks across fork(), so a child of a threaded process can allocate and free.
 * The drop-in malloc registers them; other numamm programs that fork from threads may too. */
void nmm_fork_prepare(void);
void nmm_fork_parent(void);
void nmm_fork_child(void);

/* Hot-adds since boot (sections), by nmm_memory_hotadd() and by the allocator. */
extern unsigned long nmm_hotadd_events;

/* nmm_topology - the topology numamm booted with (real, or split by numa=fake). */
const struct nmm_numa_topology *nmm_topology(void);

/* nmm_boot_cmdline - the command line the current boot used ("" for defaults). */
const char *nmm_boot_cmdline(void);

/**
 * nmm_report - print one report in the kernel's /proc format.
 * @name: "memblock", "zones" (boot log style), "zonelists", "buddyinfo", ... (README lists them)
 * Return: 0, or -ENOENT for an unknown report name.
 */
int nmm_report(const char *name, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
