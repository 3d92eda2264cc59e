/* bench/vmalloc.c - vmalloc + vfree against mmap + munmap and malloc + free of the same size
 * (issue 6), 4 KiB .. 64 MiB, 1 and 2 threads (pinned). One iteration allocates, writes one byte
 * to every page, and frees - the same work for every subject, so first-touch faults are paid
 * wherever they fall (vmalloc maps its pages eagerly with MAP_POPULATE; mmap and malloc fault on
 * the touch). The "faults" counter is page faults per iteration (bench_faults.h).
 *
 *   vmalloc/<backing>/size:S   vmalloc(S), touch, vfree(); vfree is lazy, so the cost of the
 *                              batched unmap (purge) is spread over the iterations that fill
 *                              lazy_max_pages. Backings (each its own boot, mem=1G):
 *                                thp      - node memory anonymous THP: pages from the vmalloc
 *                                           pool (2 MiB blocks re-backed by shmem)
 *                                shmem    - node memory a shmem memfd: pages straight from the
 *                                           page allocator, mapped from the node's memfd
 *                                hugetlb  - node memory hugetlb (mem=512M hugepages=on): pages
 *                                           from the vmalloc pool
 *   vmalloc_huge/hugetlb/size:S  vmalloc_huge(S): 2 MiB hugetlb pages mapped directly (S >= 2M)
 *   peer/mmap/size:S           mmap(MAP_PRIVATE | MAP_ANONYMOUS), touch, munmap
 *   peer/malloc/size:S         glibc malloc, touch, free (above 128 KiB glibc mmaps too, but
 *                              its dynamic threshold soon keeps freed blocks on its heap)
 * hugetlb runs need 256 free 2 MiB pages on node 0 (echo 256 > /proc/sys/vm/nr_hugepages);
 * without them they are skipped with the reason.
 */
#include "bench_faults.h"
#include "bench_pin.h"
#include "gbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

enum subject { S_VMALLOC_THP, S_VMALLOC_SHMEM, S_VMALLOC_HUGETLB, S_VMALLOC_HUGE, S_MMAP, S_MALLOC };

static const char *const boot_line[] = {
	[S_VMALLOC_THP] = "mem=1G backing=thp",
	[S_VMALLOC_SHMEM] = "mem=1G backing=shmem",
	[S_VMALLOC_HUGETLB] = "mem=512M hugepages=on",
	[S_VMALLOC_HUGE] = "mem=512M hugepages=on",
};

static char boot_error[512];

/* Thread 0, before any loop: boot @line unless it is the current boot. */
static void ensure_boot(const char *line)
{
	if (nmm_booted() && !strcmp(nmm_boot_cmdline(), line))
		return;
	if (nmm_booted())
		nmm_shutdown();
	boot_error[0] = '\0';
	int e = nmm_boot(line);
	if (e)
		snprintf(boot_error, sizeof(boot_error), "nmm_boot(\"%s\"): %s: %s", line, strerror(-e),
			 nmm_boot_strerror());
}

static inline void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = 1;
}

static void bm_alloc_touch_free(gbench_state *st, void *user)
{
	enum subject s = (enum subject)(intptr_t)user;
	size_t len = (size_t)gbench_range_x(st, 0);
	if (gbench_thread_index(st) == 0 && s <= S_VMALLOC_HUGE)
		ensure_boot(boot_line[s]);
	if (s <= S_VMALLOC_HUGE && boot_error[0]) {
		gbench_skip(st, boot_error);
		return;
	}
	bench_pin(st);
	struct bench_faults f0;
	bench_faults_now(&f0);
	while (gbench_keep_running(st)) {
		char *p;
		switch (s) {
		case S_MMAP:
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				p = NULL;
			break;
		case S_MALLOC:
			p = malloc(len);
			break;
		case S_VMALLOC_HUGE:
			p = vmalloc_huge(len, GFP_KERNEL);
			break;
		default:
			p = vmalloc(len);
			break;
		}
		if (!p) {
			gbench_skip(st, "allocation failed");
			break;
		}
		touch(p, len);
		switch (s) {
		case S_MMAP:
			munmap(p, len);
			break;
		case S_MALLOC:
			free(p);
			break;
		default:
			vfree(p);
			break;
		}
	}
	bench_faults_report(st, &f0);
	bench_unpin();
	gbench_set_bytes_processed(st, gbench_iterations_done(st) * (int64_t)len);
	gbench_set_items_processed(st, gbench_iterations_done(st));
}

GBENCH_CONSTRUCTOR(register_vmalloc)
{
	static const char *const names[] = {
		[S_VMALLOC_THP] = "vmalloc/thp", [S_VMALLOC_SHMEM] = "vmalloc/shmem",
		[S_VMALLOC_HUGETLB] = "vmalloc/hugetlb", [S_VMALLOC_HUGE] = "vmalloc_huge/hugetlb",
		[S_MMAP] = "peer/mmap", [S_MALLOC] = "peer/malloc",
	};
	for (int s = S_VMALLOC_THP; s <= S_MALLOC; s++) {
		gbench_b *b = gbench_register(names[s], bm_alloc_touch_free, (void *)(intptr_t)s);
		gbench_range_multiplier(b, 8);
		gbench_range(b, s == S_VMALLOC_HUGE ? 2 << 20 : 4096, 64 << 20);
		gbench_arg_name(b, "size");
		gbench_threads(b, 1);
		gbench_threads(b, 2);
		gbench_use_real_time(b);
		gbench_unit(b, GBENCH_US);
	}
}

int main(int argc, char **argv)
{
	int ret = gbench_main(argc, argv);
	if (nmm_booted())
		nmm_shutdown();
	return ret;
}
