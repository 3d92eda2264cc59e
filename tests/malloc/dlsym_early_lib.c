/* dlsym_early_lib - preloaded ahead of the test program: its constructor, among the first code
 * of the process, calls dlsym(RTLD_NEXT/RTLD_DEFAULT) and takes dlsym's error path, both of which
 * allocate (calloc/malloc) inside the dynamic loader's lock — and so may be what boots numamm. */
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>

int dlsym_early_booted_before = -1;        /* 0: numamm was not up when the constructor ran */
int dlsym_early_ok;

__attribute__((constructor)) static void dlsym_early_init(void)
{
	dlsym_early_booted_before = mallinfo2().fordblks != 0;   /* free bytes exist once booted */
	void *next = dlsym(RTLD_NEXT, "malloc");
	void *missing = dlsym(RTLD_NEXT, "nmm_no_such_symbol");
	const char *err = dlerror();
	void *(*cal)(size_t, size_t) = (void *(*)(size_t, size_t))dlsym(RTLD_DEFAULT, "calloc");
	void *p = cal ? cal(3, 40) : NULL;
	dlsym_early_ok = next && !missing && err && p;
	free(p);
}
