/* workloads/kvcache.c - a multithreaded in-memory key-value cache on numamm (issue 9).
 *
 *   kvcache/<memory>/threads:T
 *
 * A hash table of 256 lock-striped partitions (chained buckets, an LRU list per partition).
 * Values are 64, 128, 256, 512 or 1024 bytes, the size fixed per key (40/25/15/12/8 %), and each
 * item (header + value) comes from a kmem_cache of its size class. The load is cache-aside:
 * every thread draws keys from a zipfian distribution (theta 0.99 over 1 M keys) and does 90 %
 * gets (copy the value out; a miss sets the key) and 10 % sets (a new item replaces the old).
 * The items of 1 M keys (~280 MiB) do not fit: numamm is booted with 64 MiB, and eviction is a
 * registered shrinker (count = items, scan = drop the LRU tails, partition by partition) that
 * numamm's reclaim calls when the node runs low: kswapd in the background, direct reclaim
 * inside a kmem_cache_alloc that finds no page. A set whose allocation fails even so counts in
 * set_failed and the cache goes on.
 *
 * memory:
 *   slub, slab     numamm booted with "mem=64M hugepages=off slab=<memory>"
 *   glibc          the same table on malloc/free, evicting from the set path's own partition
 *                  while the bytes held exceed the same 64 MiB budget (what a malloc-based cache
 *                  does without a reclaim callback)
 *
 * Counters: ops_per_s (all threads), hit_ratio, get_* and set_* latency percentiles (ns, one op
 * in 8 timed), evictions, shrink_scans (shrinker calls), set_failed, items (at the end),
 * faults. The first quarter of the run is warm-up (not counted). NUMAMM_KVCACHE_MIB and
 * NUMAMM_KVCACHE_KEYS change the memory and the key space.
 */
#include "wl_common.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/gfp.h>
#include <numamm/linux/shrinker.h>
#include <numamm/linux/slab.h>
#include <numamm/linux/spinlock.h>
#include <numamm/numamm.h>

#include "bench_faults.h"

#define NPART 256
#define NCLASS 5
#define SAMPLE_MASK 7           /* time one op in 8 */

static const unsigned int class_len[NCLASS] = { 64, 128, 256, 512, 1024 };

enum kv_mem { KV_SLUB, KV_SLAB, KV_GLIBC, KV_NR };
static const char *const kv_mem_name[KV_NR] = { "slub", "slab", "glibc" };

struct item {
	struct item *hnext;             /* bucket chain */
	struct item *lprev, *lnext;     /* partition LRU: head = newest */
	uint64_t key;
	uint32_t len;
	uint32_t cls;
	char data[];
};

struct partition {
	spinlock_t lock;
	struct item lru;                /* dummy head */
	struct item **bucket;
	unsigned long nitems;
} __attribute__((aligned(64)));

struct kvcache {
	enum kv_mem mem;
	struct partition part[NPART];
	unsigned int nbuckets;          /* per partition, a power of two */
	struct kmem_cache *cache[NCLASS];
	struct shrinker shrinker;
	bool shrinker_on;
	unsigned int scan_next;         /* the partition the next scan starts at */
	uint64_t budget, bytes;         /* glibc: eviction threshold and bytes held */
	uint64_t evictions, shrink_scans;
};

static struct kvcache *kv;           /* the shrinker's callbacks find it here */

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static unsigned int key_class(uint64_t key)
{
	unsigned int r = (unsigned int)(hash64(key ^ 0x5bd1e995) % 100);
	return r < 40 ? 0 : r < 65 ? 1 : r < 80 ? 2 : r < 92 ? 3 : 4;
}

static size_t item_bytes(unsigned int cls)
{
	return sizeof(struct item) + class_len[cls];
}

static struct item *item_alloc(struct kvcache *c, unsigned int cls)
{
	if (c->mem == KV_GLIBC)
		return malloc(item_bytes(cls));
	return kmem_cache_alloc(c->cache[cls], GFP_KERNEL | __GFP_NOWARN);
}

static void item_free(struct kvcache *c, struct item *it)
{
	if (c->mem == KV_GLIBC) {
		__atomic_fetch_sub(&c->bytes, item_bytes(it->cls), __ATOMIC_RELAXED);
		free(it);
		return;
	}
	kmem_cache_free(c->cache[it->cls], it);
}

static void lru_del(struct item *it)
{
	it->lprev->lnext = it->lnext;
	it->lnext->lprev = it->lprev;
}

static void lru_add_head(struct partition *p, struct item *it)
{
	it->lnext = p->lru.lnext;
	it->lprev = &p->lru;
	p->lru.lnext->lprev = it;
	p->lru.lnext = it;
}

/* Unlink @it from its bucket (partition lock held). */
static void bucket_del(struct partition *p, struct item **slot)
{
	struct item *it = *slot;
	*slot = it->hnext;
	lru_del(it);
	p->nitems--;
}

static struct item **bucket_find(struct kvcache *c, struct partition *p, uint64_t h, uint64_t key)
{
	struct item **slot = &p->bucket[(h / NPART) & (c->nbuckets - 1)];
	while (*slot && (*slot)->key != key)
		slot = &(*slot)->hnext;
	return slot;
}

/* Drop the oldest item of @p; partition lock held. Return: the item to free, or NULL. */
static struct item *evict_one(struct kvcache *c, struct partition *p)
{
	struct item *old = p->lru.lprev;
	if (old == &p->lru)
		return NULL;
	uint64_t h = hash64(old->key);
	bucket_del(p, bucket_find(c, p, h, old->key));
	return old;
}

static unsigned long kv_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	unsigned long n = 0;
	for (int i = 0; i < NPART; i++)
		n += __atomic_load_n(&kv->part[i].nitems, __ATOMIC_RELAXED);
	return n ? n : SHRINK_EMPTY;
}

/* Evict nr_to_scan items, a few from each partition's LRU tail in turn. */
static unsigned long kv_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	struct kvcache *c = kv;
	unsigned long freed = 0, want = sc->nr_to_scan, empty = 0;
	unsigned int i = __atomic_fetch_add(&c->scan_next, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->shrink_scans, 1, __ATOMIC_RELAXED);
	while (freed < want && empty < NPART) {
		struct partition *p = &c->part[i++ % NPART];
		struct item *victims[8];
		unsigned int n = 0;
		spin_lock(&p->lock);
		while (n < 8 && freed + n < want && (victims[n] = evict_one(c, p)))
			n++;
		spin_unlock(&p->lock);
		empty = n ? 0 : empty + 1;
		for (unsigned int k = 0; k < n; k++)
			item_free(c, victims[k]);
		freed += n;
	}
	sc->nr_scanned = freed;
	__atomic_fetch_add(&c->evictions, freed, __ATOMIC_RELAXED);
	return freed ? freed : SHRINK_STOP;
}

static int kv_create(struct kvcache *c, enum kv_mem mem, uint64_t keys, uint64_t budget)
{
	memset(c, 0, sizeof(*c));
	c->mem = mem;
	c->budget = budget;
	unsigned int nb = 1;
	while ((uint64_t)nb * NPART < keys / 2)
		nb <<= 1;
	c->nbuckets = nb;
	for (int i = 0; i < NPART; i++) {
		struct partition *p = &c->part[i];
		spin_lock_init(&p->lock);
		p->lru.lnext = p->lru.lprev = &p->lru;
		p->bucket = calloc(nb, sizeof(*p->bucket));
		if (!p->bucket)
			return -1;
	}
	if (mem == KV_GLIBC)
		return 0;
	for (int k = 0; k < NCLASS; k++) {
		char name[32];
		snprintf(name, sizeof(name), "kv-%u", class_len[k]);
		c->cache[k] = kmem_cache_create(name, (unsigned int)item_bytes((unsigned int)k), 0, 0, NULL);
		if (!c->cache[k])
			return -1;
	}
	c->shrinker.count_objects = kv_count;
	c->shrinker.scan_objects = kv_scan;
	c->shrinker.seeks = DEFAULT_SEEKS;
	if (register_shrinker(&c->shrinker, "kvcache"))
		return -1;
	c->shrinker_on = true;
	return 0;
}

static void kv_destroy(struct kvcache *c)
{
	if (c->shrinker_on)
		unregister_shrinker(&c->shrinker);
	for (int i = 0; i < NPART; i++) {
		struct partition *p = &c->part[i];
		if (!p->bucket)
			continue;
		struct item *it;
		while ((it = evict_one(c, p)))
			item_free(c, it);
		free(p->bucket);
	}
	for (int k = 0; k < NCLASS; k++)
		if (c->cache[k])
			kmem_cache_destroy(c->cache[k]);
}

/* Set @key: a new item, then swapped in under the lock (the allocation may reclaim, which takes
 * partition locks: never allocate with one held). Return: false when no memory was found. */
static bool kv_set(struct kvcache *c, uint64_t key, uint64_t h, uint64_t stamp)
{
	unsigned int cls = key_class(key);
	struct item *it = item_alloc(c, cls), *old, *victim = NULL;
	if (!it)
		return false;
	it->key = key;
	it->cls = cls;
	it->len = class_len[cls];
	memset(it->data, (int)(stamp & 0xff), it->len);
	memcpy(it->data, &key, sizeof(key));
	struct partition *p = &c->part[h % NPART];
	if (c->mem == KV_GLIBC)
		__atomic_fetch_add(&c->bytes, item_bytes(cls), __ATOMIC_RELAXED);
	spin_lock(&p->lock);
	struct item **slot = bucket_find(c, p, h, key);
	old = *slot;
	if (old)
		bucket_del(p, slot);
	it->hnext = p->bucket[(h / NPART) & (c->nbuckets - 1)];
	p->bucket[(h / NPART) & (c->nbuckets - 1)] = it;
	lru_add_head(p, it);
	p->nitems++;
	if (c->mem == KV_GLIBC && __atomic_load_n(&c->bytes, __ATOMIC_RELAXED) > c->budget)
		victim = evict_one(c, p);
	spin_unlock(&p->lock);
	if (old)
		item_free(c, old);
	if (victim) {
		item_free(c, victim);
		__atomic_fetch_add(&c->evictions, 1, __ATOMIC_RELAXED);
	}
	return true;
}

/* Get @key into @out. Return: hit, and the value belongs to the key. */
static bool kv_get(struct kvcache *c, uint64_t key, uint64_t h, char *out, bool *corrupt)
{
	struct partition *p = &c->part[h % NPART];
	spin_lock(&p->lock);
	struct item *it = *bucket_find(c, p, h, key);
	if (it) {
		memcpy(out, it->data, it->len);
		lru_del(it);
		lru_add_head(p, it);
	}
	spin_unlock(&p->lock);
	if (it) {
		uint64_t k;
		memcpy(&k, out, sizeof(k));
		*corrupt = k != key;
	}
	return it != NULL;
}

struct kv_thread {
	pthread_t tid;
	int index;
	const struct wl_zipf *zipf;
	uint64_t warm_until, stop_at;
	uint64_t ops, gets, hits, sets, set_failed, corrupt;
	struct wl_hist get_lat, set_lat;
	struct bench_faults faults;
};

static void *kv_worker(void *arg)
{
	struct kv_thread *t = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(t->index + 1);
	char value[1024];
	bool counting = false;
	wl_pin(t->index);
	struct bench_faults f0;
	for (uint64_t n = 0;; n++) {
		if ((n & 255) == 0) {
			uint64_t now = wl_now_ns();
			if (now >= t->stop_at)
				break;
			if (!counting && now >= t->warm_until) {
				counting = true;
				bench_faults_now(&f0);
			}
		}
		uint64_t key = wl_zipf_next(t->zipf, &rng), h = hash64(key);
		bool sample = counting && (n & SAMPLE_MASK) == 0;
		uint64_t t0 = sample ? wl_now_ns() : 0;
		bool is_get = wl_rand(&rng) % 10 != 0, ok = true, corrupt = false, hit = false;
		if (is_get) {
			hit = kv_get(kv, key, h, value, &corrupt);
			if (!hit)
				ok = kv_set(kv, key, h, n);
		} else {
			ok = kv_set(kv, key, h, n);
		}
		if (!counting)
			continue;
		if (sample)
			wl_hist_add(is_get ? &t->get_lat : &t->set_lat, wl_now_ns() - t0);
		t->ops++;
		t->gets += is_get;
		t->hits += hit;
		t->sets += !is_get || !hit;
		t->set_failed += !ok;
		t->corrupt += corrupt;
	}
	if (counting)
		bench_faults_since(&f0, &t->faults);
	return NULL;
}

struct kv_case {
	enum kv_mem mem;
	int threads;
};

static char skip_msg[256];

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);
	return s && *s && strtoull(s, NULL, 0) ? strtoull(s, NULL, 0) : dflt;
}

static void bm_kvcache(gbench_state *st, void *user)
{
	const struct kv_case *kc = user;
	uint64_t mib = env_u64("NUMAMM_KVCACHE_MIB", 64), keys = env_u64("NUMAMM_KVCACHE_KEYS", 1 << 20);
	static struct wl_zipf zipf;
	static uint64_t zipf_keys;
	if (zipf_keys != keys) {
		wl_zipf_init(&zipf, keys, 0.99);
		zipf_keys = keys;
	}
	if (kc->mem != KV_GLIBC) {
		char line[128];
		snprintf(line, sizeof(line), "mem=%lluM hugepages=off slab=%s", (unsigned long long)mib,
			 kv_mem_name[kc->mem]);
		if (!nmm_booted() || strcmp(nmm_boot_cmdline(), line)) {
			if (nmm_booted())
				nmm_shutdown();
			if (nmm_boot(line)) {
				snprintf(skip_msg, sizeof(skip_msg), "nmm_boot(\"%s\"): %s", line, nmm_boot_strerror());
				gbench_skip(st, skip_msg);
				return;
			}
		}
	}
	struct kvcache *c = calloc(1, sizeof(*c));
	if (!c || (kv = c, kv_create(c, kc->mem, keys, mib << 20))) {
		if (c)
			kv_destroy(c);
		free(c);
		gbench_skip(st, "kvcache: cannot create the table or its caches");
		return;
	}
	struct kv_thread *t = calloc((size_t)kc->threads, sizeof(*t));
	double secs = wl_run_seconds();
	while (gbench_keep_running(st)) {
		uint64_t start = wl_now_ns(), warm = start + (uint64_t)(secs * 0.25e9);
		uint64_t stop = warm + (uint64_t)(secs * 1e9);
		for (int i = 0; i < kc->threads; i++) {
			t[i] = (struct kv_thread){ .index = i, .zipf = &zipf, .warm_until = warm, .stop_at = stop };
			pthread_create(&t[i].tid, NULL, kv_worker, &t[i]);
		}
		for (int i = 0; i < kc->threads; i++)
			pthread_join(t[i].tid, NULL);
		gbench_set_iteration_time(st, (double)(wl_now_ns() - warm) / 1e9);
	}
	struct kv_thread sum = { 0 };
	for (int i = 0; i < kc->threads; i++) {
		sum.ops += t[i].ops;
		sum.gets += t[i].gets;
		sum.hits += t[i].hits;
		sum.sets += t[i].sets;
		sum.set_failed += t[i].set_failed;
		sum.corrupt += t[i].corrupt;
		sum.faults.minflt += t[i].faults.minflt;
		wl_hist_merge(&sum.get_lat, &t[i].get_lat);
		wl_hist_merge(&sum.set_lat, &t[i].set_lat);
	}
	unsigned long items = 0;
	for (int i = 0; i < NPART; i++)
		items += c->part[i].nitems;
	gbench_counter(st, "ops_per_s", (double)sum.ops, GBENCH_COUNTER_RATE);
	gbench_counter(st, "hit_ratio", sum.gets ? (double)sum.hits / (double)sum.gets : 0, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "evictions", (double)c->evictions, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "shrink_scans", (double)c->shrink_scans, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "set_failed", (double)sum.set_failed, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "items", (double)items, GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "faults", (double)sum.faults.minflt, GBENCH_COUNTER_DEFAULT);
	wl_hist_report(st, "get", &sum.get_lat);
	wl_hist_report(st, "set", &sum.set_lat);
	gbench_set_items_processed(st, (int64_t)sum.ops);
	if (sum.corrupt) {
		snprintf(skip_msg, sizeof(skip_msg), "kvcache: %llu gets returned another key's value",
			 (unsigned long long)sum.corrupt);
		gbench_skip(st, skip_msg);
	}
	kv_destroy(c);
	kv = NULL;
	free(c);
	free(t);
}

GBENCH_CONSTRUCTOR(register_kvcache)
{
	for (int m = 0; m < KV_NR; m++)
		for (int threads = 1; threads <= 2; threads++) {
			struct kv_case *c = calloc(1, sizeof(*c));
			char name[64];
			*c = (struct kv_case){ (enum kv_mem)m, threads };
			snprintf(name, sizeof(name), "kvcache/%s/threads:%d", kv_mem_name[m], threads);
			gbench_b *b = gbench_register(name, bm_kvcache, c);
			gbench_iterations(b, 1);
			gbench_use_manual_time(b);
			gbench_unit(b, GBENCH_MS);
		}
}

int main(int argc, char **argv)
{
	return gbench_main(argc, argv);
}
