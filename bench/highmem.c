/* bench/highmem.c - what a temporary mapping costs: kmap_local_page + touch + kunmap_local and
 * kmap + touch + kunmap on lowmem pages (the linear map: a flag test) and on highmem pages.
 *
 *   .../low             a lowmem page: page_address, no mapping at all
 *   .../high_same       one highmem page again and again: the slot still maps it (lazy flush),
 *                       so no system call, only the bookkeeping
 *   .../high_rotating   NR_ROT highmem pages in turn, more than the slots, so every map is an
 *                       mmap(MAP_FIXED) over the slot's old page plus a minor fault on the touch
 * kmap runs with 1 and 2 threads (they share pkmap_lock); kmap_local is per thread.
 * Each op reads one byte of the page so the mapping is really used (and faulted when new).
 *
 * Boot line: $NUMAMM_BOOT, or "mem=256M highmem=64M backing=shmem" when unset.
 */
#include "bench_pin.h"
#include "gbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/highmem.h>
#include <numamm/numamm.h>

#define NR_ROT 4096             /* > LAST_PKMAP, and > KM_MAX_IDX per depth */
#define MAX_THREADS 2

static struct page *low_page[MAX_THREADS], *high_page[MAX_THREADS];
static struct page *rot[MAX_THREADS][NR_ROT];
static char boot_error[400];

static int pages_alloc(void)
{
	for (int t = 0; t < MAX_THREADS; t++) {
		low_page[t] = alloc_page(GFP_KERNEL);
		high_page[t] = alloc_page(GFP_HIGHUSER);
		if (!low_page[t] || !high_page[t] || !PageHighMem(high_page[t]))
			return -ENOMEM;
		for (int i = 0; i < NR_ROT; i++)
			if (!(rot[t][i] = alloc_page(GFP_HIGHUSER)) || !PageHighMem(rot[t][i]))
				return -ENOMEM;
	}
	return 0;
}

enum which { LOW, HIGH_SAME, HIGH_ROTATING };

static struct page *pick(int t, enum which w, unsigned long n)
{
	return w == LOW ? low_page[t] : w == HIGH_SAME ? high_page[t] : rot[t][n % NR_ROT];
}

static void bm_kmap_local(gbench_state *st, void *user)
{
	enum which w = (enum which)(intptr_t)user;
	int t = gbench_thread_index(st);
	unsigned long n = 0, acc = 0;
	if (boot_error[0]) {
		gbench_skip(st, boot_error);
		return;
	}
	bench_pin(st);
	while (gbench_keep_running(st)) {
		volatile char *v = kmap_local_page(pick(t, w, n++));
		acc += v[64];
		kunmap_local((void *)v);
	}
	gbench_do_not_optimize_value(acc);
	bench_unpin();
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

static void bm_kmap(gbench_state *st, void *user)
{
	enum which w = (enum which)(intptr_t)user;
	int t = gbench_thread_index(st);
	unsigned long n = 0, acc = 0;
	if (boot_error[0]) {
		gbench_skip(st, boot_error);
		return;
	}
	bench_pin(st);
	while (gbench_keep_running(st)) {
		struct page *p = pick(t, w, n++);
		volatile char *v = kmap(p);
		acc += v[64];
		kunmap(p);
	}
	gbench_do_not_optimize_value(acc);
	bench_unpin();
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

GBENCH_CONSTRUCTOR(register_highmem)
{
	static const char *names[] = { "low", "high_same", "high_rotating" };
	char name[64];
	for (int w = LOW; w <= HIGH_ROTATING; w++) {
		snprintf(name, sizeof(name), "highmem/kmap_local/%s", names[w]);
		gbench_b *b = gbench_register(name, bm_kmap_local, (void *)(intptr_t)w);
		gbench_threads(b, 1);
		gbench_threads(b, 2);
		snprintf(name, sizeof(name), "highmem/kmap/%s", names[w]);
		b = gbench_register(name, bm_kmap, (void *)(intptr_t)w);
		gbench_threads(b, 1);
		gbench_threads(b, 2);
	}
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	int err, ret;

	if (!line || !*line)
		line = "mem=256M highmem=64M backing=shmem";
	err = nmm_boot(line);
	if (err)
		snprintf(boot_error, sizeof(boot_error), "nmm_boot(\"%s\"): %s: %s", line,
			 strerror(-err), nmm_boot_strerror());
	else if ((err = pages_alloc()))
		snprintf(boot_error, sizeof(boot_error),
			 "cannot allocate lowmem and highmem pages (boot with highmem= or lowmem=)");
	gbench_add_context("numamm_boot", line);
	ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
