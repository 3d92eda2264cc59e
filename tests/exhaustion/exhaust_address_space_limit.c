/* exhaust_address_space_limit: RLIMIT_AS a little above what the process maps. A boot whose
 * linear map and vmalloc range do not fit fails with -ENOMEM naming the reservation, leaving
 * nothing; a small boot that fits works, and afterwards, with the limit at what is mapped,
 * vmalloc still serves from the range reserved at boot (its mappings replace the reservation,
 * they do not add address space) and a failure, if any, is NULL - never a crash. */
#include <stdio.h>
#include <string.h>

#include <numamm/linux/vmalloc.h>
#include <numamm/numamm.h>

#include "exhaust.h"

static unsigned long vm_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kb = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmSize:", 7))
			kb = strtoul(line + 7, NULL, 10);
	if (f)
		fclose(f);
	return kb << 10;
}

static void limit_as(unsigned long bytes)
{
	struct rlimit rl;
	REQUIRE(getrlimit(RLIMIT_AS, &rl) == 0);
	rl.rlim_cur = bytes;
	REQUIRE(setrlimit(RLIMIT_AS, &rl) == 0);
}

static int boot_limited(void)
{
	limit_as(vm_bytes() + (256UL << 20));
	int e = nmm_boot("mem=1G hugepages=off");
	limit_as(RLIM_INFINITY);
	return e;
}

static int boot_does_not_fit(void)
{
	boot_limited();
	struct held before = held_now();
	int e = boot_limited();
	CHECK_EQ(e, -ENOMEM);
	CHECK(strstr(nmm_boot_strerror(), "address space") != NULL);
	CHECK(!nmm_booted());
	CHECK_NOTHING_LEFT(before);
	return test_done();
}

static int vmalloc_after_limit(void)
{
	REQUIRE(nmm_boot("mem=64M vmalloc=64M backing=shmem") == 0);
	limit_as(vm_bytes());
	int ok = 0;
	for (int i = 0; i < 4; i++) {
		void *p = vmalloc(8 << 20);
		if (p) {
			memset(p, 0x5a, 8 << 20);
			ok++;
		}
		vfree(p);
	}
	limit_as(RLIM_INFINITY);
	fprintf(stderr, "vmalloc(8 MiB) under RLIMIT_AS: %d of 4 served\n", ok);
	nmm_shutdown();
	return test_done();
}

int main(void)
{
#if defined(__SANITIZE_THREAD__)
	SKIP("TSan's runtime needs address space of its own at any time: no RLIMIT_AS case here");
#endif
	int fail = 0;
	fail |= in_child("boot does not fit", boot_does_not_fit);
	fail |= in_child("vmalloc after the limit", vmalloc_after_limit);
	return fail ? 1 : 0;
}
