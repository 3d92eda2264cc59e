/* lib/malloc/dropin_names.h - the malloc family under nmm_dropin_* names: force-included
 * (-include) into lib/malloc's sources to build numamm_malloc_dropin, a static library for code
 * that drives our malloc in a process whose malloc is another one (glibc's, or ASan's and TSan's
 * under the sanitizers): fuzz_malloc_ops and its replay test. The code is libnumamm-malloc.so's;
 * only the names differ, and glibc's entry points are left alone (config.c does not call
 * malloc_divert_libc: they are not ours to divert). Callers declare the names through
 * lib/malloc/dropin.h.
 */
#ifndef NUMAMM_LIB_MALLOC_DROPIN_NAMES_H
#define NUMAMM_LIB_MALLOC_DROPIN_NAMES_H

#define NMM_MALLOC_DROPIN 1

/* Object-like on purpose: the definitions, the declarations in <stdlib.h> and <malloc.h> and
 * the calls inside lib/malloc all change together. */
#define malloc nmm_dropin_malloc
#define free nmm_dropin_free
#define calloc nmm_dropin_calloc
#define realloc nmm_dropin_realloc
#define reallocarray nmm_dropin_reallocarray
#define memalign nmm_dropin_memalign
#define aligned_alloc nmm_dropin_aligned_alloc
#define posix_memalign nmm_dropin_posix_memalign
#define valloc nmm_dropin_valloc
#define pvalloc nmm_dropin_pvalloc
#define malloc_usable_size nmm_dropin_malloc_usable_size
#define malloc_trim nmm_dropin_malloc_trim
#define mallinfo nmm_dropin_mallinfo
#define mallinfo2 nmm_dropin_mallinfo2
#define malloc_stats nmm_dropin_malloc_stats

#endif
