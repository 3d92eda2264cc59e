/* lib/page_alloc/watermarks.c - per-zone watermarks and lowmem reserves (mm/page_alloc.c:
 * __setup_per_zone_wmarks, setup_per_zone_lowmem_reserve, calculate_min_free_kbytes).
 *
 * min_free_kbytes (default sqrt(16 * lowmem KiB), clamped to [128, 262144], as the kernel) is
 * shared among the lowmem zones by their managed pages: that is each zone's min. low and high
 * sit watermark_scale_factor/10000 of the zone's memory (at least min/4) above min and above
 * low. Highmem zones get a small fixed min (managed/1024 within [32, 128] pages). Allocations
 * need free pages above low on the fast path, above min in the slow path, and below that only
 * __GFP_HIGH (half of min) and __GFP_ATOMIC (a further quarter) may go.
 *
 * lowmem_reserve[j] of a lower zone i keeps (managed pages of zones i+1..j) / ratio[i] back from
 * allocations that could have used zone j, so DMA and DMA32 are not eaten by GFP_KERNEL.
 */
#include "internal.h"

int min_free_kbytes = -1;          /* -1: computed at boot from lowmem */
static bool min_free_kbytes_computed;
int watermark_scale_factor = 10;
int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0 };

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = x, y = (x + 1) / 2;   /* Newton's method on integers */
	while (y < r) {
		r = y;
		y = (r + x / r) / 2;
	}
	return r;
}

static void for_each_populated_zone_do(void (*fn)(struct zone *, void *), void *arg)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				fn(&NODE_DATA(nid)->node_zones[z], arg);
}

static void add_lowmem(struct zone *z, void *arg)
{
	if (!is_highmem(z))
		*(unsigned long *)arg += zone_managed_pages(z);
}

static void set_wmarks(struct zone *z, void *arg)
{
	unsigned long lowmem = *(unsigned long *)arg;
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long managed = zone_managed_pages(z);
	unsigned long min;
	if (is_highmem(z)) {
		min = managed / 1024;
		min = min < 32 ? 32 : min > 128 ? 128 : min;
		if (min > managed / 4)
			min = managed / 4;
	} else {
		min = lowmem ? (unsigned long)((unsigned __int128)pages_min * managed / lowmem) : 0;
	}
	unsigned long gap = (unsigned long)((unsigned __int128)managed * (unsigned)watermark_scale_factor / 10000);
	if (gap < min / 4)
		gap = min / 4;
	__atomic_store_n(&z->_watermark[WMARK_MIN], min, __ATOMIC_RELAXED);   /* read unlocked */
	__atomic_store_n(&z->_watermark[WMARK_LOW], min + gap, __ATOMIC_RELAXED);
	__atomic_store_n(&z->_watermark[WMARK_HIGH], min + 2 * gap, __ATOMIC_RELAXED);
}

static void set_lowmem_reserve(struct zone *z, void *arg)
{
	(void)arg;
	pg_data_t *pg = z->zone_pgdat;
	int i = zone_idx(z);
	for (int j = 0; j < MAX_NR_ZONES; j++)
		z->lowmem_reserve[j] = 0;
	int ratio = sysctl_lowmem_reserve_ratio[i];
	if (ratio <= 0)
		return;
	unsigned long above = 0;
	for (int j = i + 1; j < MAX_NR_ZONES; j++) {
		above += zone_managed_pages(&pg->node_zones[j]);
		unsigned long r = above / (unsigned long)ratio;
		z->lowmem_reserve[j] = (long)(r > zone_managed_pages(z) ? zone_managed_pages(z) : r);
	}
}

void setup_per_zone_wmarks(void)
{
	unsigned long lowmem = 0;
	for_each_populated_zone_do(add_lowmem, &lowmem);
	if (min_free_kbytes < 0) {
		unsigned long kb = isqrt((lowmem << (PAGE_SHIFT - 10)) * 16);
		min_free_kbytes = (int)(kb < 128 ? 128 : kb > 262144 ? 262144 : kb);
		min_free_kbytes_computed = true;
	}
	for_each_populated_zone_do(set_wmarks, &lowmem);
	for_each_populated_zone_do(set_lowmem_reserve, NULL);
}

/* Forget a computed min_free_kbytes at shutdown, so the next boot computes its own. */
void nmm_watermarks_reset(void)
{
	if (min_free_kbytes_computed)
		min_free_kbytes = -1;
	min_free_kbytes_computed = false;
}
