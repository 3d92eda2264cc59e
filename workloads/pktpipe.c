/* workloads/pktpipe.c - a packet pipeline in the style of a DPDK application (issue 9).
 *
 *   pktpipe/<buffers>/workers:W
 *
 * One RX thread (PU 0, node 0) takes 2 KiB packet buffers, writes a 1500-byte packet into each
 * (header: sequence number, RX timestamp) and passes it through a lock-free single-producer
 * single-consumer ring to one of W worker threads (round robin by burst), which checksums the
 * payload, checks the header and frees the buffer back home. Traffic comes in bursts: RX
 * receives 16384 packets as fast as it can, then idles until the rings are three-quarters
 * drained, like a NIC queue after an incast burst. A packet for which no buffer is found, or
 * whose ring is full, is dropped (counted), as a NIC drops it.
 *
 * numamm is booted with "mem=48M hugepages=off numa=fake=2": node 0 holds ~24 MiB, less than a
 * burst in flight (16384 x 2 KiB = 32 MiB), so bursts run the node out of buffers. Workers run
 * on the next PUs (node 1 with numa=fake=2), so every free is a remote free.
 *
 * buffers:
 *   mempool   mempool_create_node(1024, ..., node 0): the allocator is kmem_cache_alloc_node
 *             (node 0, __GFP_THISNODE: buffers never come from another node), then the
 *             1024-buffer reserve; mempool_alloc(GFP_ATOMIC) on RX, mempool_free on the workers
 *             (the reserve refills first).
 *   kmalloc   the same cache through kmem_cache_alloc_node / kmem_cache_free, no reserve.
 *
 * Counters: pkts_per_s (processed), drop_nomem, drop_ringfull, alloc_fn_failed (buffers the
 * allocator did not have: the reserve was asked), reserve_min (fewest buffers left in the
 * reserve), bad (header or checksum wrong: must be 0), latency from RX to worker (lat_*_ns).
 */
#include "wl_common.h"
#include "bench_pin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/mempool.h>
#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#define BUF_SIZE 2048
#define PKT_LEN 1500
#define RING_SIZE 16384u             /* per worker, a power of two */
#define BURST 16384
#define MAX_WORKERS 4
#define POOL_MIN 1024
#define BOOT_LINE "mem=48M hugepages=off numa=fake=2"

enum pk_buf { PK_MEMPOOL, PK_KMALLOC, PK_NR };
static const char *const pk_buf_name[PK_NR] = { "mempool", "kmalloc" };

struct pkt {
	uint64_t seq;
	uint64_t rx_ns;
	uint32_t len;
	uint32_t sum;                /* of payload[0 .. len) */
	unsigned char payload[];
};

/* Single producer, single consumer; head and tail on their own lines. */
struct ring {
	_Alignas(64) uint64_t head;           /* producer writes */
	_Alignas(64) uint64_t tail;           /* consumer writes */
	_Alignas(64) struct pkt *slot[RING_SIZE];
};

static bool ring_put(struct ring *r, struct pkt *p)
{
	uint64_t h = r->head;
	if (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= RING_SIZE)
		return false;
	r->slot[h & (RING_SIZE - 1)] = p;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	return true;
}

static struct pkt *ring_get(struct ring *r)
{
	uint64_t t = r->tail;
	if (t == __atomic_load_n(&r->head, __ATOMIC_ACQUIRE))
		return NULL;
	struct pkt *p = r->slot[t & (RING_SIZE - 1)];
	__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
	return p;
}

static uint64_t ring_used(struct ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}

struct pipe {
	enum pk_buf buf;
	int workers;
	struct kmem_cache *cache;
	mempool_t *pool;
	struct ring *ring[MAX_WORKERS];
	uint64_t stop_at;
	int rx_done;
	uint64_t alloc_fn_failed;
	int reserve_min;
};

static void *pool_alloc(gfp_t gfp, void *data)
{
	struct pipe *pp = data;
	void *p = kmem_cache_alloc_node(pp->cache, gfp | __GFP_THISNODE | __GFP_NOWARN, 0);
	if (!p)
		__atomic_fetch_add(&pp->alloc_fn_failed, 1, __ATOMIC_RELAXED);
	return p;
}

static void pool_free(void *elem, void *data)
{
	struct pipe *pp = data;
	kmem_cache_free(pp->cache, elem);
}

static struct pkt *buf_get(struct pipe *pp)
{
	if (pp->buf == PK_MEMPOOL)
		return mempool_alloc(pp->pool, GFP_ATOMIC);
	return kmem_cache_alloc_node(pp->cache, GFP_ATOMIC | __GFP_THISNODE | __GFP_NOWARN, 0);
}

static void buf_put(struct pipe *pp, struct pkt *p)
{
	if (pp->buf == PK_MEMPOOL)
		mempool_free(p, pp->pool);
	else
		kmem_cache_free(pp->cache, p);
}

static uint32_t checksum(const unsigned char *d, uint32_t len)
{
	uint32_t a = 1, b = 0;               /* Adler-style, the work a worker does per packet */
	for (uint32_t i = 0; i < len; i++) {
		a += d[i];
		b += a;
	}
	return (b << 16) ^ a;
}

struct rx_stats {
	uint64_t sent, drop_nomem, drop_ringfull;
};

struct worker {
	pthread_t tid;
	struct pipe *pp;
	int index;
	uint64_t done, bad;
	struct wl_hist lat;
};

static void rx_loop(struct pipe *pp, struct rx_stats *rs)
{
	uint64_t seq = 0;
	unsigned char pattern[PKT_LEN];
	for (int i = 0; i < PKT_LEN; i++)
		pattern[i] = (unsigned char)(i * 7);
	const uint32_t sum = checksum(pattern, PKT_LEN);
	while (wl_now_ns() < pp->stop_at) {
		for (int i = 0; i < BURST; i++) {
			struct ring *r = pp->ring[(i / 32) % pp->workers];
			struct pkt *p = buf_get(pp);
			if (!p) {
				rs->drop_nomem++;
				continue;
			}
			if (pp->buf == PK_MEMPOOL) {
				int left = __atomic_load_n(&pp->pool->curr_nr, __ATOMIC_RELAXED);
				if (left < pp->reserve_min)
					pp->reserve_min = left;
			}
			memcpy(p->payload, pattern, PKT_LEN);
			p->seq = seq++;
			p->len = PKT_LEN;
			p->sum = sum;
			p->rx_ns = wl_now_ns();
			if (!ring_put(r, p)) {
				buf_put(pp, p);
				rs->drop_ringfull++;
				continue;
			}
			rs->sent++;
		}
		/* Idle until the rings are three-quarters drained (or time is up). */
		for (;;) {
			uint64_t used = 0;
			for (int w = 0; w < pp->workers; w++)
				used += ring_used(pp->ring[w]);
			if (used <= BURST / 4 || wl_now_ns() >= pp->stop_at)
				break;
			__builtin_ia32_pause();
		}
	}
	__atomic_store_n(&pp->rx_done, 1, __ATOMIC_RELEASE);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipe *pp = w->pp;
	struct ring *r = pp->ring[w->index];
	wl_pin(1 + w->index);
	for (;;) {
		struct pkt *p = ring_get(r);
		if (!p) {
			if (__atomic_load_n(&pp->rx_done, __ATOMIC_ACQUIRE) && !ring_used(r))
				break;
			__builtin_ia32_pause();
			continue;
		}
		if (p->len != PKT_LEN || checksum(p->payload, p->len) != p->sum)
			w->bad++;
		if ((w->done & 7) == 0)
			wl_hist_add(&w->lat, wl_now_ns() - p->rx_ns);
		buf_put(pp, p);
		w->done++;
	}
	return NULL;
}

static char skip_msg[256];

static void bm_pktpipe(gbench_state *st, void *user)
{
	const int *arg = user;
	enum pk_buf buf = (enum pk_buf)arg[0];
	int workers = arg[1];
	if (!nmm_booted() || strcmp(nmm_boot_cmdline(), BOOT_LINE)) {
		if (nmm_booted())
			nmm_shutdown();
		if (nmm_boot(BOOT_LINE)) {
			snprintf(skip_msg, sizeof(skip_msg), "nmm_boot(\"%s\"): %s", BOOT_LINE, nmm_boot_strerror());
			gbench_skip(st, skip_msg);
			return;
		}
	}
	struct pipe pp = { .buf = buf, .workers = workers, .reserve_min = POOL_MIN };
	pp.cache = kmem_cache_create("pktbuf", BUF_SIZE, 64, 0, NULL);
	if (!pp.cache) {
		gbench_skip(st, "kmem_cache_create(pktbuf) failed");
		return;
	}
	if (buf == PK_MEMPOOL) {
		pp.pool = mempool_create_node(POOL_MIN, pool_alloc, pool_free, &pp, GFP_KERNEL, 0);
		if (!pp.pool) {
			kmem_cache_destroy(pp.cache);
			gbench_skip(st, "mempool_create_node(1024 buffers on node 0) failed");
			return;
		}
	}
	for (int i = 0; i < workers; i++)
		pp.ring[i] = aligned_alloc(64, sizeof(struct ring));
	struct worker w[MAX_WORKERS];
	struct rx_stats rs = { 0 };
	double secs = wl_run_seconds();
	uint64_t elapsed = 0;
	wl_pin(0);
	while (gbench_keep_running(st)) {
		for (int i = 0; i < workers; i++) {
			memset(pp.ring[i], 0, sizeof(struct ring));
			w[i] = (struct worker){ .pp = &pp, .index = i };
		}
		pp.rx_done = 0;
		uint64_t start = wl_now_ns();
		pp.stop_at = start + (uint64_t)(secs * 1e9);
		for (int i = 0; i < workers; i++)
			pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		rx_loop(&pp, &rs);
		for (int i = 0; i < workers; i++)
			pthread_join(w[i].tid, NULL);
		elapsed = wl_now_ns() - start;
		gbench_set_iteration_time(st, (double)elapsed / 1e9);
	}
	bench_unpin();
	struct wl_hist lat = { 0 };
	uint64_t done = 0, bad = 0;
	for (int i = 0; i < workers; i++) {
		done += w[i].done;
		bad += w[i].bad;
		wl_hist_merge(&lat, &w[i].lat);
	}
	gbench_counter(st, "pkts_per_s", (double)done, GBENCH_COUNTER_RATE);
	gbench_counter(st, "drop_nomem", (double)rs.drop_nomem, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "drop_ringfull", (double)rs.drop_ringfull, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "alloc_fn_failed", (double)pp.alloc_fn_failed, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "reserve_min", buf == PK_MEMPOOL ? pp.reserve_min : 0, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "bad", (double)bad, GBENCH_COUNTER_DEFAULT);
	wl_hist_report(st, "lat", &lat);
	gbench_set_items_processed(st, (int64_t)done);
	if (buf == PK_MEMPOOL)
		mempool_destroy(pp.pool);
	kmem_cache_destroy(pp.cache);
	for (int i = 0; i < workers; i++)
		free(pp.ring[i]);
	if (bad) {
		snprintf(skip_msg, sizeof(skip_msg), "pktpipe: %llu packets arrived damaged", (unsigned long long)bad);
		gbench_skip(st, skip_msg);
	} else if (done != rs.sent) {
		snprintf(skip_msg, sizeof(skip_msg), "pktpipe: %llu packets sent, %llu processed",
			 (unsigned long long)rs.sent, (unsigned long long)done);
		gbench_skip(st, skip_msg);
	}
}

GBENCH_CONSTRUCTOR(register_pktpipe)
{
	static int cases[PK_NR][2];
	for (int b = 0; b < PK_NR; b++) {
		char name[64];
		cases[b][0] = b;
		cases[b][1] = 1;
		snprintf(name, sizeof(name), "pktpipe/%s/workers:1", pk_buf_name[b]);
		gbench_b *bb = gbench_register(name, bm_pktpipe, cases[b]);
		gbench_iterations(bb, 1);
		gbench_use_manual_time(bb);
		gbench_unit(bb, GBENCH_MS);
	}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
