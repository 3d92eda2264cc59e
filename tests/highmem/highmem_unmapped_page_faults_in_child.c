/* highmem_unmapped_page_faults_in_child: where a highmem page's linear-map address would be
 * (__va(page_to_phys(page))) nothing is mapped: a child process that touches it dies of
 * SIGSEGV, before kmap and while the page is kmapped (kmap maps it elsewhere, never there).
 * Controls: a child touching the kmap address, or a lowmem page's linear address, lives. */
#include <signal.h>
#include <sys/wait.h>

#include "hm_test.h"

int main(void)
{
	hm_boot(HM_BOOT_SHMEM);
	struct page *hp = hm_alloc_high(), *lp = hm_alloc_low();
	volatile char *linear = __va(page_to_phys(hp));

	CHECK_EQ(child_touch(linear), SIGSEGV);
	char *v = kmap(hp);
	REQUIRE(v);
	CHECK(v != (char *)linear);
	CHECK_EQ(child_touch(linear), SIGSEGV);
	CHECK_EQ(child_touch(v), 0);
	CHECK_EQ(child_touch(page_address(lp)), 0);
	kunmap(hp);
	CHECK_EQ(child_touch(linear), SIGSEGV);
	nmm_shutdown();
	return test_done();
}
