/* bench/bench_peers.h - other malloc implementations side by side in one benchmark process.
 *
 * glibc malloc is the process's own malloc. jemalloc, tcmalloc and mimalloc all define `malloc`,
 * so at most one of them could be linked in; instead each is dlopen()ed with RTLD_LOCAL (its
 * symbols stay out of the global scope, so nothing else in the process starts using it) and
 * called through its own entry points resolved from its handle:
 *
 *	glibc     malloc / free                       (the process's, from libc.so.6)
 *	jemalloc  malloc / free of libjemalloc.so.2    (jemalloc's standard entry points)
 *	tcmalloc  tc_malloc / tc_free of libtcmalloc_minimal.so.4
 *	mimalloc  mi_malloc / mi_free of libmimalloc.so.2
 *
 * Loading verifies that the entry points really live in that library (dladdr) and that what they
 * return belongs to it (sallocx / tc_malloc_size / mi_is_in_heap_region), and that glibc's heap
 * did not grow by what the peer handed out (mallinfo2), so no peer silently falls back to glibc.
 * The glibc slot refuses a malloc that is not libc's (an LD_PRELOAD'ed allocator) unless
 * NUMAMM_BENCH_PRELOAD_OK is set: then it measures the interposed malloc called the usual way,
 * which is how docs/bench.md checks that calling a peer through dlsym costs no more than
 * preloading it.
 *
 * jemalloc keeps ~2.6 KiB of initial-exec TLS, more than glibc's default static TLS surplus
 * for dlopen (512 B): bench_peers_reexec() restarts the process once with
 * GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 so that dlopen can place it.
 */
#ifndef NUMAMM_BENCH_PEERS_H
#define NUMAMM_BENCH_PEERS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bench_peer_id { BENCH_PEER_GLIBC, BENCH_PEER_JEMALLOC, BENCH_PEER_TCMALLOC, BENCH_PEER_MIMALLOC,
		     BENCH_NR_PEERS };

struct bench_peer {
	const char *name;               /* "glibc", "jemalloc", "tcmalloc", "mimalloc" */
	const char *soname;             /* what is dlopen()ed; NULL for glibc */
	void *(*malloc)(size_t size);   /* NULL when not loaded */
	void (*free)(void *p);
	char path[256];                 /* the file the entry points come from */
	char version[64];               /* the library's own version string, or the package's */
	char error[600];                /* why it is not loaded ("" when loaded) */
};

/* bench_peers_reexec - restart the process (execv of /proc/self/exe with the same @argv) once,
 * with GLIBC_TUNABLES extended by glibc.rtld.optional_static_tls=16384, unless that tunable is
 * already set. Call first thing in main(). Returns only when no restart was needed or execv
 * failed (then jemalloc may fail to load and its benchmarks say why). */
void bench_peers_reexec(char **argv);

/* bench_peers_load - load and verify every peer (once; later calls return at once). Not
 * thread-safe: call from main() before the benchmarks run. */
void bench_peers_load(void);

/* bench_peer - peer @id. ->name and ->soname are set from the start (bench-malloc preloads the
 * sonames without loading anything); the rest after bench_peers_load(): ->malloc is NULL and
 * ->error says why when it could not be loaded or failed verification. */
const struct bench_peer *bench_peer(enum bench_peer_id id);

/* bench_peers_context - add "peer_<name>" = "<path> <version>" or "unavailable: <error>" to the
 * Google Benchmark context. */
void bench_peers_context(void);

#ifdef __cplusplus
}
#endif
#endif
