/* numa_current_cpu_matches_getcpu - pinned to each allowed CPU in turn, in the main thread and
 * a second thread, nmm_numa_current_cpu() and the inline nmm_cpu_current() name that CPU.
 * With "--no-rseq" (ctest runs it under GLIBC_TUNABLES=glibc.pthread.rseq=0) it first proves
 * glibc really registered no rseq area, so the sched_getcpu() fallback is what answered.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include <numamm/cpu.h>
#include <numamm/topology.h>

#include "test.h"

static cpu_set_t allowed;

static void *check_each_cpu(void *arg)
{
	int expect_rseq = *(int *)arg;

	CHECK_EQ(nmm_cpu_has_rseq(), expect_rseq);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		cpu_set_t one;

		if (!CPU_ISSET(cpu, &allowed))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
		/* the affinity change migrates us before the syscall returns */
		CHECK_EQ(nmm_numa_current_cpu(), cpu);
		CHECK_EQ(nmm_cpu_current(), cpu);
		CHECK_EQ(sched_getcpu(), cpu);
	}
	REQUIRE(sched_setaffinity(0, sizeof(allowed), &allowed) == 0);
	return NULL;
}

int main(int argc, char **argv)
{
	int no_rseq = argc > 1 && !strcmp(argv[1], "--no-rseq");
	int expect_rseq = !no_rseq;
	pthread_t t;

#if NMM_HAVE_GLIBC_RSEQ
	if (no_rseq)
		CHECK_EQ(__rseq_size, 0);
	else if (__rseq_size == 0)
		SKIP("glibc registered no rseq area (kernel without rseq, or tunable set)");
#else
	if (!no_rseq)
		SKIP("glibc older than 2.35: no rseq area to read");
#endif
	REQUIRE(sched_getaffinity(0, sizeof(allowed), &allowed) == 0);
	check_each_cpu(&expect_rseq);
	REQUIRE(pthread_create(&t, NULL, check_each_cpu, &expect_rseq) == 0);
	REQUIRE(pthread_join(t, NULL) == 0);
	return test_done();
}
