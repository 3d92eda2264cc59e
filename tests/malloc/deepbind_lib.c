/* deepbind_lib - a library the malloc tests dlopen with RTLD_DEEPBIND: its own scope (itself,
 * libc.so.6) comes before the global one, so its malloc family binds to glibc's entry points,
 * not to the preloaded or linked libnumamm-malloc.so. Its constructor allocates, as real
 * libraries' constructors do; its destructor frees what the constructor kept. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static void *ctor_small, *ctor_big;

__attribute__((constructor)) static void deepbind_lib_init(void)
{
	ctor_small = malloc(72);
	if (ctor_small)
		strcpy(ctor_small, "from the constructor");
	ctor_big = malloc(1 << 20);               /* above any small-size heap: its own mapping */
	if (ctor_big)
		memset(ctor_big, 0x5a, 1 << 20);
}

__attribute__((destructor)) static void deepbind_lib_fini(void)
{
	free(ctor_small);
	free(ctor_big);
}

/* The constructor's pointers, handed over: the caller frees them from now on. */
void *lib_take_ctor_small(void) { void *p = ctor_small; ctor_small = NULL; return p; }
void *lib_take_ctor_big(void) { void *p = ctor_big; ctor_big = NULL; return p; }

/* The address this library's code calls for malloc: glibc's when it is really deep-bound. */
void *lib_malloc_addr(void) { return (void *)&malloc; }

void *lib_malloc(size_t n) { return malloc(n); }
void *lib_calloc(size_t a, size_t b) { return calloc(a, b); }
void *lib_realloc(void *p, size_t n) { return realloc(p, n); }
void lib_free(void *p) { free(p); }
size_t lib_usable_size(void *p) { return malloc_usable_size(p); }
void *lib_memalign(size_t a, size_t n) { return memalign(a, n); }
void *lib_aligned_alloc(size_t a, size_t n) { return aligned_alloc(a, n); }
int lib_posix_memalign(void **out, size_t a, size_t n) { return posix_memalign(out, a, n); }
char *lib_strdup(const char *s) { return strdup(s); }     /* libc's own internal malloc call */
