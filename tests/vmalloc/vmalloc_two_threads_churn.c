/* vmalloc_two_threads_churn: two threads allocate, write, check and free areas (and vmap pages
 * of their own areas) at the same time, crossing purges; no area ever shows another's bytes,
 * nothing is lost (free page count back at the end), and the structures stay valid. Run under
 * TSan too. */
#include <pthread.h>

#include "vmt.h"
#include "vmalloc/internal.h"

#define ITER 3000

static void *worker(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	unsigned long long x = 1234567 + id;
	char *keep[8] = { 0 };
	size_t ksz[8] = { 0 };
	for (int i = 0; i < ITER; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int k = (int)(x % 8);
		if (keep[k]) {
			if (!vmt_check(keep[k], ksz[k], id * 1000 + k))
				test_failures++;
			vfree(keep[k]);
		}
		ksz[k] = PAGE_SIZE * (1 + (x >> 8) % 64);
		keep[k] = vmalloc(ksz[k]);
		if (!keep[k]) {
			test_failures++;
			break;
		}
		vmt_fill(keep[k], ksz[k], id * 1000 + k);
		if (i % 64 == 0) {
			struct page *pg = vmalloc_to_page(keep[k]);
			char *m = vmap(&pg, 1, 0, PAGE_KERNEL);
			if (!m || !vmt_check(m, PAGE_SIZE, id * 1000 + k))
				test_failures++;
			vunmap(m);
		}
	}
	for (int k = 0; k < 8; k++)
		vfree(keep[k]);
	return NULL;
}

int main(void)
{
	vmt_boot(VMT_BOOT_THP);
	unsigned long start = vmt_free_pages();
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(nmm_vmap_area_is_valid(stderr));
	CHECK_EQ(vmt_free_pages(), start);
	nmm_shutdown();
	return test_done();
}
