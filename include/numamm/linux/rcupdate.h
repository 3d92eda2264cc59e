/* linux/rcupdate.h - read-copy update, as the kernel's API: numamm runs it on liburcu's
 * "bulletproof" flavour (urcu-bp), which needs no thread registration, so any thread may enter a
 * read-side critical section.
 *
 * SLAB_TYPESAFE_BY_RCU caches give a slab's pages back only after a grace period: a reader
 * inside rcu_read_lock() may find a freed object, but its memory stays an object of the same
 * type until the reader leaves.
 */
#ifndef NUMAMM_LINUX_RCUPDATE_H
#define NUMAMM_LINUX_RCUPDATE_H

#include "compiler.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The same shape as liburcu's struct rcu_head (and the kernel's callback_head). */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);

void rcu_read_lock(void);
void rcu_read_unlock(void);
/* synchronize_rcu - wait until every reader that was inside rcu_read_lock() has left.
 * Context: may sleep; not inside a read-side critical section. */
void synchronize_rcu(void);
/* call_rcu - run @func(@head) after a grace period, on liburcu's call_rcu thread. */
void call_rcu(struct rcu_head *head, rcu_callback_t func);
/* rcu_barrier - wait until every callback queued by call_rcu() so far has run. */
void rcu_barrier(void);

#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)

#ifdef __cplusplus
}
#endif

#endif
