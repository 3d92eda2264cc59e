/* bench/callgrind_page_alloc.c - a driver for counting the instructions of the page allocator's
 * order-0 fast path under callgrind (tools/callgrind-fastpath runs it).
 *
 *	bench-callgrind_page_alloc <subject> <K>
 *
 * Boots numamm ($NUMAMM_BOOT, or "mem=512M"), warms up (the pcp list is refilled and the
 * struct pages are touched), then calls measured_loop(), which runs K pairs of the subject:
 *   page      alloc_page(GFP_KERNEL) + __free_page()   (the pcp fast path)
 *   page:N    alloc_pages(GFP_KERNEL, N) + __free_pages(, N), N = 1..10 (pcp up to 3)
 *   malloc64  glibc malloc(64) + free()                 (calibration: a well-known fast path)
 * Run under `valgrind --tool=callgrind --toggle-collect=measured_loop` with two values of K: the
 * difference of the two instruction counts divided by the difference of K is the cost of one
 * pair, with the call into measured_loop, any one-off refill and the loop setup cancelled.
 *
 * The bench CMake glob builds it as bench-callgrind_page_alloc; it is not a Google Benchmark
 * binary (tools/numamm-bench skips bench-callgrind_*), so any --benchmark* flag is ignored and
 * it lists no benchmarks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

enum subject { SUBJ_PAGE, SUBJ_MALLOC64 };

static unsigned int order;

/* The sink keeps the compiler from proving the pointers unused (GCC may delete a malloc/free
 * pair whose result is never looked at). */
static void *volatile sink;

static noinline void measured_loop(enum subject subj, long k)
{
	if (subj == SUBJ_PAGE) {
		if (!order) {
			for (long i = 0; i < k; i++) {
				struct page *page = alloc_page(GFP_KERNEL);

				sink = page;
				__free_page(page);
			}
			return;
		}
		for (long i = 0; i < k; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);

			sink = page;
			__free_pages(page, order);
		}
	} else {
		for (long i = 0; i < k; i++) {
			void *p = malloc(64);

			sink = p;
			free(p);
		}
	}
}

int main(int argc, char **argv)
{
	const char *line = getenv("NUMAMM_BOOT");
	enum subject subj;
	long k;
	int err;

	if (argc >= 2 && !strncmp(argv[1], "--benchmark", 11))
		return 0;   /* asked as a Google Benchmark binary: nothing to list or run */
	if (argc == 3 && !strncmp(argv[1], "page:", 5))
		order = (unsigned int)strtoul(argv[1] + 5, NULL, 10);
	if (argc != 3 || (strcmp(argv[1], "page") && strcmp(argv[1], "malloc64") &&
			  strncmp(argv[1], "page:", 5)) || order > MAX_ORDER ||
	    (k = strtol(argv[2], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: %s page|page:N|malloc64 K\n", argv[0]);
		return 2;
	}
	subj = strcmp(argv[1], "malloc64") ? SUBJ_PAGE : SUBJ_MALLOC64;
	if (!line || !*line)
		line = "mem=512M";
	if (subj == SUBJ_PAGE) {
		err = nmm_boot(line);
		if (err) {
			fprintf(stderr, "nmm_boot(\"%s\"): %s: %s\n", line, strerror(-err),
				nmm_boot_strerror());
			return 1;
		}
		/* Warm-up: fill this CPU's pcp list and run the same pairs once, untimed. */
		drain_all_pages(NULL);
		for (int i = 0; i < 1000; i++)
			__free_pages(alloc_pages(GFP_KERNEL, order), order);
	} else {
		for (int i = 0; i < 1000; i++)
			free(malloc(64));
	}
	measured_loop(subj, k);
	if (subj == SUBJ_PAGE)
		nmm_shutdown();
	return 0;
}
