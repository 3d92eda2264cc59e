/* lib/malloc/dropin.h - the drop-in malloc's family under its nmm_dropin_* names
 * (numamm_malloc_dropin, built with dropin_names.h), for in-process tests and fuzzers that run
 * beside the process's own malloc. Same behaviour as the glibc names of libnumamm-malloc.so,
 * environment settings included (numamm/malloc_ext.h); numamm boots at the first allocation. */
#ifndef NUMAMM_LIB_MALLOC_DROPIN_H
#define NUMAMM_LIB_MALLOC_DROPIN_H

#include <malloc.h>
#include <stddef.h>

void *nmm_dropin_malloc(size_t n);
void nmm_dropin_free(void *p);
void *nmm_dropin_calloc(size_t nmemb, size_t size);
void *nmm_dropin_realloc(void *p, size_t n);
void *nmm_dropin_reallocarray(void *p, size_t nmemb, size_t size);
void *nmm_dropin_memalign(size_t align, size_t n);
void *nmm_dropin_aligned_alloc(size_t align, size_t n);
int nmm_dropin_posix_memalign(void **out, size_t align, size_t n);
void *nmm_dropin_valloc(size_t n);
void *nmm_dropin_pvalloc(size_t n);
size_t nmm_dropin_malloc_usable_size(void *p);
int nmm_dropin_malloc_trim(size_t pad);
struct mallinfo2 nmm_dropin_mallinfo2(void);
void nmm_dropin_malloc_stats(void);

#endif
