/* lib/percpu/mag.h - per-CPU magazines: small LIFO arrays of object pointers that the owning
 * CPU pushes and pops inside rseq critical sections — no lock, no atomic instruction — with a
 * per-thread magazine (plain code) for threads that have no rseq (valgrind, GLIBC_TUNABLES=
 * glibc.pthread.rseq=0, old kernels).
 *
 * The rseq ABI (kernel/rseq.c, include/uapi/linux/rseq.h): a thread points rseq->rseq_cs at a
 * descriptor {start_ip, post_commit_offset, abort_ip}; if the kernel preempts, migrates or
 * signals the thread while its IP is inside [start_ip, start_ip + post_commit_offset), it
 * restarts it at abort_ip (which must follow the 4-byte RSEQ_SIG). Our sequences compare the
 * CPU they indexed with rseq->cpu_id and end with a single instruction that writes the word —
 * the commit (a sub or add to memory, as the kernel's rseq selftests' addv: the kernel restarts
 * a sequence only between instructions, so it has either happened whole or not at all):
 *
 *   pop:   cpu == cpu_id? !locked? n = count; n > 0? obj = slot[n-1]; [commit] word -= 1
 *   push:  cpu == cpu_id? !locked? n = count; n < cap? slot[n] = obj; [commit] word += 1 | 1<<16
 *
 * The word is read whole and count taken from its low half in a register: a 16-bit load
 * straight from memory saves the push an instruction but measured 0.7 ns per pair slower on
 * the rseq path (AMD EPYC) and no faster on the per-thread path.
 * word packs count (bits 0..15) and pushes (bits 16..63), so the commit also counts frees.
 * Another CPU that must empty a magazine (drain) sets `locked` and fences with
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ), which restarts any sequence in flight;
 * restarted sequences then see `locked` and take the slow path.
 *
 * Invariant: 0 <= count <= cap <= NMM_MAG_SLOTS; slot[0..count) hold the objects.
 */
#ifndef NUMAMM_LIB_PERCPU_MAG_H
#define NUMAMM_LIB_PERCPU_MAG_H

#include <stdbool.h>
#include <stdint.h>

#include <numamm/cpu.h>
#include <numamm/linux/compiler.h>

#include <numamm/mag_types.h>

#define NMM_MAG_COUNT_MASK 0xffffUL
#define NMM_MAG_PUSH_ONE 0x10001UL        /* count + 1, pushes + 1 */

static inline unsigned int nmm_mag_count(const struct nmm_mag *m)
{
	return (unsigned int)(__atomic_load_n(&m->word, __ATOMIC_RELAXED) & NMM_MAG_COUNT_MASK);
}

static inline uint64_t nmm_mag_pushes(const struct nmm_mag *m)
{
	return __atomic_load_n(&m->word, __ATOMIC_RELAXED) >> 16;
}

#if NMM_HAVE_GLIBC_RSEQ && defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define NMM_HAVE_RSEQ_MAG 1

/* The rseq descriptor, the abort trampoline (signature first) and the start label.
 *
 * Every sequence built on it is an asm goto with NO output operands (as the kernel's rseq
 * selftests and librseq write them): memory it changes is an "m" input plus the "memory"
 * clobber, and a value it loads is stored through an "m" input (*out) before the commit.
 * gcc 12 miscompiles asm goto that has outputs and %fs-relative memory operands (the
 * rs->cpu_id / rs->rseq_cs operands here): the goto label is emitted as a jump to a label
 * that is never defined or to an unrelated block, and the caller's failure branch is
 * dropped. That is what lost SLAB's objects: cache_alloc_refill_cpu's "push failed, give the
 * batch back" branch was gone, so every refill that met a drainer's lock leaked its batch. */
#define NMM_RSEQ_CS_BEGIN(start, post, abort, abort_label)                                  \
	".pushsection __rseq_cs, \"aw\"\n\t"                                                \
	".balign 32\n\t"                                                                    \
	"9:\n\t"                                                                            \
	".long 0x0, 0x0\n\t"                                                                \
	".quad " #start "f, (" #post "f - " #start "f), " #abort "f\n\t"                    \
	".popsection\n\t"                                                                   \
	".pushsection __rseq_failure, \"ax\"\n\t"                                           \
	".byte 0x0f, 0xb9, 0x3d\n\t"                                                        \
	".long 0x53053053\n\t"                                                              \
	#abort ":\n\t"                                                                      \
	"jmp %l[" abort_label "]\n\t"                                                       \
	".popsection\n\t"                                                                   \
	"leaq 9b(%%rip), %%rax\n\t"                                                         \
	"movq %%rax, %[rseq_cs]\n\t"                                                        \
	#start ":\n\t"

/**
 * nmm_mag_pop_rseq - pop from @m, the magazine of CPU @cpu, if this thread runs on @cpu.
 * @out: the object, on success
 * Return: false when the magazine is empty or locked, or the thread was preempted, migrated or
 * signalled (the caller takes its slow path, which is always correct).
 */
static __always_inline bool nmm_mag_pop_rseq(struct rseq *rs, int cpu, struct nmm_mag *m, void **out)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movq %[word], %%rcx\n\t"
		     "andl $0xffff, %%ecx\n\t"   /* count, and ZF when empty */
		     "jz %l[fail]\n\t"
		     "movq -8(%[slots], %%rcx, 8), %%rcx\n\t"
		     "movq %%rcx, %[out]\n\t"
		     "subq $1, %[word]\n\t"
		     "2:\n\t"
		     : /* no outputs: NMM_RSEQ_ASM_NO_OUTPUTS */
		     : [word] "m" (m->word), [out] "m" (*out),
		       [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (m->locked), [slots] "r" (m->slot)
		     : "rax", "rcx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}

/**
 * nmm_mag_push_rseq - push @obj onto @m, the magazine of CPU @cpu, if this thread runs on @cpu.
 * Return: true when pushed; false when full or locked, or the sequence was restarted.
 */
static __always_inline bool nmm_mag_push_rseq(struct rseq *rs, int cpu, struct nmm_mag *m, void *obj)
{
	__asm__ goto(NMM_RSEQ_CS_BEGIN(1, 2, 4, "fail")
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz 4b\n\t"
		     "cmpl $0, %[locked]\n\t"
		     "jnz %l[fail]\n\t"
		     "movq %[word], %%rcx\n\t"
		     "movzwl %%cx, %%ecx\n\t"
		     "cmpl %[cap], %%ecx\n\t"
		     "jae %l[fail]\n\t"
		     "movq %[obj], (%[slots], %%rcx, 8)\n\t"
		     "addq $0x10001, %[word]\n\t"
		     "2:\n\t"
		     :
		     : [word] "m" (m->word), [cpu] "r" (cpu), [cpu_id] "m" (rs->cpu_id), [rseq_cs] "m" (rs->rseq_cs),
		       [locked] "m" (m->locked), [cap] "m" (m->cap), [slots] "r" (m->slot), [obj] "r" (obj)
		     : "rax", "rcx", "memory", "cc"
		     : fail);
	return true;
fail:
	return false;
}
#else
#define NMM_HAVE_RSEQ_MAG 0
#endif

/* Owner-only operations for per-thread magazines (no rseq, no other thread touches them). */
static __always_inline bool nmm_mag_pop_local(struct nmm_mag *m, void **out)
{
#if defined(__x86_64__)
	/* The same five instructions as the rseq pop, without the sequence: compilers otherwise
	 * recompute the slot address from scratch (measured: 10 instructions). */
	void *obj;
	__asm__ goto("movq %[word], %%rcx\n\t"
		     "andl $0xffff, %%ecx\n\t"   /* count, and ZF when empty */
		     "jz %l[empty]\n\t"
		     "movq 8(%[m], %%rcx, 8), %[obj]\n\t"   /* slot[n - 1]: slots start at 16 */
		     "subq $1, %[word]\n\t"
		     : [obj] "=&r" (obj), [word] "+m" (m->word)
		     : [m] "r" (m)
		     : "rcx", "cc", "memory"
		     : empty);
	*out = obj;
	return true;
empty:
	return false;
#else
	uint64_t w = m->word;
	unsigned int n = (uint16_t)w;
	if (unlikely(!n))
		return false;
	*out = m->slot[n - 1];
	__atomic_store_n(&m->word, w - 1, __ATOMIC_RELAXED);
	return true;
#endif
}

static __always_inline bool nmm_mag_push_local(struct nmm_mag *m, void *obj)
{
#if defined(__x86_64__)
	__asm__ goto("movq %[word], %%rcx\n\t"
		     "movzwl %%cx, %%ecx\n\t"
		     "cmpl %[cap], %%ecx\n\t"
		     "jae %l[full]\n\t"
		     "movq %[obj], 16(%[m], %%rcx, 8)\n\t"
		     "addq $0x10001, %[word]\n\t"
		     : [word] "+m" (m->word)
		     : [m] "r" (m), [obj] "r" (obj), [cap] "i" (NMM_MAG_SLOTS)
		     : "rcx", "cc", "memory"
		     : full);
	return true;
full:
	return false;
#else
	uint64_t w = m->word;
	unsigned int n = (uint16_t)w;
	if (unlikely(n >= NMM_MAG_SLOTS))   /* per-thread magazines always use every slot */
		return false;
	m->slot[n] = obj;
	__atomic_store_n(&m->word, w + NMM_MAG_PUSH_ONE, __ATOMIC_RELAXED);
	return true;
#endif
}

/* Remote draining (lib/percpu/mag.c): lock magazines, fence, take their objects, unlock. */
bool nmm_mag_fence_available(void);
void nmm_mag_lock(struct nmm_mag *m);
void nmm_mag_fence(void);   /* restart every rseq sequence in flight in this process */
void nmm_mag_unlock(struct nmm_mag *m);
/* With @m locked and fenced: move up to @max objects out into @out. Return: how many. */
unsigned int nmm_mag_take_locked(struct nmm_mag *m, void **out, unsigned int max);

#endif
