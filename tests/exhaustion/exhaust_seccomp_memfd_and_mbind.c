/* exhaust_seccomp_memfd_and_mbind: a seccomp filter makes one system call fail.
 *   memfd_create -> EPERM: a shmem boot fails naming the call; a THP boot still works (its node
 *     memory needs no memfd) and vmalloc, whose pool re-backs 2 MiB blocks with a memfd,
 *     returns NULL instead of crashing.
 *   mbind -> EPERM / ENOMEM: a boot fails ("mbind to node 0 failed"), never runs with node
 *     memory that is not bound where the node says (no silent misplacement).
 * Each leaves no fd or mapping behind. */
#include <string.h>

#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#include "exhaust.h"

static int memfd_refused(void)
{
	seccomp_fail_syscall(__NR_memfd_create, EPERM);
	nmm_boot("mem=64M numa=fake=2 backing=shmem");
	struct held before = held_now();
	CHECK_EQ(nmm_boot("mem=64M numa=fake=2 backing=shmem"), -EPERM);
	CHECK(strstr(nmm_boot_strerror(), "memfd_create(shmem) failed: Operation not permitted") != NULL);
	CHECK_NOTHING_LEFT(before);
	REQUIRE(nmm_boot("mem=64M numa=fake=2 hugepages=off") == 0);
	void *p = vmalloc(64 << 10);
	CHECK(p == NULL);
	vfree(p);
	nmm_shutdown();
	CHECK_EQ(count_numamm_maps(), 0);
	return test_done();
}

static int mbind_refused_with(int err)
{
	seccomp_fail_syscall(__NR_mbind, err);
	nmm_boot("mem=64M numa=fake=2 hugepages=off");
	struct held before = held_now();
	CHECK_EQ(nmm_boot("mem=64M numa=fake=2 hugepages=off"), -err);
	CHECK(strstr(nmm_boot_strerror(), "mbind to node 0 failed") != NULL);
	CHECK(!nmm_booted());
	CHECK_NOTHING_LEFT(before);
	return test_done();
}

static int mbind_eperm(void) { return mbind_refused_with(EPERM); }
static int mbind_enomem(void) { return mbind_refused_with(ENOMEM); }

int main(void)
{
	int fail = 0;
	fail |= in_child("memfd_create refused", memfd_refused);
	fail |= in_child("mbind EPERM", mbind_eperm);
	fail |= in_child("mbind ENOMEM", mbind_enomem);
	return fail ? 1 : 0;
}
