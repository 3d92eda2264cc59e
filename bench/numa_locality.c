/* bench/numa_locality.c - allocation locality (issue 9): memory allocated on node i and freed
 * by a thread on node j, for every layer.
 *
 *   locality/<layer>/alloc_node:i/free_node:j
 *
 * The thread is pinned to a CPU numamm puts on node j; it allocates 64 objects on node i through
 * the layer's _node call and frees them all (the free runs on node j: for i != j every free is a
 * remote free). One iteration is one alloc+free pair. layer:
 *   page      alloc_pages_node(i, GFP_KERNEL, 0) + __free_page
 *   kmalloc   kmalloc_node(64, GFP_KERNEL, i) + kfree
 *   vmalloc   vmalloc_node(16 KiB, i) + vfree
 *   mempool   mempool_alloc + mempool_free on a pool of node i (mempool_create_node, 16 in
 *             reserve, elements kmalloc_node(64, i))
 * (Both the allocation and the free run on node j's CPU: the allocation is directed at node i
 * through the _node call; no cross-thread hand-off.) Counter on_node: share of the objects whose page is on node i (page_to_nid of virt_to_page, or
 * vmalloc_to_page), checked on every object; 1 expected. Booted with "mem=512M numa=fake=2
 * hugepages=off" (or $NUMAMM_BOOT plus numa=fake=2) so the 2x2 matrix exists on one real node:
 * both fake nodes are the same DRAM, so this measures the software path (remote frees, the
 * other node's lists), not remote memory. A real multi-node machine gets its own matrix with
 * numa=fake off: set NUMAMM_BENCH_LOCALITY_BOOT.
 */
#include "gbench.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#define BATCH 64
#define MAX_NODES 8

enum layer { L_PAGE, L_KMALLOC, L_VMALLOC, L_MEMPOOL, L_NR };
static const char *const layer_name[L_NR] = { "page", "kmalloc", "vmalloc", "mempool" };

struct loc_case {
	enum layer layer;
	int alloc_node, free_node;
};

static char skip_msg[512];

static const char *boot_line(void)
{
	const char *s = getenv("NUMAMM_BENCH_LOCALITY_BOOT");

	return s && *s ? s : "mem=512M numa=fake=2 hugepages=off";
}

static void *pool_alloc(gfp_t gfp, void *data)
{
	return kmalloc_node(64, gfp, (int)(long)data);
}

static void pool_free(void *p, void *data)
{
	(void)data;
	kfree(p);
}

/* A CPU numamm puts on @node, or -1. */
static int cpu_on_node(int node)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	for (int c = 0; c < n; c++)
		if (cpu_to_node(c) == node)
			return c;
	return -1;
}

static int obj_nid(enum layer l, void *p)
{
	if (l == L_PAGE)
		return page_to_nid((struct page *)p);
	if (l == L_VMALLOC)
		return page_to_nid(vmalloc_to_page(p));
	return page_to_nid(virt_to_page(p));
}

static void bm_locality(gbench_state *st, void *user)
{
	const struct loc_case *c = user;
	void *obj[BATCH];
	mempool_t *pool = NULL;
	long total = 0, on = 0, failed = 0;
	cpu_set_t set;
	int cpu, rc;

	if (!nmm_booted() || strcmp(nmm_boot_cmdline(), boot_line())) {
		if (nmm_booted())
			nmm_shutdown();
		rc = nmm_boot(boot_line());
		if (rc) {
			snprintf(skip_msg, sizeof(skip_msg), "nmm_boot(\"%s\"): %s", boot_line(),
				 nmm_boot_strerror());
			gbench_skip(st, skip_msg);
			return;
		}
	}
	if (c->alloc_node >= nr_node_ids || c->free_node >= nr_node_ids ||
	    (cpu = cpu_on_node(c->free_node)) < 0) {
		snprintf(skip_msg, sizeof(skip_msg), "no CPU on node %d or no node %d in \"%s\"",
			 c->free_node, c->alloc_node, boot_line());
		gbench_skip(st, skip_msg);
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (c->layer == L_MEMPOOL) {
		pool = mempool_create_node(16, pool_alloc, pool_free, (void *)(long)c->alloc_node,
					   GFP_KERNEL, c->alloc_node);
		if (!pool) {
			gbench_skip(st, "mempool_create_node failed");
			return;
		}
	}
	while (gbench_keep_running_batch(st, BATCH)) {
		for (int i = 0; i < BATCH; i++) {
			switch (c->layer) {
			case L_PAGE:
				obj[i] = alloc_pages_node(c->alloc_node, GFP_KERNEL, 0);
				break;
			case L_KMALLOC:
				obj[i] = kmalloc_node(64, GFP_KERNEL, c->alloc_node);
				break;
			case L_VMALLOC:
				obj[i] = vmalloc_node(16 << 10, c->alloc_node);
				break;
			default:
				obj[i] = mempool_alloc(pool, GFP_KERNEL);
				break;
			}
		}
		for (int i = 0; i < BATCH; i++) {
			if (!obj[i]) {
				failed++;
				continue;
			}
			total++;
			on += obj_nid(c->layer, obj[i]) == c->alloc_node;
			switch (c->layer) {
			case L_PAGE:
				__free_page((struct page *)obj[i]);
				break;
			case L_KMALLOC:
				kfree(obj[i]);
				break;
			case L_VMALLOC:
				vfree(obj[i]);
				break;
			default:
				mempool_free(obj[i], pool);
				break;
			}
		}
	}
	if (pool)
		mempool_destroy(pool);
	gbench_counter(st, "on_node", total ? (double)on / (double)total : 0, GBENCH_COUNTER_DEFAULT);
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

GBENCH_CONSTRUCTOR(register_locality)
{
	const char *s = getenv("NUMAMM_BENCH_LOCALITY_NODES");
	int nodes = s && atoi(s) > 0 && atoi(s) <= MAX_NODES ? atoi(s) : 2;

	for (int l = 0; l < L_NR; l++)
		for (int i = 0; i < nodes; i++)
			for (int j = 0; j < nodes; j++) {
				struct loc_case *c = calloc(1, sizeof(*c));
				char name[128];

				*c = (struct loc_case){ l, i, j };
				snprintf(name, sizeof(name), "locality/%s/alloc_node:%d/free_node:%d",
					 layer_name[l], i, j);
				gbench_unit(gbench_register(name, bm_locality, c), GBENCH_NS);
			}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
