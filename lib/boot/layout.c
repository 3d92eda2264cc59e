/* lib/boot/layout.c - the physical layout: which physical ranges each node owns.
 *
 * Physical addresses are numamm's to assign, and they matter: zones are carved from them
 * (ZONE_DMA < 16 MiB, ZONE_DMA32 < 4 GiB), DMA masks are checked against them, and under VFIO
 * they are the device's IOVAs. The default layout looks like a small x86-64 server: the first
 * node with memory has half its memory (at most 2 GiB) at physical 0 and the rest at 4 GiB,
 * leaving a "PCI hole" below 4 GiB, so one node owns DMA, DMA32 and NORMAL; every further node
 * starts on the next 1 GiB boundary. memmap=nn@ss[:node] replaces the default with explicit
 * ranges. Sizes are rounded up to 2 MiB so any backing (hugetlb included) can hold them.
 *
 * hotplug= keeps a hot-add window per node with memory above every boot range (as firmware
 * describes hotpluggable ranges in the SRAT): node windows follow each other from
 * max(end of boot memory, 4 GiB) rounded up to 1 GiB, each rounded up to whole 128 MiB
 * sections, so hot-added memory is always ZONE_NORMAL. The windows are address space only:
 * memblock never sees them; the linear map, the section table and the lowmem limit cover them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

static int add_range(struct nmm_arena *a, uint64_t start, uint64_t end, char *err, size_t errlen)
{
	if (a->nr_ranges == NMM_MAX_RANGES) {
		snprintf(err, errlen, "node %d: more than %d memory ranges", a->nid, NMM_MAX_RANGES);
		return -EINVAL;
	}
	a->range[a->nr_ranges].start = start;
	a->range[a->nr_ranges].end = end;
	a->range[a->nr_ranges].file_off = a->bytes;
	a->nr_ranges++;
	a->bytes += end - start;
	return 0;
}

static int cmp_range(const void *x, const void *y)
{
	const struct nmm_phys_range *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

static int layout_explicit(const struct nmm_boot_params *p, struct nmm_layout *l, char *err,
			   size_t errlen)
{
	struct nmm_phys_range r[NMM_MAX_MEMMAP];
	memcpy(r, p->usable, sizeof(r[0]) * (size_t)p->nr_usable);
	qsort(r, (size_t)p->nr_usable, sizeof(r[0]), cmp_range);
	for (int i = 0; i < p->nr_usable; i++) {
		if (r[i].nid >= l->nr_nodes) {
			snprintf(err, errlen, "memmap=%#llx@%#llx:%d: there is no node %d (%d nodes)",
				 (unsigned long long)(r[i].end - r[i].start),
				 (unsigned long long)r[i].start, r[i].nid, r[i].nid, l->nr_nodes);
			return -EINVAL;
		}
		if (i && r[i].start < r[i - 1].end) {
			snprintf(err, errlen, "memmap ranges [%#llx-%#llx) and [%#llx-%#llx) overlap",
				 (unsigned long long)r[i - 1].start, (unsigned long long)r[i - 1].end,
				 (unsigned long long)r[i].start, (unsigned long long)r[i].end);
			return -EINVAL;
		}
		int e = add_range(&l->arena[r[i].nid], r[i].start, r[i].end, err, errlen);
		if (e)
			return e;
	}
	return 0;
}

static int node_sizes(const struct nmm_boot_params *p, const struct nmm_numa_topology *topo,
		      uint64_t size[NMM_MAX_NODES], char *err, size_t errlen)
{
	int n = topo->nr_nodes;
	if (p->nr_node_mem && p->nr_node_mem != n) {
		snprintf(err, errlen, "node_mem= gives %d sizes for %d nodes (use 0 for a memoryless node)",
			 p->nr_node_mem, n);
		return -EINVAL;
	}
	int with_mem = 0;
	for (int i = 0; i < n; i++)
		with_mem += topo->node[i].mem_total != 0;
	for (int i = 0; i < n; i++) {
		const struct nmm_numa_node *tn = &topo->node[i];
		if (p->nr_node_mem)
			size[i] = p->node_mem[i];
		else if (!tn->mem_total)
			size[i] = 0;
		else if (p->mem)
			size[i] = (p->mem / (uint64_t)(with_mem ? with_mem : 1)) & ~(NMM_HUGE_2M - 1);
		else
			size[i] = NMM_DEFAULT_NODE_MEM;
		if (p->mem && !p->nr_node_mem && tn->mem_total && size[i] < NMM_HUGE_2M) {
			snprintf(err, errlen, "mem=%llu bytes is less than 2M per node with memory",
				 (unsigned long long)p->mem);
			return -EINVAL;
		}
		size[i] = align_up(size[i], NMM_HUGE_2M);
		if (size[i] && !tn->mem_total) {
			snprintf(err, errlen, "node %d has no memory on this machine", i);
			return -EINVAL;
		}
		if (size[i] > tn->mem_total) {
			snprintf(err, errlen, "node %d: %llu MiB requested, the node has %llu MiB",
				 i, (unsigned long long)(size[i] / MiB),
				 (unsigned long long)(tn->mem_total / MiB));
			return -ENOMEM;
		}
	}
	return 0;
}

static int layout_default(const struct nmm_boot_params *p, const struct nmm_numa_topology *topo,
			  struct nmm_layout *l, char *err, size_t errlen)
{
	uint64_t size[NMM_MAX_NODES];
	int e = node_sizes(p, topo, size, err, errlen);
	if (e)
		return e;
	bool first = true;
	uint64_t cursor = 4 * GiB;
	for (int i = 0; i < l->nr_nodes; i++) {
		struct nmm_arena *a = &l->arena[i];
		if (!size[i])
			continue;
		if (first) {
			first = false;
			uint64_t low = size[i] <= 64 * MiB ? size[i] : (size[i] / 2) & ~(NMM_HUGE_2M - 1);
			if (low > 2 * GiB)
				low = 2 * GiB;
			if ((e = add_range(a, 0, low, err, errlen)))
				return e;
			if (size[i] > low) {
				if ((e = add_range(a, cursor, cursor + size[i] - low, err, errlen)))
					return e;
				cursor += size[i] - low;
			}
		} else {
			if ((e = add_range(a, cursor, cursor + size[i], err, errlen)))
				return e;
			cursor += size[i];
		}
		cursor = align_up(cursor, GiB);
	}
	if (first) {
		snprintf(err, errlen, "no node has memory to boot with");
		return -ENOMEM;
	}
	return 0;
}

#define SECTION_BYTES (1ULL << 27)   /* SECTION_SIZE_BITS of <numamm/linux/mmzone.h> */

static int layout_hotplug(const struct nmm_boot_params *p, struct nmm_layout *l, char *err, size_t errlen)
{
	if (p->nr_node_hotplug && p->nr_node_hotplug != l->nr_nodes) {
		snprintf(err, errlen, "hotplug= gives %d sizes for %d nodes (use 0 for a node that must not grow)",
			 p->nr_node_hotplug, l->nr_nodes);
		return -EINVAL;
	}
	uint64_t base = align_up(l->phys_end > 4 * GiB ? l->phys_end : 4 * GiB, GiB);
	for (int i = 0; i < l->nr_nodes; i++) {
		struct nmm_arena *a = &l->arena[i];
		a->nr_boot_ranges = a->nr_ranges;
		uint64_t size = p->nr_node_hotplug ? p->node_hotplug[i] : p->hotplug;
		if (!size)
			continue;
		if (!a->nr_ranges) {
			if (p->nr_node_hotplug) {
				snprintf(err, errlen, "hotplug=: node %d is memoryless and cannot grow", i);
				return -EINVAL;
			}
			continue;   /* hotplug=SIZE means every node with memory */
		}
		if (a->nr_ranges == NMM_MAX_RANGES) {
			snprintf(err, errlen, "hotplug=: node %d has %d ranges, none left for hot-added memory",
				 i, NMM_MAX_RANGES);
			return -EINVAL;
		}
		size = align_up(size, SECTION_BYTES);
		if (base + size > (1ULL << MAX_PHYSMEM_BITS_BOOT)) {
			snprintf(err, errlen, "hotplug=: node %d's window [%#llx-%#llx) is beyond the physical address space",
				 i, (unsigned long long)base, (unsigned long long)(base + size));
			return -EINVAL;
		}
		a->hp_start = a->hp_next = base;
		a->hp_end = base + size;
		base += size;
		l->hotplug_end = a->hp_end;
	}
	return 0;
}

int nmm_layout_build(const struct nmm_boot_params *p, const struct nmm_numa_topology *topo,
		     struct nmm_layout *l, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->nr_nodes = topo->nr_nodes;
	/* Every arena, not only the nodes': teardown closes each memfd >= 0 (0 is stdin). */
	for (int i = 0; i < NMM_MAX_NODES; i++)
		l->arena[i].memfd = -1;
	for (int i = 0; i < l->nr_nodes; i++) {
		l->arena[i].nid = i;
		l->arena[i].phys_node = topo->node[i].phys_node;
	}
	int e = p->nr_usable ? layout_explicit(p, l, err, errlen) : layout_default(p, topo, l, err, errlen);
	if (e)
		return e;
	for (int i = 0; i < l->nr_nodes; i++)
		for (int r = 0; r < l->arena[i].nr_ranges; r++)
			if (l->arena[i].range[r].end > l->phys_end)
				l->phys_end = l->arena[i].range[r].end;
	if (!l->phys_end) {
		snprintf(err, errlen, "no node has memory to boot with");
		return -ENOMEM;
	}
	l->hotplug_end = l->phys_end;
	if ((e = layout_hotplug(p, l, err, errlen)))
		return e;
	l->lowmem_limit = l->hotplug_end;   /* hotplug= excludes lowmem= and highmem= */
	if (p->lowmem)
		l->lowmem_limit = p->lowmem < l->phys_end ? p->lowmem : l->phys_end;
	if (p->highmem) {
		if (p->highmem >= l->phys_end) {
			snprintf(err, errlen, "highmem=%llu MiB leaves no lowmem (memory ends at %#llx)",
				 (unsigned long long)(p->highmem / MiB), (unsigned long long)l->phys_end);
			return -EINVAL;
		}
		l->lowmem_limit = l->phys_end - p->highmem;
	}
	if (l->lowmem_limit < 16 * MiB && l->lowmem_limit < l->phys_end) {
		snprintf(err, errlen, "lowmem limit %#llx is below 16 MiB: no room for boot tables",
			 (unsigned long long)l->lowmem_limit);
		return -EINVAL;
	}
	return 0;
}
