/* linux/spinlock.h - spinlock_t with the kernel's names: a test-and-test-and-set lock that spins
 * with `pause` and yields the CPU after a while (user space can be preempted while holding it,
 * which the kernel's spinlocks never are). */
#ifndef NUMAMM_LINUX_SPINLOCK_H
#define NUMAMM_LINUX_SPINLOCK_H

#include <sched.h>
#include <stdbool.h>

#include "compiler.h"

typedef struct {
	int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED); }

static inline bool spin_trylock(spinlock_t *l)
{
	return !__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

void nmm_spin_lock_slow(spinlock_t *l);

static inline void spin_lock(spinlock_t *l)
{
	if (likely(!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)))
		return;
	nmm_spin_lock_slow(l);
}

static inline void spin_unlock(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
static inline bool spin_is_locked(spinlock_t *l) { return __atomic_load_n(&l->locked, __ATOMIC_RELAXED); }

#define spin_lock_irqsave(l, flags) do { (void)(flags); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)
#define spin_lock_irq(l) spin_lock(l)
#define spin_unlock_irq(l) spin_unlock(l)

#endif
