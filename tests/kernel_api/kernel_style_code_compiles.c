/* kernel_style_code_compiles: code written for the kernel's headers — <linux/gfp.h>,
 * <linux/mm.h>, <linux/mmzone.h>, <linux/memblock.h>, <linux/highmem.h>, <linux/shrinker.h>,
 * <linux/list.h>, <linux/sizes.h>, <linux/slab.h>, <linux/mempool.h>, <linux/rcupdate.h>,
 * <linux/vmalloc.h> — builds unchanged against numamm's kernel include path
 * (pkg-config numamm-kernel / the numamm_kernel CMake target) next to glibc's own headers, and
 * runs: the helpers below are written the way a driver would write them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/memblock.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <numamm/numamm.h>

struct my_buf {
	struct list_head node;
	struct page *page;
};

static LIST_HEAD(bufs);

static int my_fill(int n, gfp_t gfp)
{
	for (int i = 0; i < n; i++) {
		struct page *page = alloc_page(gfp);
		if (!page)
			return -ENOMEM;
		struct my_buf *b = page_address(page);   /* the buffer lives in its own page */
		b->page = page;
		list_add_tail(&b->node, &bufs);
	}
	return 0;
}

static unsigned long my_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	unsigned long n = 0;
	struct list_head *pos;
	list_for_each(pos, &bufs)
		n++;
	return n;
}

static unsigned long my_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	unsigned long freed = 0;
	struct my_buf *b, *tmp;
	list_for_each_entry_safe(b, tmp, &bufs, node) {
		if (freed == sc->nr_to_scan)
			break;
		list_del(&b->node);
		__free_page(b->page);
		freed++;
	}
	return freed;
}

struct my_req {
	struct list_head node;
	int id;
	char name[20];
};

/* The slab, mempool, RCU and vmalloc APIs, used the way a driver uses them. */
static int my_objects(void)
{
	struct kmem_cache *cache = KMEM_CACHE(my_req, SLAB_HWCACHE_ALIGN);
	if (!cache)
		return -ENOMEM;
	mempool_t *pool = mempool_create_slab_pool(4, cache);
	struct my_req *r = pool ? mempool_alloc(pool, GFP_KERNEL) : NULL;
	char *name = kstrdup("req", GFP_KERNEL);
	int *ids = kcalloc(16, sizeof(*ids), GFP_KERNEL);
	void *big = vzalloc(SZ_1M);
	int ret = (r && name && ids && big) ? 0 : -ENOMEM;
	if (r) {
		r->id = 1;
		rcu_read_lock();
		ret |= READ_ONCE(r->id) == 1 ? 0 : -EINVAL;
		rcu_read_unlock();
		mempool_free(r, pool);
	}
	vfree(big);
	kfree(ids);
	kfree(name);
	mempool_destroy(pool);
	kmem_cache_destroy(cache);
	return ret;
}

static struct shrinker my_shrinker = { .count_objects = my_count, .scan_objects = my_scan,
				       .seeks = DEFAULT_SEEKS };

int main(void)
{
	/* No init call: kernel-style code just allocates; numamm boots itself on first use. */
	if (my_fill(64, GFP_KERNEL)) {
		fprintf(stderr, "alloc_page failed\n");
		return 1;
	}
	if (register_shrinker(&my_shrinker, "my-bufs"))
		return 1;
	if (my_count(NULL, NULL) != 64)
		return 1;
	struct page *hp = alloc_page(GFP_HIGHUSER);
	if (!hp)
		return 1;
	void *v = kmap_local_page(hp);
	memset(v, 0x5a, SZ_4K);
	kunmap_local(v);
	__free_page(hp);
	if (memblock_phys_mem_size() == 0 || !pfn_valid(PHYS_PFN(memblock_start_of_DRAM() + SZ_16M)))
		return 1;
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nr_to_scan = 64 };
	if (my_scan(&my_shrinker, &sc) != 64)
		return 1;
	unregister_shrinker(&my_shrinker);
	if (my_objects())
		return 1;
	nmm_shutdown();
	return 0;
}
