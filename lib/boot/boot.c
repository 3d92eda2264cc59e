/* lib/boot/boot.c - nmm_boot(): bring numamm's memory up, in the kernel's boot order, and down.
 *
 * Boot is all or nothing: a failure at any step unwinds the steps before it, so a bad command
 * line or an exhausted node leaves the process as it was. A mutex serialises nmm_boot(),
 * nmm_shutdown() and the implicit first-use boot (nmm_boot_if_needed), so a boot racing first
 * use from other threads boots once; `booted` is published with release order after everything
 * it guards is written.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/memblock.h>
#include <numamm/linux/mm.h>
#include <numamm/stats.h>

#include "../../numa/numa_internal.h"
#include "../page_alloc/internal.h"
#include "../slab/slab.h"
#include "../vmalloc/internal.h"
#include "../stats/stats.h"
#include "boot.h"

struct nmm_boot_params nmm_params;
struct nmm_layout nmm_layout;
struct nmm_numa_topology nmm_topo;
int nr_node_ids;
int nmm_cpu_to_node_map[NMM_MAX_CPUS];
extern bool nmm_mobility_grouping;

static pthread_mutex_t boot_lock = PTHREAD_MUTEX_INITIALIZER;
static int booted;
static char boot_err[512];
/* This thread is inside do_boot() or teardown(): layers still initialised (the page allocator,
 * while the slab layer creates or walks its caches) may be used without waiting for boot_lock. */
static __thread bool booting;

bool nmm_booted(void)
{
	return __atomic_load_n(&booted, __ATOMIC_ACQUIRE);
}

const char *nmm_boot_strerror(void)
{
	return boot_err;
}

const char *nmm_boot_cmdline(void)
{
	return nmm_booted() ? nmm_params.cmdline : "";
}

const struct nmm_numa_topology *nmm_topology(void)
{
	return nmm_booted() ? &nmm_topo : NULL;
}

int node_distance(int a, int b)
{
	if (a < 0 || b < 0 || a >= nr_node_ids || b >= nr_node_ids)
		return -1;
	return nmm_topo.distance[a][b];
}

bool node_online(int nid)
{
	return nid >= 0 && nid < nr_node_ids;
}

bool node_state_memory(int nid)
{
	return node_online(nid) && nmm_layout.arena[nid].nr_ranges > 0;
}

int nmm_node_info(int nid, struct nmm_node_info *out)
{
	if (!nmm_booted() || !node_online(nid))
		return -ENODEV;
	const struct nmm_arena *a = &nmm_layout.arena[nid];
	memset(out, 0, sizeof(*out));
	out->nid = nid;
	out->phys_node = a->phys_node;
	out->backing = a->backing;
	snprintf(out->backing_why, sizeof(out->backing_why), "%s", a->why);
	out->mem_bytes = a->bytes;
	out->memfd = a->memfd;
	out->linear = a->nr_ranges ? __va(a->range[0].start) : NULL;
	out->nr_ranges = __atomic_load_n(&a->nr_ranges, __ATOMIC_ACQUIRE);   /* hot-add appends */
	for (int r = 0; r < out->nr_ranges; r++) {
		out->range[r].start = a->range[r].start;
		out->range[r].end = a->range[r].end;
	}
	out->boot_ms = a->boot_ms;
	out->memmap_ms = a->memmap_ms;
	out->nr_boot_ranges = a->nr_boot_ranges;
	out->hotplug_start = a->hp_start;
	out->hotplug_end = a->hp_end;
	out->hotadded_bytes = a->hp_next - a->hp_start;
	out->hotadd_ms = a->hotadd_ms;
	return 0;
}

static void teardown(void)
{
	nmm_vmalloc_release();
	nmm_slab_release();
	nmm_hotplug_release();
	nmm_page_alloc_release();
	nmm_zones_release();
	nmm_memmap_release();
	for (int i = 0; i < NMM_MAX_NODES; i++)
		nmm_arena_destroy(&nmm_layout.arena[i]);
	nmm_linear_map_release();
	nmm_memblock_reset();
	memset(&nmm_layout, 0, sizeof(nmm_layout));
	for (int i = 0; i < NMM_MAX_NODES; i++)
		nmm_layout.arena[i].memfd = -1;
	nr_node_ids = 0;
	memset(nmm_cpu_to_node_map, 0, sizeof(nmm_cpu_to_node_map));
}

/* The distinct real (OS) node ids behind the logical nodes, in order. Return: how many. */
static int real_nodes(int out[NMM_MAX_NODES])
{
	int n = 0;
	for (int i = 0; i < nmm_topo.nr_nodes; i++) {
		int pn = nmm_topo.node[i].phys_node, seen = 0;
		for (int j = 0; j < n; j++)
			seen |= out[j] == pn;
		if (!seen)
			out[n++] = pn;
	}
	return n;
}

/* hugepages=N: ask each real node for N 2 MiB pages before choosing backings. */
static void reserve_hugepages(unsigned long nr)
{
	int rn[NMM_MAX_NODES], n = real_nodes(rn);
	for (int i = 0; i < n; i++) {
		long got = nmm_numa_hugepages_reserve(rn[i], NMM_HUGE_2M, nr);
		if (got < 0)
			fprintf(stderr, "numamm: boot: cannot reserve %lu hugepages on node %d: %s\n", nr, rn[i],
				strerror((int)-got));
		else if ((unsigned long)got < nr)
			fprintf(stderr, "numamm: boot: node %d granted %ld of %lu hugepages\n", rn[i], got, nr);
	}
}

static int memblock_setup(char *err, size_t errlen)
{
	nmm_memblock_reset();
	memblock_debug = nmm_params.memblock_debug;
	memblock_set_bottom_up(nmm_params.bottom_up);
	for (int n = 0; n < nmm_layout.nr_nodes; n++) {
		const struct nmm_arena *a = &nmm_layout.arena[n];
		for (int r = 0; r < a->nr_ranges; r++) {
			int e = memblock_add_node(a->range[r].start, a->range[r].end - a->range[r].start, n,
						  MEMBLOCK_NONE);
			if (e) {
				snprintf(err, errlen, "memblock_add_node(node %d) failed: %s", n, strerror(-e));
				return e;
			}
		}
	}
	/* As x86 does: physical page 0 is never handed out, so 0 stays "no address". */
	if (memblock_is_memory(0))
		memblock_reserve(0, PAGE_SIZE);
	for (int i = 0; i < nmm_params.nr_reserved; i++) {
		const struct nmm_phys_range *r = &nmm_params.reserved[i];
		int e = memblock_reserve(r->start, r->end - r->start);
		if (e) {
			snprintf(err, errlen, "memblock_reserve for memmap=$ failed: %s", strerror(-e));
			return e;
		}
	}
	memblock_set_current_limit(nmm_layout.lowmem_limit);
	return 0;
}

static int do_boot(const char *cmdline)
{
	char err[sizeof(boot_err)] = "";
	/* Before the first boot the arenas are zeroed, and memfd 0 is stdin: a failed boot's
	 * teardown must not close it. */
	for (int i = 0; i < NMM_MAX_NODES; i++)
		if (!nmm_layout.arena[i].nr_ranges)
			nmm_layout.arena[i].memfd = -1;
	int e = nmm_cmdline_parse(cmdline, &nmm_params, err, sizeof(err));
	if (!e)
		nmm_fault_apply_boot(nmm_params.fault);   /* before anything that may fail on purpose */
	if (!e) {
		/* Zero until the first boot (.bss); a boot after nmm_shutdown() clears it. */
		static bool topo_used;
		if (topo_used)
			memset(&nmm_topo, 0, sizeof(nmm_topo));
		topo_used = true;
		e = nmm_numa_topology_load_zeroed(&nmm_topo, nmm_params.fake);
		if (e)
			snprintf(err, sizeof(err), "cannot read the machine's topology: %s", strerror(-e));
	}
	if (!e && nmm_params.hugepages_nr)
		reserve_hugepages(nmm_params.hugepages_nr);
	if (!e)
		e = nmm_layout_build(&nmm_params, &nmm_topo, &nmm_layout, err, sizeof(err));
	if (!e)
		e = memblock_setup(err, sizeof(err));
	if (!e)
		e = nmm_linear_map_reserve(nmm_layout.hotplug_end, err, sizeof(err));
	if (!e) {
		/* Free 2 MiB pages per real node, shared by the logical nodes on it. */
		int rn[NMM_MAX_NODES], nr = real_nodes(rn);
		unsigned long budget[NMM_MAX_NODES] = { 0 };
		for (int i = 0; i < nr; i++) {
			struct nmm_hugepage_info hi;
			if (!nmm_numa_hugepages_query(rn[i], NMM_HUGE_2M, &hi))
				budget[i] = hi.free;
		}
		for (int n = 0; !e && n < nmm_layout.nr_nodes; n++) {
			struct nmm_arena *a = &nmm_layout.arena[n];
			int slot = 0;
			while (slot < nr - 1 && rn[slot] != a->phys_node)
				slot++;
			e = nmm_arena_create(a, &nmm_params, &budget[slot], err, sizeof(err));
		}
	}
	if (!e)
		e = nmm_memmap_init(err, sizeof(err));
	if (!e)
		e = nmm_zones_init(err, sizeof(err));
	if (!e) {
		/* The page allocator takes over from memblock (mm_core_init). */
		nr_node_ids = nmm_layout.nr_nodes;
		for (int c = 0; c < NMM_MAX_CPUS; c++)
			nmm_cpu_to_node_map[c] = nmm_topo.cpu_to_node[c] < 0 ? 0 : nmm_topo.cpu_to_node[c];
		min_free_kbytes = nmm_params.min_free_kbytes;
		watermark_scale_factor = nmm_params.watermark_scale_factor;
		nmm_mobility_grouping = !nmm_params.no_page_grouping;
		e = nmm_page_alloc_init(err, sizeof(err));
	}
	if (!e)
		e = nmm_slab_init(nmm_params.slab, nmm_params.slab_nomerge, nmm_params.slub_debug, err,
				  sizeof(err));
	if (!e)
		e = nmm_vmalloc_init(nmm_params.vmalloc, err, sizeof(err));
	if (e) {
		snprintf(boot_err, sizeof(boot_err), "%s", err);
		fprintf(stderr, "numamm: boot: %s\n", err);
		teardown();
		return e;
	}
	boot_err[0] = '\0';
	if (nmm_params.thp_defer)
		nmm_thp_defer_arm(nmm_params.thp_defer);
	__atomic_store_n(&booted, 1, __ATOMIC_RELEASE);
	nmm_stats_boot_hook();
	return 0;
}

int nmm_boot(const char *cmdline)
{
	pthread_mutex_lock(&boot_lock);
	int e;
	if (nmm_booted()) {
		snprintf(boot_err, sizeof(boot_err), "already booted (nmm_shutdown() first)");
		fprintf(stderr, "numamm: boot: %s\n", boot_err);
		e = -EBUSY;
	} else {
		booting = true;
		e = do_boot(cmdline);
		booting = false;
	}
	pthread_mutex_unlock(&boot_lock);
	return e;
}

int nmm_boot_if_needed(void)
{
	if (nmm_booted() || booting)
		return 0;
	pthread_mutex_lock(&boot_lock);
	booting = true;
	int e = nmm_booted() ? 0 : do_boot(getenv("NUMAMM_BOOT"));
	booting = false;
	pthread_mutex_unlock(&boot_lock);
	return e;
}

void nmm_shutdown(void)
{
	pthread_mutex_lock(&boot_lock);
	nmm_stats_export_stop();   /* its thread walks zones and caches: stop it first */
	if (nmm_booted()) {
		__atomic_store_n(&booted, 0, __ATOMIC_RELEASE);
		booting = true;         /* teardown's own allocations (a slab walk) must not re-boot */
		teardown();
		booting = false;
	}
	pthread_mutex_unlock(&boot_lock);
}
