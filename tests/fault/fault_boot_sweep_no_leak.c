/* fault_boot_sweep_no_leak: boot with its N-th page allocation failing (fail_page_alloc=N,100,0,1
 * on the boot line), for every N until a boot makes no allocation fail, and the same for its
 * slab allocations (failslab=), under each slab back end: every boot either works (and shuts
 * down) or fails with a clear error, leaving no file descriptor and no mapping behind. */
#include "ft.h"
#include "process_resources.h"

static int sweep(const char *base, const char *token, int point)
{
	char line[256];
	int fds = count_fds();
	long maps = count_maps();
	int failed_boots = 0;
	for (int nth = 1; nth <= 400; nth++) {
		snprintf(line, sizeof(line), "%s %s=%d,100,0,1,verbose=0", base, token, nth);
		int e = nmm_boot(line);
		bool hit = nmm_fault_injected(point) > 0;
		if (e) {
			failed_boots++;
			CHECK(hit);
			CHECK(e == -ENOMEM);
			if (!*nmm_boot_strerror()) {
				fprintf(stderr, "'%s': failed (%d) without an error message\n", line, e);
				test_failures++;
			}
		} else {
			nmm_shutdown();
		}
		nmm_fault_reset();
		if (count_fds() != fds || !maps_back_to(maps, count_maps())) {
			fprintf(stderr, "'%s' (%s): fds %d (were %d), maps %ld (were %ld)\n", line,
				e ? "failed" : "booted", count_fds(), fds, count_maps(), maps);
			test_failures++;
			fds = count_fds();
			maps = count_maps();
		}
		if (!hit)
			return failed_boots;   /* past every allocation boot makes */
	}
	fprintf(stderr, "%s %s: boot still failing at 400\n", base, token);
	test_failures++;
	return failed_boots;
}

int main(void)
{
	/* Warm up hwloc's one-time allocations so the resource counts compare like with like. */
	ft_boot("mem=64M backing=thp");
	nmm_shutdown();
	const char *bases[] = { "mem=64M backing=shmem slab=slub", "numa=fake=2 mem=64M backing=thp slab=slab",
				"mem=64M backing=shmem highmem=16M slab=slob" };
	for (int i = 0; i < 3; i++) {
		int pages = sweep(bases[i], "fail_page_alloc", NMM_FAULT_PAGE_ALLOC);
		int slabs = sweep(bases[i], "failslab", NMM_FAULT_SLAB);
		fprintf(stderr, "'%s': %d boots failed by fail_page_alloc, %d by failslab\n", bases[i], pages, slabs);
		CHECK(pages > 0);
	}
	return test_done();
}
