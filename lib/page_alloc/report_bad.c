/* lib/page_alloc/report_bad.c - what the page allocator says when something is wrong, in the
 * kernel's words: bad_page() ("BUG: Bad page state"), warn_alloc() ("page allocation failure:
 * order:N, mode:0x...(GFP_...)") with the free areas of every zone (show_free_areas), and the
 * %pGg-style GFP flag names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <numamm/linux/gfp.h>
#include <numamm/numamm.h>

#include "internal.h"

unsigned long nmm_bad_page_count;
unsigned long nmm_alloc_fail_count;

static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	/* Composites first, as the kernel's show_gfp_flags prints them. */
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_DMA, "GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ GFP_DMA32, "GFP_DMA32" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_ATOMIC, "__GFP_ATOMIC" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_THISNODE, "__GFP_THISNODE" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
	{ __GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ __GFP_WRITE, "__GFP_WRITE" },
	{ __GFP_RECLAIM, "__GFP_RECLAIM" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
};

int nmm_format_gfp(char *buf, size_t len, gfp_t gfp)
{
	size_t at = 0;
	buf[0] = '\0';
	if (!gfp)
		return snprintf(buf, len, "none");
	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]) && gfp; i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		gfp &= ~gfp_names[i].mask;
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", at ? "|" : "", gfp_names[i].name);
	}
	if (gfp)
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%#x", at ? "|" : "", gfp);
	return (int)at;
}

static const char *process_name(void)
{
	extern char *program_invocation_short_name;
	return program_invocation_short_name;
}

static const char *const flag_names[NR_PAGEFLAGS] = {
	"locked", "referenced", "uptodate", "dirty", "lru", "active", "slab", "reserved", "private",
	"writeback", "head", "tail", "buddy", "pcp", "guard", "highmem_mapped",
};

void bad_page(struct page *page, const char *reason)
{
	__atomic_fetch_add(&nmm_bad_page_count, 1, __ATOMIC_RELAXED);
	char flags[256] = "";
	size_t at = 0;
	for (int i = 0; i < NR_PAGEFLAGS; i++)
		if (page->flags & (1UL << i))
			at += (size_t)snprintf(flags + at, sizeof(flags) - at, "%s%s", at ? "|" : "", flag_names[i]);
	fprintf(stderr,
		"numamm: BUG: Bad page state in process %s  pfn:%05lx\n"
		"numamm: page:%p refcount:%d mapcount:%d mapping:%p index:%#lx node:%d zone:%s\n"
		"numamm: flags: %#lx(%s)\n"
		"numamm: page dumped because: %s\n",
		process_name(), page_to_pfn(page), (void *)page, page_ref_count(page),
		page->_mapcount.counter + 1, page->mapping, page->index, page_to_nid(page),
		nmm_zone_name(page_zonenum(page)), page->flags & NMM_PAGEFLAGS_MASK, flags, reason);
}

void nmm_show_free_areas(FILE *out)
{
	static const char types[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'I' };
	for (int nid = 0; nid < nr_node_ids; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			unsigned long nr[NR_PAGE_ORDERS], total = 0;
			char letters[NR_PAGE_ORDERS][MIGRATE_TYPES + 1];
			spin_lock(&zone->lock);
			for (int o = 0; o <= MAX_ORDER; o++) {
				nr[o] = zone->free_area[o].nr_free;
				total += nr[o] << o;
				int k = 0;
				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					if (!list_empty(&zone->free_area[o].free_list[mt]))
						letters[o][k++] = types[mt];
				letters[o][k] = '\0';
			}
			spin_unlock(&zone->lock);
			fprintf(out, "Node %d %s: ", nid, zone->name);
			for (int o = 0; o <= MAX_ORDER; o++) {
				fprintf(out, "%lu*%lukB ", nr[o], (PAGE_SIZE >> 10) << o);
				if (nr[o])
					fprintf(out, "(%s) ", letters[o]);
			}
			fprintf(out, "= %lukB\n", total * (PAGE_SIZE >> 10));
		}
	}
}

void warn_alloc(gfp_t gfp, unsigned int order, int nid, const char *why)
{
	__atomic_fetch_add(&nmm_alloc_fail_count, 1, __ATOMIC_RELAXED);
	/* Ratelimit like the kernel's nopage_rs: 10 reports per 5 seconds. */
	static long window;
	static int printed, suppressed;
	long now = (long)time(NULL) / 5;
	if (__atomic_exchange_n(&window, now, __ATOMIC_RELAXED) != now) {
		if (suppressed)
			fprintf(stderr, "numamm: warn_alloc: %d callbacks suppressed\n", suppressed);
		printed = suppressed = 0;
	}
	if (++printed > 10) {
		suppressed++;
		return;
	}
	char names[256];
	nmm_format_gfp(names, sizeof(names), gfp);
	fprintf(stderr, "numamm: %s: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null), node=%d%s%s\n",
		process_name(), order, gfp, names, nid, why ? ": " : "", why ? why : "");
	if (nmm_booted())
		nmm_show_free_areas(stderr);
}
