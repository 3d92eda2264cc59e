/* lib/stats/shm.h - the layout of /dev/shm/numamm-<pid>, shared by the exporter (shm_export.c,
 * inside the observed process) and the reader (shm_reader.c, in numamm-stat/numamm-top).
 *
 *   +------------------------------+ 0
 *   | struct nmm_stats_shm         |  identity (magic, version, pid, start time, boot line),
 *   |                              |  then the request channel (reader, req_seq, resp_seq, ...)
 *   +------------------------------+ data_off
 *   | data[]: the last response    |  grows: the exporter ftruncate()s the file larger and
 *   |                              |  bumps size; both sides map NMM_STATS_SHM_MAX of address
 *   +------------------------------+ size      space once, so growth never moves a mapping
 *
 * Protocol (one request at a time; @reader serialises readers):
 *   reader:   CAS reader 0 -> own pid (or from a pid that is dead)
 *             write req[]; req_seq += 1 (release); futex_wake(req_seq)
 *             futex_wait(resp_seq) until resp_seq == the req_seq it wrote (acquire)
 *             copy data[0 .. resp_len); reader = 0
 *   exporter: futex_wait(req_seq) while req_seq == last answered
 *             copy req[]; render into data[]; resp_status, resp_len; resp_seq = req_seq
 *             (release); futex_wake(resp_seq)
 * Invariants: resp_len <= size - data_off once resp_seq is published; magic is stored last
 * (release) at creation, so a reader that sees it sees the whole identity.
 */
#ifndef NUMAMM_LIB_STATS_SHM_H
#define NUMAMM_LIB_STATS_SHM_H

#include <limits.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#define NMM_STATS_SHM_MAGIC 0x314d4d554d414e00ULL   /* "\0NAMUMM1" little-endian */
#define NMM_STATS_SHM_VERSION 1
#define NMM_STATS_SHM_PREFIX "numamm-"             /* /dev/shm/numamm-<pid> */
#define NMM_STATS_SHM_DIR "/dev/shm"
#define NMM_STATS_SHM_INITIAL (256UL << 10)
#define NMM_STATS_SHM_MAX (64UL << 20)
#define NMM_STATS_REQ_MAX 64

struct nmm_stats_shm {
	uint64_t magic;
	uint32_t version;
	uint32_t data_off;             /* offsetof(data): readers check it, not their sizeof */
	int32_t pid;
	uint32_t _pad0;
	uint64_t starttime;            /* /proc/<pid>/stat field 22 of the exporting process */
	char comm[16];
	char cmdline[256];
	uint64_t size;                 /* bytes of the file now (exporter grows it) */

	uint32_t reader __attribute__((aligned(64)));   /* pid holding the channel, 0: free */
	uint32_t req_seq;              /* futex: the last request written */
	uint32_t resp_seq;             /* futex: the last request answered */
	int32_t resp_status;           /* 0 or -errno */
	uint64_t resp_len;
	char req[NMM_STATS_REQ_MAX];
	char data[] __attribute__((aligned(64)));
};

/* Shared (not FUTEX_PRIVATE): the waiters are in two processes. */
static inline long nmm_stats_futex_wait(uint32_t *addr, uint32_t val, const struct timespec *rel)
{
	return syscall(SYS_futex, addr, FUTEX_WAIT, val, rel, NULL, 0);
}

static inline void nmm_stats_futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* nmm_stats_proc_stat - @pid's start time and state letter ('R', 'S', 'T', 'Z', ...) from
 * /proc/<pid>/stat. Return: 0, or -ESRCH when there is no such process. */
int nmm_stats_proc_stat(int pid, uint64_t *starttime, char *state);

#endif
