/* workloads/uring_io.c - io_uring file I/O into registered fixed buffers (issue 9).
 *
 *   uring_io/<buffers>/<op>/bs:<KiB>
 *
 * QD (32) I/Os in flight on one io_uring (liburing), each into its own registered buffer
 * (io_uring_register_buffers, IORING_OP_READ_FIXED / WRITE_FIXED) of bs bytes, at random
 * bs-aligned offsets of a 128 MiB file (written once at start-up; buffered I/O, so reads come
 * from the page cache: the copy into the buffers is what is measured, which is where the
 * buffers' memory - its node and page size - shows). One thread, pinned to PU 0, node 0.
 *
 * buffers:
 *   numamm   one block of QD x bs from alloc_pages_node(0, GFP_KERNEL, order) in numamm's linear
 *            map, booted with "mem=256M" (hugetlb backing when 2 MiB pages are reserved, else
 *            shmem: the counter hugetlb says which)
 *   malloc   the same bytes from glibc's aligned_alloc(4096, ...)
 *
 * Counters: MiB_per_s, iops, lat_*_ns (submission to completion of each I/O), hugetlb.
 * NUMAMM_URING_DIR is where the file goes (default /var/tmp); it is removed afterwards.
 */
#include "wl_common.h"
#include "bench_pin.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>
#include <numamm/numamm.h>

#define QD 32
#define FILE_BYTES (128ull << 20)
#define BOOT_LINE "mem=256M"

enum ur_buf { UR_NUMAMM, UR_MALLOC, UR_NR };
static const char *const ur_buf_name[UR_NR] = { "numamm", "malloc" };

struct ur_case {
	enum ur_buf buf;
	bool write;
	unsigned int bs;
};

static char skip_msg[512];
static char file_path[256];
static int file_fd = -1;

static int file_setup(void)
{
	if (file_fd >= 0)
		return 0;
	const char *dir = getenv("NUMAMM_URING_DIR");
	snprintf(file_path, sizeof(file_path), "%s/numamm-uring-XXXXXX", dir && *dir ? dir : "/var/tmp");
	int fd = mkstemp(file_path);
	if (fd < 0)
		return -errno;
	char *chunk = malloc(1 << 20);
	if (!chunk) {
		close(fd);
		unlink(file_path);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < (1 << 20); i++)
		chunk[i] = (char)(i * 31);
	for (uint64_t off = 0; off < FILE_BYTES; off += 1 << 20)
		if (pwrite(fd, chunk, 1 << 20, (off_t)off) != 1 << 20) {
			int e = errno ? -errno : -EIO;
			free(chunk);
			close(fd);
			unlink(file_path);
			return e;
		}
	free(chunk);
	file_fd = fd;
	return 0;
}

__attribute__((destructor)) static void file_cleanup(void)
{
	if (file_fd >= 0) {
		close(file_fd);
		unlink(file_path);
	}
}

static unsigned int order_for(size_t bytes)
{
	unsigned int order = 0;
	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static void bm_uring(gbench_state *st, void *user)
{
	const struct ur_case *uc = user;
	size_t bytes = (size_t)QD * uc->bs;
	int rc = file_setup();
	if (rc) {
		snprintf(skip_msg, sizeof(skip_msg), "cannot make the %llu MiB test file in %s: %s",
			 (unsigned long long)(FILE_BYTES >> 20), file_path, strerror(-rc));
		gbench_skip(st, skip_msg);
		return;
	}
	struct page *block = NULL;
	char *mem;
	if (uc->buf == UR_NUMAMM) {
		if (!nmm_booted() || strcmp(nmm_boot_cmdline(), BOOT_LINE)) {
			if (nmm_booted())
				nmm_shutdown();
			if (nmm_boot(BOOT_LINE)) {
				snprintf(skip_msg, sizeof(skip_msg), "nmm_boot(\"%s\"): %s", BOOT_LINE, nmm_boot_strerror());
				gbench_skip(st, skip_msg);
				return;
			}
		}
		block = alloc_pages_node(0, GFP_KERNEL, order_for(bytes));
		if (!block) {
			gbench_skip(st, "alloc_pages_node(0, GFP_KERNEL, order) found no block");
			return;
		}
		mem = page_address(block);
	} else {
		mem = aligned_alloc(4096, bytes);
		if (!mem) {
			gbench_skip(st, "aligned_alloc failed");
			return;
		}
	}
	memset(mem, 0x5a, bytes);
	struct io_uring ring;
	rc = io_uring_queue_init(QD, &ring, 0);
	struct iovec iov[QD];
	for (int i = 0; i < QD; i++)
		iov[i] = (struct iovec){ .iov_base = mem + (size_t)i * uc->bs, .iov_len = uc->bs };
	if (!rc) {
		rc = io_uring_register_buffers(&ring, iov, QD);
		if (rc)
			io_uring_queue_exit(&ring);
	}
	if (rc) {
		snprintf(skip_msg, sizeof(skip_msg), "io_uring_%s: %s", rc == -ENOMEM ? "register_buffers" : "queue_init/register",
			 strerror(-rc));
		gbench_skip(st, skip_msg);
		goto out_mem;
	}
	wl_pin(0);
	uint64_t rng = 0x243f6a8885a308d3ull, blocks = FILE_BYTES / uc->bs, done = 0, errors = 0;
	uint64_t submitted_at[QD];
	struct wl_hist lat = { 0 };
	double secs = wl_run_seconds();
	while (gbench_keep_running(st)) {
		uint64_t start = wl_now_ns(), stop = start + (uint64_t)(secs * 1e9);
		int inflight = 0;
		for (int i = 0; i < QD; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			off_t off = (off_t)((wl_rand(&rng) % blocks) * uc->bs);
			if (uc->write)
				io_uring_prep_write_fixed(sqe, file_fd, iov[i].iov_base, uc->bs, off, i);
			else
				io_uring_prep_read_fixed(sqe, file_fd, iov[i].iov_base, uc->bs, off, i);
			io_uring_sqe_set_data64(sqe, (uint64_t)i);
			submitted_at[i] = wl_now_ns();
			inflight++;
		}
		io_uring_submit(&ring);
		bool stopping = false;
		while (inflight) {
			struct io_uring_cqe *cqe;
			if (io_uring_wait_cqe(&ring, &cqe))
				break;
			int slot = (int)io_uring_cqe_get_data64(cqe);
			uint64_t now = wl_now_ns();
			if (cqe->res != (int)uc->bs)
				errors++;
			wl_hist_add(&lat, now - submitted_at[slot]);
			io_uring_cqe_seen(&ring, cqe);
			inflight--;
			done++;
			if (!stopping && now >= stop)
				stopping = true;
			if (stopping)
				continue;
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			off_t off = (off_t)((wl_rand(&rng) % blocks) * uc->bs);
			if (uc->write)
				io_uring_prep_write_fixed(sqe, file_fd, iov[slot].iov_base, uc->bs, off, slot);
			else
				io_uring_prep_read_fixed(sqe, file_fd, iov[slot].iov_base, uc->bs, off, slot);
			io_uring_sqe_set_data64(sqe, (uint64_t)slot);
			submitted_at[slot] = wl_now_ns();
			inflight++;
			io_uring_submit(&ring);
		}
		gbench_set_iteration_time(st, (double)(wl_now_ns() - start) / 1e9);
	}
	bench_unpin();
	gbench_counter(st, "iops", (double)done, GBENCH_COUNTER_RATE);
	gbench_counter(st, "MiB_per_s", (double)done * uc->bs / (1 << 20), GBENCH_COUNTER_RATE);
	struct nmm_node_info ni;
	bool huge = uc->buf == UR_NUMAMM && !nmm_node_info(0, &ni) && ni.backing == NMM_BACKING_HUGETLB;
	gbench_counter(st, "hugetlb", huge, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "errors", (double)errors, GBENCH_COUNTER_DEFAULT);
	wl_hist_report(st, "lat", &lat);
	gbench_set_bytes_processed(st, (int64_t)(done * uc->bs));
	if (errors) {
		snprintf(skip_msg, sizeof(skip_msg), "uring_io: %llu I/Os returned short or failed",
			 (unsigned long long)errors);
		gbench_skip(st, skip_msg);
	}
	io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
out_mem:
	if (block)
		__free_pages(block, order_for(bytes));
	else
		free(mem);
}

GBENCH_CONSTRUCTOR(register_uring)
{
	static const unsigned int bs_kib[] = { 4, 64 };
	for (int b = 0; b < UR_NR; b++)
		for (int w = 0; w <= 1; w++)
			for (size_t k = 0; k < sizeof(bs_kib) / sizeof(bs_kib[0]); k++) {
				struct ur_case *c = calloc(1, sizeof(*c));
				char name[80];
				*c = (struct ur_case){ (enum ur_buf)b, w, bs_kib[k] << 10 };
				snprintf(name, sizeof(name), "uring_io/%s/%s/bs:%u", ur_buf_name[b],
					 w ? "write" : "read", bs_kib[k]);
				gbench_b *bb = gbench_register(name, bm_uring, c);
				gbench_iterations(bb, 1);
				gbench_use_manual_time(bb);
				gbench_unit(bb, GBENCH_MS);
			}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
