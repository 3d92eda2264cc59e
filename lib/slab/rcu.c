/* lib/slab/rcu.c - <linux/rcupdate.h> on liburcu-bp (the flavour for libraries: readers need
 * no registration).
 *
 * This file sees only liburcu's headers: they define `struct rcu_head` and map rcu_read_lock,
 * call_rcu... to urcu_bp_* with macros, which would collide with <numamm/linux/rcupdate.h>. Our
 * struct rcu_head has liburcu's layout (next, func), checked below, so the wrappers pass it on.
 */
#include <stdlib.h>

#include <urcu-bp.h>

#if defined(__SANITIZE_THREAD__)
#define NMM_RCU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NMM_RCU_TSAN 1
#endif
#endif
#ifdef NMM_RCU_TSAN
#include <sanitizer/tsan_interface.h>
#endif

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

/*
 * TSan cannot see liburcu's ordering (the library is not instrumented): tell it what RCU
 * guarantees. A reader's accesses happen before the end of any grace period that waited for it
 * (release at unlock, acquire after synchronize_rcu), and whatever a thread did before
 * call_rcu() happens before the callback (release at call_rcu, acquire in a trampoline).
 */
#ifdef NMM_RCU_TSAN
static char rcu_tsan_grace;
static char rcu_tsan_done;      /* callbacks that ran → rcu_barrier() returning */

/* The one TSan suppression numamm carries, and why: liburcu-bp is not instrumented, so the
 * hand-offs inside liburcu itself (rcu_barrier's completion allocated by the caller and freed
 * by its call_rcu thread, synchronised by futexes and uatomic ops TSan cannot see) look like
 * races on liburcu's own heap objects. Only allocations/frees called from that library are
 * ignored; our side of RCU is annotated above. */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:liburcu-bp.so\n";
}
#endif

void rcu_read_unlock(void)
{
#ifdef NMM_RCU_TSAN
	__tsan_release(&rcu_tsan_grace);
#endif
	urcu_bp_read_unlock();
}

void synchronize_rcu(void)
{
	urcu_bp_synchronize_rcu();
#ifdef NMM_RCU_TSAN
	__tsan_acquire(&rcu_tsan_grace);
#endif
}

static int rcu_callbacks_queued;

#ifdef NMM_RCU_TSAN
struct tsan_rcu {
	struct rcu_head head;           /* liburcu's */
	struct rcu_head *user;
	void (*func)(struct rcu_head *head);
};

static void tsan_rcu_trampoline(struct rcu_head *head)
{
	struct tsan_rcu *t = (struct tsan_rcu *)head;
	__tsan_acquire(t);
	__tsan_acquire(t->user);
	__tsan_acquire(&rcu_tsan_grace);
	t->func(t->user);
	free(t);
	__tsan_release(&rcu_tsan_done);
}
#endif

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	__atomic_store_n(&rcu_callbacks_queued, 1, __ATOMIC_RELAXED);
#ifdef NMM_RCU_TSAN
	struct tsan_rcu *t = malloc(sizeof(*t));
	if (t) {
		t->user = head;
		t->func = func;
		__tsan_release(head);
		__tsan_release(t);
		urcu_bp_call_rcu(&t->head, tsan_rcu_trampoline);
		return;
	}
#endif
	urcu_bp_call_rcu(head, func);
}

void rcu_barrier(void)
{
	urcu_bp_barrier();
#ifdef NMM_RCU_TSAN
	__tsan_acquire(&rcu_tsan_done);
#endif
}

/* The slab layer's barrier: free when nothing was ever queued (no call_rcu thread to wake). */
void slab_rcu_barrier(void)
{
	if (__atomic_load_n(&rcu_callbacks_queued, __ATOMIC_RELAXED))
		rcu_barrier();
}
