/* bench/memmap.c - the cost of the memory map's address conversions on a booted node.
 *
 * pfn_to_page, page_to_pfn, page_address, virt_to_page, __pa and __va (<numamm/linux/mm.h>) on
 * random valid pfns spread over all booted memory, so struct page reads are as scattered as in
 * a real workload. Each batch of gbench_keep_running_batch() converts BATCH entries of
 * a precomputed random table; "memmap/baseline" does the same loop with no conversion, so
 * (op - baseline) is the conversion itself. Runs with 1 and 2 pinned threads; the time is each
 * thread's CPU time per conversion.
 *
 * With the default 1 GiB the memory map is 16 MiB of struct page, so random struct page reads
 * mostly hit a 32 MiB L3; boot bigger (NUMAMM_BOOT="mem=8G") to measure DRAM misses.
 *
 * Boot line: $NUMAMM_BOOT, or "mem=1G" when unset. A failed boot turns every run into a skip
 * with the reason.
 */
#include "bench_pin.h"
#include "gbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#define TABLE_SHIFT 16
#define TABLE_LEN (1UL << TABLE_SHIFT)    /* 64 Ki entries per table, 512 KiB each */
#define TABLE_MASK (TABLE_LEN - 1)
#define BATCH 1024

static unsigned long *pfns;          /* random valid pfns */
static struct page **pages;          /* pfn_to_page(pfns[i]) */
static void **virts;                 /* __va(pfns[i] << PAGE_SHIFT) + a random offset */
static phys_addr_t *physs;           /* __pa(virts[i]) */
static char boot_error[400];

/* xorshift64*: reproducible, good enough to spread pfns. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int tables_build(void)
{
	struct { uint64_t start_pfn, nr; } rng[NMM_MAX_NODES * 16];
	uint64_t total = 0, seed = 0x9e3779b97f4a7c15ULL;
	struct nmm_node_info ni;
	int nr = 0;

	for (int nid = 0; nid < NMM_MAX_NODES; nid++) {
		if (nmm_node_info(nid, &ni))
			continue;
		for (int r = 0; r < ni.nr_ranges; r++) {
			uint64_t s = ni.range[r].start >> PAGE_SHIFT, e = ni.range[r].end >> PAGE_SHIFT;

			/* Only lowmem: highmem pages have no linear-map address. */
			if ((s << PAGE_SHIFT) >= nmm_lowmem_limit)
				continue;
			if ((e << PAGE_SHIFT) > nmm_lowmem_limit)
				e = nmm_lowmem_limit >> PAGE_SHIFT;
			rng[nr].start_pfn = s;
			rng[nr].nr = e - s;
			total += e - s;
			nr++;
		}
	}
	if (!total)
		return -ENODEV;
	pfns = malloc(TABLE_LEN * sizeof(*pfns));
	pages = malloc(TABLE_LEN * sizeof(*pages));
	virts = malloc(TABLE_LEN * sizeof(*virts));
	physs = malloc(TABLE_LEN * sizeof(*physs));
	if (!pfns || !pages || !virts || !physs)
		return -ENOMEM;
	for (unsigned long i = 0; i < TABLE_LEN; i++) {
		uint64_t k = rnd_next(&seed) % total;
		int r = 0;

		while (k >= rng[r].nr)
			k -= rng[r++].nr;
		pfns[i] = rng[r].start_pfn + k;
		pages[i] = pfn_to_page(pfns[i]);
		virts[i] = (char *)__va((phys_addr_t)pfns[i] << PAGE_SHIFT) +
			   (rnd_next(&seed) & (PAGE_SIZE - 1));
		physs[i] = __pa(virts[i]);
	}
	return 0;
}

/* The loop shared by every conversion: @OP turns table entry i into an unsigned long that is
 * folded into an accumulator, so nothing can be dropped or hoisted. */
#define MEMMAP_LOOP(st, OP)                                                      \
	do {                                                                     \
		unsigned long i = (unsigned long)gbench_thread_index(st) * 7919; \
		unsigned long acc = 0;                                           \
		if (!pfns) {                                                     \
			gbench_skip(st, boot_error);                             \
			return;                                                  \
		}                                                                \
		bench_pin(st);                                                   \
		while (gbench_keep_running_batch(st, BATCH)) {                   \
			for (int n = 0; n < BATCH; n++, i = (i + 1) & TABLE_MASK) \
				acc ^= (unsigned long)(OP);                      \
			gbench_do_not_optimize_value(acc);                       \
		}                                                                \
		bench_unpin();                                                   \
		gbench_set_items_processed(st, gbench_iterations_done(st));     \
	} while (0)

static void bm_baseline(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, pfns[i]);
}

static void bm_pfn_to_page(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, (uintptr_t)pfn_to_page(pfns[i]));
}

static void bm_page_to_pfn(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, page_to_pfn(pages[i]));
}

static void bm_page_address(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, (uintptr_t)page_address(pages[i]));
}

static void bm_virt_to_page(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, (uintptr_t)virt_to_page(virts[i]));
}

static void bm_pa(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, __pa(virts[i]));
}

static void bm_va(gbench_state *st, void *user)
{
	(void)user;
	MEMMAP_LOOP(st, (uintptr_t)__va(physs[i]));
}

GBENCH_CONSTRUCTOR(register_memmap)
{
	static const struct { const char *name; gbench_fn fn; } ops[] = {
		{ "memmap/baseline", bm_baseline },
		{ "memmap/pfn_to_page", bm_pfn_to_page },
		{ "memmap/page_to_pfn", bm_page_to_pfn },
		{ "memmap/page_address", bm_page_address },
		{ "memmap/virt_to_page", bm_virt_to_page },
		{ "memmap/__pa", bm_pa },
		{ "memmap/__va", bm_va },
	};

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		gbench_b *b = gbench_register(ops[k].name, ops[k].fn, NULL);

		/* CPU time, not wall time: on a shared 2-vCPU VM a thread's time off the CPU
		 * would otherwise land in ns/op. The runner takes throughput from real_time. */
		gbench_threads(b, 1);
		gbench_threads(b, 2);
	}
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	int err, ret;

	if (!line || !*line)
		line = "mem=1G";
	err = nmm_boot(line);
	if (err) {
		snprintf(boot_error, sizeof(boot_error), "nmm_boot(\"%s\"): %s: %s", line,
			 strerror(-err), nmm_boot_strerror());
	} else if ((err = tables_build())) {
		snprintf(boot_error, sizeof(boot_error), "no usable pfns after boot: %s",
			 strerror(-err));
		free(pfns);
		pfns = NULL;
	}
	gbench_add_context("numamm_boot", line);
	ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
