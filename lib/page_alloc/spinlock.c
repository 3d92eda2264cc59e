/* lib/page_alloc/spinlock.c - the contended half of spin_lock(): spin with pause on a read-only
 * load (no cache-line ping-pong), and yield the CPU when the holder seems preempted. */
#include <numamm/linux/spinlock.h>

void nmm_spin_lock_slow(spinlock_t *l)
{
	for (unsigned spins = 0;; spins++) {
		if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
			return;
		if (spins < 128)
			cpu_relax();
		else
			sched_yield();
	}
}
