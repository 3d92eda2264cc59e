/* lib/percpu/mag.c - the slow side of per-CPU magazines: locking one from another CPU and the
 * membarrier fence that makes the lock visible to sequences already in flight (mag.h). */
#include <errno.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mag.h"

static int fence_state;   /* 0 unknown, 1 registered, -1 unavailable */

bool nmm_mag_fence_available(void)
{
	int s = __atomic_load_n(&fence_state, __ATOMIC_ACQUIRE);
	if (s)
		return s > 0;
	long r = syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0);
	s = r == 0 ? 1 : -1;
	__atomic_store_n(&fence_state, s, __ATOMIC_RELEASE);
	return s > 0;
}

void nmm_mag_lock(struct nmm_mag *m)
{
	while (__atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

void nmm_mag_unlock(struct nmm_mag *m)
{
	__atomic_store_n(&m->locked, 0, __ATOMIC_RELEASE);
}

void nmm_mag_fence(void)
{
	if (nmm_mag_fence_available())
		syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0);
}

unsigned int nmm_mag_take_locked(struct nmm_mag *m, void **out, unsigned int max)
{
	uint64_t w = __atomic_load_n(&m->word, __ATOMIC_RELAXED);
	unsigned int n = (unsigned int)(w & NMM_MAG_COUNT_MASK), k = n < max ? n : max;
	for (unsigned int i = 0; i < k; i++)
		out[i] = m->slot[n - 1 - i];
	__atomic_store_n(&m->word, w - k, __ATOMIC_RELAXED);
	return k;
}
