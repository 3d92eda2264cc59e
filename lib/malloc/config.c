/* lib/malloc/config.c - the drop-in malloc's life: booting numamm on the first allocation, its
 * settings (NUMAMM_MALLOC_BOOT, NUMAMM_POLICY, NUMAMM_MALLOC_DEBUG, NUMAMM_MALLOC_TRIM,
 * NUMAMM_STATS, NUMAMM_MALLOC_PATCH_LIBC), fork handlers, and the glibc introspection calls
 * (malloc_trim, mallinfo2, malloc_stats).
 *
 * The default boot line gives every node anonymous THP memory (private, so a fork()ed child gets
 * a copy-on-write heap, as with any malloc) of 64 MiB that grows by hot-add up to 64 GiB.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>
#include <numamm/linux/shrinker.h>
#include <numamm/linux/slab.h>
#include <numamm/malloc_ext.h>
#include <numamm/numamm.h>

#include "fault/fault.h"
#include "slab/slab.h"
#include "internal.h"
#include "mcache.h"

#define DEFAULT_BOOT "backing=thp hugepages=off mem=64M hotplug=64G thp_defer=4M memmap_defer=2M"

int malloc_state;
__thread int malloc_depth __attribute__((tls_model("initial-exec"), visibility("hidden")));
struct malloc_config malloc_cfg;

static int mem_nodes[MAX_NUMNODES];
static int nr_mem_nodes;
static __thread unsigned int interleave_next;
static size_t trim_threshold = 64UL << 20;   /* free bytes past the last trim that start one */

int malloc_node_for_alloc(void)
{
	switch (malloc_cfg.policy) {
	case POLICY_BIND:
		return malloc_cfg.bind_node;
	case POLICY_INTERLEAVE:
		return nr_mem_nodes ? mem_nodes[interleave_next++ % (unsigned int)nr_mem_nodes] : NUMA_NO_NODE;
	default:
		return NUMA_NO_NODE;
	}
}

/* "local", "interleave", "bind:N"; anything else is one line on stderr and local. */
static void parse_policy(const char *v)
{
	malloc_cfg.policy = POLICY_LOCAL;
	if (!v || !*v || !strcmp(v, "local"))
		return;
	if (!strcmp(v, "interleave")) {
		malloc_cfg.policy = POLICY_INTERLEAVE;
		return;
	}
	char *end;
	if (!strncmp(v, "bind:", 5)) {
		long n = strtol(v + 5, &end, 10);
		if (end != v + 5 && !*end && n >= 0 && n < MAX_NUMNODES) {
			malloc_cfg.policy = POLICY_BIND;
			malloc_cfg.bind_node = (int)n;
			return;
		}
	}
	fprintf(stderr, "numamm-malloc: NUMAMM_POLICY=%s: unknown (local, interleave or bind:N); using local\n", v);
}

/* fail_malloc armed: every allocation takes malloc_slow, where the point is (the fast path tests
 * only the state, so it pays nothing while the point is off); disarmed: back to the fast path. */
static void fault_malloc_hook(bool armed)
{
	int from = armed ? MALLOC_UP : MALLOC_UP_POLICY;
	if (!armed && malloc_cfg.policy != POLICY_LOCAL)
		return;
	__atomic_compare_exchange_n(&malloc_state, &from, armed ? MALLOC_UP_POLICY : MALLOC_UP, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static void bad_free_abort(const void *obj, unsigned long caller)
{
	(void)obj;
	(void)caller;
	fputs("free(): invalid pointer\n", stderr);
	abort();
}

static void fork_prepare(void)
{
	malloc_depth++;
	mcache_atfork_prepare();
	nmm_fork_prepare();
	direct_atfork_prepare();
}

static void fork_parent(void)
{
	direct_atfork_parent();
	nmm_fork_parent();
	mcache_atfork_parent();
	malloc_depth--;
}

static void fork_child(void)
{
	direct_atfork_child();
	nmm_fork_child();
	mcache_atfork_child();
	malloc_depth--;
}

static const char *stats_path;              /* NUMAMM_STATS=file:PATH, else stderr */

static void stats_at_exit(void)
{
	malloc_depth++;
	FILE *out = stats_path ? fopen(stats_path, "a") : stderr;
	if (out) {
		if (stats_path)
			fprintf(out, "numamm-malloc: pid %d\n", (int)getpid());
		nmm_malloc_stats_print(out);
		if (stats_path)
			fclose(out);
	}
	malloc_depth--;
}

void malloc_boot(void)
{
	int expect = MALLOC_DOWN;
	if (!__atomic_compare_exchange_n(&malloc_state, &expect, MALLOC_BOOTING, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;                             /* another thread boots: the early heap serves */
	malloc_depth++;
	parse_policy(getenv("NUMAMM_POLICY"));
	const char *d = getenv("NUMAMM_MALLOC_DEBUG");
	malloc_cfg.debug = d && *d && strcmp(d, "0");
	const char *pl = getenv("NUMAMM_MALLOC_PATCH_LIBC");
	malloc_cfg.patch_libc = !pl || strcmp(pl, "0");
	const char *st = getenv("NUMAMM_STATS");
	malloc_cfg.stats_at_exit = st && (!strcmp(st, "1") || !strcmp(st, "exit") || !strncmp(st, "file:", 5));
	if (st && !strncmp(st, "file:", 5))
		stats_path = st + 5;
	const char *t = getenv("NUMAMM_MALLOC_TRIM");
	if (t && *t) {
		char *end;
		unsigned long long v = strtoull(t, &end, 10);
		if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		if (*end)
			fprintf(stderr, "numamm-malloc: NUMAMM_MALLOC_TRIM=%s: not a size; using 64M\n", t);
		else
			trim_threshold = (size_t)v;
	}
	nmm_fault_divert_hook[NMM_FAULT_MALLOC] = fault_malloc_hook;
	const char *line = getenv("NUMAMM_MALLOC_BOOT");
	if (!line)
		line = getenv("NUMAMM_BOOT");
	if (!line)
		line = DEFAULT_BOOT;
	/* Debug mode checks every free in full: SLUB's debug checks (consistency, red zones, alloc
	 * and free call sites) on every cache, unless the boot line chose its own slub_debug. */
	static char debug_line[1024];
	if (malloc_cfg.debug && !strstr(line, "slub_debug") &&
	    snprintf(debug_line, sizeof(debug_line), "%s slub_debug=FZU", line) < (int)sizeof(debug_line))
		line = debug_line;
	int e = nmm_booted() ? 0 : nmm_boot(line);
	int next = MALLOC_LIBC;
	if (e) {
		fprintf(stderr, "numamm-malloc: numamm did not boot with '%s' (%s); glibc's malloc serves "
			"this process\n", line, nmm_boot_strerror());
	} else {
		int nid;
		for_each_online_node(nid) {
			struct nmm_node_info info;
			if (!nmm_node_info(nid, &info) && info.mem_bytes)
				mem_nodes[nr_mem_nodes++] = nid;
		}
		if (malloc_cfg.policy == POLICY_BIND && !node_online(malloc_cfg.bind_node)) {
			fprintf(stderr, "numamm-malloc: NUMAMM_POLICY=bind:%d: no such node; using local\n",
				malloc_cfg.bind_node);
			malloc_cfg.policy = POLICY_LOCAL;
		}
		if (!malloc_cfg.debug)
			nmm_slab_bad_free_hook = bad_free_abort;
		pthread_atfork(fork_prepare, fork_parent, fork_child);
		if (malloc_cfg.stats_at_exit)
			atexit(stats_at_exit);
		next = malloc_cfg.policy == POLICY_LOCAL && !nmm_fault_on(NMM_FAULT_MALLOC) ? MALLOC_UP
											     : MALLOC_UP_POLICY;
		if (next == MALLOC_UP && !malloc_cfg.debug)
			mcache_init();
#ifndef NMM_MALLOC_DROPIN
		malloc_divert_libc();           /* before anyone can have called glibc's malloc */
#endif
	}
	malloc_depth--;
	__atomic_store_n(&malloc_state, next, __ATOMIC_SEQ_CST);
	/* fail_malloc armed while we booted: its hook found no MALLOC_UP to divert. */
	unsigned int armed = __atomic_load_n(&nmm_fault_armed.mask, __ATOMIC_SEQ_CST);
	if (next == MALLOC_UP && (armed & (1U << NMM_FAULT_MALLOC)))
		fault_malloc_hook(true);
}

/* ---- introspection ---- */

static size_t managed_bytes(void)
{
	size_t pages = 0;
	int nid;
	for_each_online_node(nid) {
		struct zone *zone;
		for_each_zone_in_node(zone, NODE_DATA(nid))
			pages += zone_managed_pages(zone);
	}
	return pages * PAGE_SIZE;
}

static size_t released_since_trim;
static size_t free_at_last_trim;

size_t malloc_release_free_pages(void)
{
	if (!malloc_is_up())
		return 0;
	malloc_depth++;
	mcache_drain();                     /* cached objects back to their slabs first */
	int nid;
	for_each_online_node(nid)
		shrink_slab(GFP_KERNEL, nid, 0);    /* empty slabs back to the page allocator */
	size_t bytes = nmm_release_free_memory(pageblock_order);
	free_at_last_trim = nr_free_pages() * PAGE_SIZE;
	released_since_trim = bytes;
	malloc_depth--;
	return bytes;
}

void malloc_maybe_trim(void)
{
	size_t free_now = nr_free_pages() * PAGE_SIZE;
	if (free_now < free_at_last_trim)
		free_at_last_trim = free_now;
	else if (free_now - free_at_last_trim > trim_threshold)
		malloc_release_free_pages();
}

int malloc_trim(size_t pad)
{
	(void)pad;
	return malloc_release_free_pages() > 0;
}

struct mallinfo2 mallinfo2(void)
{
	struct mallinfo2 mi = { 0 };
	struct direct_stats ds;
	struct early_stats es;
	direct_get_stats(&ds);
	early_get_stats(&es);
	if (malloc_is_up()) {
		size_t managed = managed_bytes(), free_b = nr_free_pages() * PAGE_SIZE;
		mi.arena = managed + es.bytes;
		mi.fordblks = free_b;
		mi.uordblks = managed - free_b + es.in_use;
		mi.keepcost = 0;
	} else {
		mi.arena = es.bytes;
		mi.uordblks = es.in_use;
	}
	mi.hblks = ds.nr;
	mi.hblkhd = ds.bytes;
	return mi;
}

struct mallinfo mallinfo(void)
{
	struct mallinfo2 m2 = mallinfo2();
	struct mallinfo mi = { 0 };
	mi.arena = (int)m2.arena;
	mi.fordblks = (int)m2.fordblks;
	mi.uordblks = (int)m2.uordblks;
	mi.hblks = (int)m2.hblks;
	mi.hblkhd = (int)m2.hblkhd;
	return mi;
}

void nmm_malloc_stats_print(FILE *out)
{
	struct mallinfo2 mi = mallinfo2();
	struct direct_stats ds;
	struct early_stats es;
	direct_get_stats(&ds);
	early_get_stats(&es);
	/* glibc's malloc_stats lines first (scripts grep them), then numamm's own view */
	fprintf(out, "Arena 0:\nsystem bytes     = %10zu\nin use bytes     = %10zu\n", mi.arena, mi.uordblks);
	fprintf(out, "Total (incl. mmap):\nsystem bytes     = %10zu\nin use bytes     = %10zu\n",
		mi.arena + ds.bytes, mi.uordblks + ds.bytes);
	fprintf(out, "max mmap regions = %10zu\nmax mmap bytes   = %10zu\n", ds.nr, ds.peak_bytes);
	fprintf(out, "numamm-malloc: state %s, policy %s, early heap %zu bytes (%zu in use) in %zu blocks "
		"(%zu frees, %zu reused), direct mappings %zu (%zu bytes)\n",
		malloc_is_up() ? "up" : __atomic_load_n(&malloc_state, __ATOMIC_RELAXED) == MALLOC_LIBC ?
		"glibc fallback" : "not booted",
		malloc_cfg.policy == POLICY_LOCAL ? "local" : malloc_cfg.policy == POLICY_BIND ? "bind" :
		"interleave", es.bytes, es.in_use, es.allocs, es.frees, es.reused, ds.nr, ds.bytes);
	if (malloc_is_up()) {
		nmm_report("meminfo", out);
		nmm_report("buddyinfo", out);
		nmm_report("slabinfo", out);
	}
}

void malloc_stats(void)
{
	malloc_depth++;
	nmm_malloc_stats_print(stderr);
	malloc_depth--;
}

int nmm_malloc_node_of(const void *p)
{
	if (!malloc_is_up() || !virt_addr_valid(p))
		return -1;
	return page_to_nid(virt_to_page(p));
}

bool nmm_malloc_owns(const void *p)
{
	return p && (virt_addr_valid(p) || early_owns(p) || direct_lookup(p, NULL));
}

MALLOC_SELF_ALIAS(malloc_trim);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
MALLOC_SELF_ALIAS(mallinfo);
#pragma GCC diagnostic pop
MALLOC_SELF_ALIAS(mallinfo2);
MALLOC_SELF_ALIAS(malloc_stats);
