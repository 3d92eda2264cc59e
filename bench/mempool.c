/* bench/mempool.c - mempool (issue 6): what the forward-progress guarantee costs.
 *
 * One iteration is one alloc+free pair; 1 and 2 threads, pinned; cpu_time is one thread's time
 * per pair, real_time 1 / the throughput of all threads.
 *   mempool/slab_pair           mempool_alloc(GFP_KERNEL) + mempool_free on a slab pool (min 16)
 *                               of a 64-byte cache: the allocator serves, the reserve is full.
 *   mempool/bare_kmem_cache     kmem_cache_alloc + kmem_cache_free of the same cache: the
 *                               baseline; the target is slab_pair <= 1.2x this.
 *   mempool/reserve_only        the allocator fails every time (an exhausted allocator on
 *                               demand): every pair goes through the reserve under the pool lock.
 * Boot: $NUMAMM_BOOT or "mem=256M" (slab= from that line).
 */
#include "bench_pin.h"
#include "gbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#define KR_BATCH 256

static struct kmem_cache *cache;
static mempool_t *slab_pool, *reserve_pool;

static void *failing_alloc(gfp_t gfp, void *data)
{
	(void)gfp;
	(void)data;
	return NULL;
}

/* The reserve is filled from kmalloc at creation, then the allocator "runs dry". */
static int reserve_dry;
static void *reserve_alloc(gfp_t gfp, void *data)
{
	return __atomic_load_n(&reserve_dry, __ATOMIC_RELAXED) ? failing_alloc(gfp, data) : kmalloc(64, gfp);
}

static void reserve_free(void *e, void *data)
{
	(void)data;
	kfree(e);
}

static bool setup(gbench_state *st)
{
	if (cache)
		return true;
	const char *line = getenv("NUMAMM_BOOT");
	if (nmm_boot(line && *line ? line : "mem=256M")) {
		gbench_skip(st, nmm_boot_strerror());
		return false;
	}
	cache = kmem_cache_create("bench_mempool64", 64, 0, 0, NULL);
	slab_pool = cache ? mempool_create_slab_pool(16, cache) : NULL;
	reserve_pool = mempool_create(64, reserve_alloc, reserve_free, NULL);
	if (!slab_pool || !reserve_pool) {
		gbench_skip(st, "cannot create the cache or the pools (is a slab back end built?)");
		return false;
	}
	reserve_dry = 1;
	return true;
}

enum kind { SLAB_POOL, BARE, RESERVE };

static void bm_pair(gbench_state *st, void *user)
{
	enum kind kind = (enum kind)(uintptr_t)user;
	static int ok;
	if (gbench_thread_index(st) == 0)
		ok = setup(st);
	bench_pin(st);
	long failed = 0;
	while (gbench_keep_running_batch(st, KR_BATCH)) {
		if (!ok) {
			if (gbench_thread_index(st) != 0)
				gbench_skip(st, "setup failed (thread 0)");
			continue;
		}
		for (int i = 0; i < KR_BATCH; i++) {
			void *p;
			switch (kind) {
			case SLAB_POOL:
				p = mempool_alloc(slab_pool, GFP_KERNEL);
				mempool_free(p, slab_pool);
				break;
			case BARE:
				p = kmem_cache_alloc(cache, GFP_KERNEL);
				kmem_cache_free(cache, p);
				break;
			default:
				p = mempool_alloc(reserve_pool, GFP_NOWAIT);
				failed += !p;
				mempool_free(p, reserve_pool);
				break;
			}
			__asm__ volatile("" : : "r"(p) : "memory");
		}
	}
	gbench_set_items_processed(st, gbench_iterations_done(st));
	if (failed)
		gbench_counter(st, "alloc_failed", (double)failed, GBENCH_COUNTER_DEFAULT);
}

GBENCH_CONSTRUCTOR(register_mempool)
{
	static const char *const names[] = { "mempool/slab_pair", "mempool/bare_kmem_cache",
					     "mempool/reserve_only" };
	for (uintptr_t k = 0; k < 3; k++) {
		gbench_b *b = gbench_register(names[k], bm_pair, (void *)k);
		gbench_threads(b, 1);
		gbench_threads(b, 2);
	}
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	gbench_add_context("numamm_boot", line && *line ? line : "mem=256M");
	int ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
