/* highmem_shutdown_drops_mappings: nmm_shutdown() drops every kmap and kmap_local mapping,
 * including idle pkmap slots and the kmap_local window of another live thread, so no mapping
 * of the old node memfds is left in /proc/self/maps; after a new boot kmap and kmap_local map
 * the new memfd (checked with pread), and the other thread's stale kunmap_local is reported
 * while its next kmap_local works. */
#include <pthread.h>
#include <string.h>

#include "hm_test.h"

static pthread_barrier_t bar;
static struct page *thread_page;
static int thread_ok;

static int memfd_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;
	REQUIRE(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "memfd:numamm-node") != NULL;
	fclose(f);
	return n;
}

static void *holder(void *arg)
{
	(void)arg;
	void *v = kmap_local_page(thread_page);
	thread_ok = v != NULL;
	pthread_barrier_wait(&bar);             /* 1: mapped */
	pthread_barrier_wait(&bar);             /* 2: main shut down and rebooted */
	hm_capture_begin();
	kunmap_local(v);
	const char *out = hm_capture_end();
	thread_ok &= strstr(out, "is not mapped") != NULL;
	thread_ok &= nmm_kmap_local_depth() == 0;
	void *w = kmap_local_page(thread_page);
	thread_ok &= w != NULL;
	if (w) {
		hm_fill(w, 99);
		kunmap_local(w);
	}
	pthread_barrier_wait(&bar);             /* 3: done */
	return NULL;
}

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *p = hm_alloc_high();
	unsigned long pfn = page_to_pfn(p);
	void *v = kmap(p);
	REQUIRE(v);
	kunmap(p);                              /* idle slot, still mapping p */
	void *l = kmap_local_page(p);           /* held across the shutdown */
	REQUIRE(l);
	thread_page = hm_alloc_high();
	unsigned long tpfn = page_to_pfn(thread_page);
	pthread_barrier_init(&bar, NULL, 2);
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, holder, NULL) == 0);
	pthread_barrier_wait(&bar);
	CHECK(memfd_mappings() > 0);
	nmm_shutdown();
	CHECK_EQ(memfd_mappings(), 0);

	hm_boot(HM_BOOT_SHMEM);
	CHECK_EQ(nmm_kmap_local_depth(), 0);
	/* Same layout, so the same pfns are highmem again; the pages are free, which kmap allows. */
	p = pfn_to_page(pfn);
	thread_page = pfn_to_page(tpfn);
	REQUIRE(PageHighMem(p) && page_address(p) == NULL);
	char *nv = kmap(p);
	REQUIRE(nv);
	hm_fill(nv, 42);
	char buf[PAGE_SIZE];
	hm_pread_page(p, buf);
	CHECK(hm_check(buf, 42));
	kunmap(p);
	char *nl = kmap_local_page(p);
	REQUIRE(nl);
	CHECK(hm_check(nl, 42));
	CHECK_EQ(nmm_kmap_local_depth(), 1);
	kunmap_local(nl);

	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	pthread_join(t, NULL);
	CHECK(thread_ok);
	hm_pread_page(thread_page, buf);
	CHECK(hm_check(buf, 99));
	nmm_shutdown();
	CHECK_EQ(memfd_mappings(), 0);
	return test_done();
}
