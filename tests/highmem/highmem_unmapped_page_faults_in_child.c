/* highmem_unmapped_page_faults_in_child: where a highmem page's linear-map address would be
 * (__va(page_to_phys(page))) nothing is mapped: a child process that touches it dies of
 * SIGSEGV, before kmap and while the page is kmapped (kmap maps it elsewhere, never there).
 * Controls: a child touching the kmap address, or a lowmem page's linear address, lives. */
#include <signal.h>
#include <sys/wait.h>

#include "hm_test.h"

/* Return: the signal that killed a child writing to @addr, 0 when it exited normally. */
static int child_touch(volatile char *addr)
{
	fflush(NULL);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		/* Sanitizers catch SIGSEGV to report it; the parent must see the real signal. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*addr = 1;
		_exit(0);
	}
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	CHECK_EQ(WEXITSTATUS(status), 0);
	return 0;
}

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
