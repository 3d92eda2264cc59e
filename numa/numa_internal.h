/* numa/numa_internal.h - what the numa/ layer's files share and nobody else should call.
 *
 * sysfs.c reads sysfs attributes and the kernel's list formats (lib/bitmap.c's "0-3,8-11");
 * fake.c applies numa=fake=N to a topology that topology.c filled with the real nodes.
 */
#ifndef NUMAMM_NUMA_INTERNAL_H
#define NUMAMM_NUMA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <numamm/topology.h>

#define NMM_HIDDEN __attribute__((visibility("hidden")))

#define NMM_SYSFS_NODE "/sys/devices/system/node"
#define NMM_SYSFS_CPU "/sys/devices/system/cpu"
#define NMM_SYSFS_PCI "/sys/bus/pci/devices"

/* Read a whole (small) sysfs file into @buf, NUL-terminated, trailing newline removed.
 * Return: the length, or -errno. */
NMM_HIDDEN int nmm_sysfs_read_str(const char *path, char *buf, size_t size);

/* Read one unsigned decimal (or 0x-prefixed hex) number. Return 0 or -errno. */
NMM_HIDDEN int nmm_sysfs_read_ulong(const char *path, unsigned long *out);

/* Parse a kernel list ("0-3,8,10-11", "" = empty) and call @fn for each id in ascending
 * order of the ranges written. Return: the number of ids, or -EINVAL on malformed input. */
NMM_HIDDEN int nmm_sysfs_parse_list(const char *list, void (*fn)(int id, void *arg), void *arg);

/* Read "<Key>: <n> kB" from /sys/devices/system/node/nodeN/meminfo. Return 0 or -errno. */
NMM_HIDDEN int nmm_sysfs_node_meminfo(int phys_node, const char *key, uint64_t *bytes);

/* nmm_numa_topology_load() into a @topo that is all zero already: it writes only what it
 * fills in. The struct is 320 KiB (1024 CPUs on each of 64 nodes); numamm's own copy is in
 * .bss, where a memset would make all of it resident in every process preloading the malloc
 * (on this VM's kernel even reading untouched anonymous memory does). */
NMM_HIDDEN int nmm_numa_topology_load_zeroed(struct nmm_numa_topology *topo, int fake);

/* Split every real node of @topo (one logical node per real node, ids 0..nr_phys_nodes-1,
 * as topology.c leaves it) into @fake logical nodes. Return 0 or -EINVAL. */
NMM_HIDDEN int nmm_numa_fake_split(struct nmm_numa_topology *topo, int fake);

/* The synthetic distance between fake nodes @ki and @kj of the same real node. */
NMM_HIDDEN int nmm_numa_fake_distance(int ki, int kj);

#endif
