/* numa_bind_rejects_bad_node - binding to a node id that is negative, beyond what a policy
 * mask can name, or not online fails with -EINVAL, and leaves the mapping usable.
 */
#include <errno.h>
#include <sys/mman.h>

#include <numamm/topology.h>

#include "sysfs_probe.h"
#include "test.h"

#define PG 4096UL

int main(void)
{
	int online[1025], n, offline = 0;
	char *p;

	n = probe_list_file("/sys/devices/system/node/online", online, 1025);
	REQUIRE(n > 0);
	/* the lowest id that is not online */
	for (int i = 0; i < n && online[i] == offline; i++)
		offline++;

	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	CHECK_EQ(nmm_numa_bind(p, 4 * PG, -1), -EINVAL);
	CHECK_EQ(nmm_numa_bind(p, 4 * PG, 1 << 20), -EINVAL);
	CHECK_EQ(nmm_numa_bind(p, 4 * PG, offline), -EINVAL);
	CHECK_EQ(nmm_numa_bind(p, 0, online[0]), -EINVAL);
	CHECK_EQ(nmm_numa_bind(p + 1, PG, online[0]), -EINVAL);  /* unaligned, as mbind(2) */
	CHECK_EQ(nmm_numa_bind(p, 4 * PG, online[0]), 0);
	p[0] = 1;
	munmap(p, 4 * PG);
	return test_done();
}
