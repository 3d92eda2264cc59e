/* lib/malloc/divert.c - glibc's own malloc entry points diverted to ours, for code that binds to
 * glibc's malloc instead of the interposed one.
 *
 * Who does: a library dlopen'ed with RTLD_DEEPBIND looks symbols up in its own scope (itself and
 * its dependencies, libc.so.6 among them) before the global scope that holds LD_PRELOAD objects
 * or libnumamm-malloc.so as a link dependency; so do libraries its dlopen brings in (libstdc++'s
 * operator new), and code that asks dlsym(libc handle, "malloc") or calls __libc_malloc. Their
 * pointers came from glibc's heap and ours went to glibc's free: "free(): invalid pointer".
 *
 * How: at boot (malloc_boot, before anything can have called glibc's malloc — the first
 * allocation of the process boots us), the first instruction of each of glibc's entry points
 * (malloc, free, calloc, realloc, ... as libc.so.6's dynamic symbol table has them) becomes a
 * jump to ours: `jmp rel32` when we are within ±2 GiB, else `jmp *0(%rip)` + the address, after
 * an `endbr64` if the function starts with one. Nothing ever returns into the rest of glibc's
 * function, so no instruction is moved. The text page is made writable (keeping it executable:
 * other threads may run code on it) for the write and given back PROT_READ|PROT_EXEC; it becomes
 * a private copy (one or two pages of RSS). All entry points or none: they are resolved and
 * checked (inside libc.so.6, long enough) before the first write.
 *
 * Why not patch the deep-bound library's GOT after a dlopen wrapper: the library's constructors
 * run inside dlopen, before any wrapper regains control, so their allocations would still come
 * from glibc's heap; a wrapper calling the real dlopen changes the caller dlopen sees (its
 * DT_RUNPATH/DT_RPATH, $ORIGIN and namespace); and a deep-bound library calling dlopen or
 * dlsym(RTLD_NEXT/handle) reaches libc's directly. Diverting at the target covers them all.
 *
 * Fallback (not x86-64, libc text not writable — W^X policies —, or NUMAMM_MALLOC_PATCH_LIBC=0;
 * said once under NUMAMM_MALLOC_DEBUG): glibc's entry points are left alone. Its malloc is then
 * told to use one arena and no mmap'ed chunks (mallopt M_ARENA_MAX=1, M_MMAP_MAX=0), so
 * everything it returns lies in the brk heap, which numamm never uses: a pointer none of ours
 * that lies in [brk at our boot, sbrk(0)) goes back to glibc — free to __libc_free,
 * malloc_usable_size to glibc's, realloc moves it into our heap. A pointer of ours freed by a
 * deep-bound library still reaches glibc's free and aborts there: only the diversion fixes that.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PAGE 4096UL

extern void *__libc_malloc(size_t);
extern int __libc_mallopt(int, int);

bool malloc_libc_diverted;
static uintptr_t libc_heap_lo;                 /* fallback only: brk when we booted */
static size_t (*libc_usable_size)(void *);

static const struct {
	const char *name;
	void *ours;
} entries[] = {
	{ "malloc", (void *)malloc_self_malloc },
	{ "free", (void *)malloc_self_free },
	{ "calloc", (void *)malloc_self_calloc },
	{ "realloc", (void *)malloc_self_realloc },
	{ "reallocarray", (void *)malloc_self_reallocarray },
	{ "memalign", (void *)malloc_self_memalign },
	{ "aligned_alloc", (void *)malloc_self_aligned_alloc },
	{ "posix_memalign", (void *)malloc_self_posix_memalign },
	{ "valloc", (void *)malloc_self_valloc },
	{ "pvalloc", (void *)malloc_self_pvalloc },
	{ "malloc_usable_size", (void *)malloc_self_malloc_usable_size },
	{ "malloc_trim", (void *)malloc_self_malloc_trim },
	{ "mallinfo", (void *)malloc_self_mallinfo },
	{ "mallinfo2", (void *)malloc_self_mallinfo2 },
	{ "malloc_stats", (void *)malloc_self_malloc_stats },
};
#define NR_ENTRIES (sizeof(entries) / sizeof(entries[0]))

/* libc.so.6's map, found without any libdl lookup: malloc_boot may run inside dlopen or
 * dlsym (their first allocation), where a nested dlopen trips the loader's state asserts, and
 * dlsym on a dependency's map (it has no search list) is not defined. */
static struct link_map *libc_map(void)
{
	Dl_info di;
	struct link_map *map = NULL;
	if (!dladdr1((void *)__libc_malloc, &di, (void **)&map, RTLD_DL_LINKMAP))
		return NULL;
	return map;
}

static uintptr_t dyn_ptr(const struct link_map *map, ElfW(Addr) p)
{
	return p < map->l_addr ? map->l_addr + p : p;   /* glibc relocates most d_ptr in place */
}

/* @name's default-version definition in @map's dynamic symbol table (DT_GNU_HASH), or NULL. */
static const ElfW(Sym) *dynsym_lookup(const struct link_map *map, const char *name)
{
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *gnu_hash = NULL;
	const ElfW(Half) *versym = NULL;
	for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB)
			symtab = (const ElfW(Sym) *)dyn_ptr(map, d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			strtab = (const char *)dyn_ptr(map, d->d_un.d_ptr);
		else if (d->d_tag == DT_GNU_HASH)
			gnu_hash = (const uint32_t *)dyn_ptr(map, d->d_un.d_ptr);
		else if (d->d_tag == DT_VERSYM)
			versym = (const ElfW(Half) *)dyn_ptr(map, d->d_un.d_ptr);
	}
	if (!symtab || !strtab || !gnu_hash)
		return NULL;
	uint32_t h = 5381;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = h * 33 + *c;
	uint32_t nbuckets = gnu_hash[0], symoffset = gnu_hash[1], bloom_size = gnu_hash[2];
	const uint32_t *buckets = gnu_hash + 4 + bloom_size * (sizeof(ElfW(Addr)) / 4);
	const uint32_t *chain = buckets + nbuckets;
	if (!nbuckets)
		return NULL;
	uint32_t i = buckets[h % nbuckets];
	if (i < symoffset)
		return NULL;
	for (;; i++) {
		uint32_t h2 = chain[i - symoffset];
		const ElfW(Sym) *sym = &symtab[i];
		if ((h | 1) == (h2 | 1) && !strcmp(strtab + sym->st_name, name) && sym->st_shndx != SHN_UNDEF &&
		    ELF64_ST_TYPE(sym->st_info) == STT_FUNC && (!versym || !(versym[i] & 0x8000)))
			return sym;
		if (h2 & 1)
			return NULL;
	}
}

#if defined(__x86_64__)
struct patch {
	unsigned char *fn;                     /* glibc's function */
	unsigned char *at;                     /* where the jump goes */
	unsigned char code[14];
	size_t len;
};

/* The jump to @to written over the start of a function at @fn of @size bytes. */
static int patch_prepare(struct patch *pt, unsigned char *fn, size_t size, void *to)
{
	static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	unsigned char *at = fn;
	if (size >= 4 && !memcmp(fn, endbr64, 4))
		at += 4;                       /* indirect calls must still land on an endbr64 */
	intptr_t rel = (intptr_t)to - (intptr_t)(at + 5);
	if (rel == (int32_t)rel) {
		int32_t r = (int32_t)rel;
		pt->code[0] = 0xe9;            /* jmp rel32 */
		memcpy(pt->code + 1, &r, 4);
		pt->len = 5;
	} else {
		static const unsigned char jmp_rip[6] = { 0xff, 0x25, 0, 0, 0, 0 };   /* jmp *0(%rip) */
		memcpy(pt->code, jmp_rip, 6);
		memcpy(pt->code + 6, &to, 8);
		pt->len = 14;
	}
	if ((size_t)(at - fn) + pt->len > size)
		return -ENOSPC;
	pt->fn = fn;
	pt->at = at;
	return 0;
}

static int text_protect(const struct patch *pt, int prot)
{
	uintptr_t lo = (uintptr_t)pt->at & ~(PAGE - 1);
	uintptr_t hi = ((uintptr_t)pt->at + pt->len + PAGE - 1) & ~(PAGE - 1);
	return mprotect((void *)lo, hi - lo, prot) ? -errno : 0;
}

/* 0 when every entry point of glibc's malloc family now jumps to ours, else -errno and none do;
 * @why says which step failed. */
static int divert(const char **why)
{
	*why = "libc.so.6 or its dynamic symbol table not found";
	struct link_map *libc = libc_map();
	if (!libc)
		return -ENOENT;
	struct patch pt[NR_ENTRIES];
	size_t n = 0;
	for (size_t i = 0; i < NR_ENTRIES; i++) {
		const ElfW(Sym) *sym = dynsym_lookup(libc, entries[i].name);
		if (!sym)
			continue;              /* an older glibc without it: nothing to divert */
		void *fn = (void *)(libc->l_addr + sym->st_value);
		bool alias = false;            /* aligned_alloc is memalign in some glibcs */
		for (size_t j = 0; j < n; j++)
			alias |= pt[j].fn == (unsigned char *)fn;
		if (alias)
			continue;
		*why = "a malloc entry point too short to patch";
		if (patch_prepare(&pt[n], fn, sym->st_size, entries[i].ours))
			return -ENOSPC;
		n++;
	}
	*why = "mprotect of libc.so.6's text refused";
	size_t done;
	int e = 0;
	for (done = 0; done < n; done++)
		if ((e = text_protect(&pt[done], PROT_READ | PROT_WRITE | PROT_EXEC)))
			break;
	if (e) {
		for (size_t i = 0; i < done; i++)
			text_protect(&pt[i], PROT_READ | PROT_EXEC);
		return e;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(pt[i].at, pt[i].code, pt[i].len);
		__builtin___clear_cache((char *)pt[i].at, (char *)pt[i].at + pt[i].len);
	}
	for (size_t i = 0; i < n; i++)
		text_protect(&pt[i], PROT_READ | PROT_EXEC);
	return 0;
}
#else
static int divert(const char **why)
{
	*why = "only x86-64 is supported";
	return -EOPNOTSUPP;
}
#endif

void malloc_divert_libc(void)
{
	const char *why = "NUMAMM_MALLOC_PATCH_LIBC=0";
	int e = -ECANCELED;
	if (malloc_cfg.patch_libc)
		e = divert(&why);
	if (!e) {
		malloc_libc_diverted = true;
		return;
	}
	/* the fallback: glibc's malloc keeps to the brk heap, whose pointers we can recognise */
	__libc_mallopt(M_ARENA_MAX, 1);
	__libc_mallopt(M_MMAP_MAX, 0);
	struct link_map *libc = libc_map();
	const ElfW(Sym) *sym = libc ? dynsym_lookup(libc, "malloc_usable_size") : NULL;
	if (sym)
		*(void **)&libc_usable_size = (void *)(libc->l_addr + sym->st_value);
	libc_heap_lo = (uintptr_t)sbrk(0);
	if (malloc_cfg.debug)
		fprintf(stderr, "numamm-malloc: glibc's malloc entry points not diverted (%s: %s); a library "
			"loaded with RTLD_DEEPBIND allocates from glibc's heap and must not free our "
			"pointers\n", why, strerror(-e));
}

bool libc_heap_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return libc_heap_lo && a >= libc_heap_lo && a < (uintptr_t)sbrk(0);
}

size_t libc_heap_usable_size(void *p)
{
	return libc_usable_size ? libc_usable_size(p) : 0;
}
