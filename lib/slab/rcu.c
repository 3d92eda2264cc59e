/* lib/slab/rcu.c - <linux/rcupdate.h> on liburcu-bp (the flavour for libraries: readers need
 * no registration).
 *
 * This file sees only liburcu's headers: they define `struct rcu_head` and map rcu_read_lock,
 * call_rcu... to urcu_bp_* with macros, which would collide with <numamm/linux/rcupdate.h>. Our
 * struct rcu_head has liburcu's layout (next, func), checked below, so the wrappers pass it on.
 */
#include <urcu-bp.h>

#undef rcu_read_lock
#undef rcu_read_unlock
#undef synchronize_rcu
#undef call_rcu
#undef rcu_barrier

_Static_assert(sizeof(struct rcu_head) == 2 * sizeof(void *), "liburcu rcu_head is (next, func)");
_Static_assert(__builtin_offsetof(struct rcu_head, func) == sizeof(void *), "func second");

/* The exported names of <numamm/linux/rcupdate.h>. */
void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void rcu_barrier(void);
void slab_rcu_barrier(void);

void rcu_read_lock(void)
{
	urcu_bp_read_lock();
}

void rcu_read_unlock(void)
{
	urcu_bp_read_unlock();
}

void synchronize_rcu(void)
{
	urcu_bp_synchronize_rcu();
}

static int rcu_callbacks_queued;

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	__atomic_store_n(&rcu_callbacks_queued, 1, __ATOMIC_RELAXED);
	urcu_bp_call_rcu(head, func);
}

void rcu_barrier(void)
{
	urcu_bp_barrier();
}

/* The slab layer's barrier: free when nothing was ever queued (no call_rcu thread to wake). */
void slab_rcu_barrier(void)
{
	if (__atomic_load_n(&rcu_callbacks_queued, __ATOMIC_RELAXED))
		urcu_bp_barrier();
}
