/* fault_api_sweep_no_leak: a workload over most of the allocation API — kmem_cache_create with
 * and without debug flags, objects, kmalloc from 8 bytes to 64 KiB, krealloc chains, kvmalloc,
 * vmalloc/vzalloc/vmalloc_node, alloc_pages_exact, __get_free_pages, mempools, a DMA pool and
 * coherent buffers on the RAM stand-in device — checks every NULL and frees what it got. Run
 * with the N-th call of one point failing (fail_page_alloc, failslab, fail_vmalloc,
 * fail_vmap_area), for every N up to a run where nothing failed, under each slab back end (on
 * shmem nodes, two THP nodes with the vmalloc pool, and a node with highmem; and SLUB with every
 * debug check on every cache):
 * after each run the free page count, the vmalloc areas and the device's mappings are as before. */
#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/dmapool.h>
#include <numamm/linux/mempool.h>

#include "ft.h"
#include "io/io.h"

static struct pci_dev *pdev;

static void ctor(void *p) { memset(p, 0x11, 72); }

static void workload(void)
{
	struct kmem_cache *a = kmem_cache_create("sweep-a", 72, 0, SLAB_HWCACHE_ALIGN, ctor);
	struct kmem_cache *d = kmem_cache_create("sweep-d", 300, 8, SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
						 NULL);
	void *o[40] = { 0 };
	for (int i = 0; i < 40; i++)
		if (i & 1 ? d : a)
			o[i] = kmem_cache_alloc(i & 1 ? d : a, GFP_KERNEL | __GFP_NOWARN);
	/* The last node's objects (remote on numa=fake=2: SLAB's alien arrays, SLUB's node
	 * partial lists), freed from here. */
	void *rn[10] = { 0 };
	for (int i = 0; i < 10 && a; i++)
		rn[i] = kmem_cache_alloc_node(a, GFP_KERNEL | __GFP_NOWARN, nr_node_ids - 1);
	for (int i = 0; i < 40; i++)
		if (o[i])
			kmem_cache_free(i & 1 ? d : a, o[i]);
	for (int i = 0; i < 10; i++)
		if (rn[i])
			kmem_cache_free(a, rn[i]);
	void *kn[8];
	for (int i = 0; i < 8; i++)
		kn[i] = kmalloc_node(200 << (i % 4), GFP_KERNEL | __GFP_NOWARN, nr_node_ids - 1);
	for (int i = 0; i < 8; i++)
		kfree(kn[i]);
	kmem_cache_destroy(a);
	kmem_cache_destroy(d);

	void *k[16] = { 0 };
	for (int i = 0; i < 14; i++)
		k[i] = kmalloc(8UL << i, GFP_KERNEL | __GFP_NOWARN);
	for (int i = 0; i < 14; i++)
		kfree(k[i]);
	char *r = kmalloc(16, GFP_KERNEL | __GFP_NOWARN);
	for (size_t n = 32; r && n <= 65536; n *= 2) {
		char *r2 = krealloc(r, n, GFP_KERNEL | __GFP_NOWARN);
		if (!r2)
			break;
		r = r2;
	}
	kfree(r);
	kvfree(kvmalloc(40000, GFP_KERNEL | __GFP_NOWARN));
	kvfree(kvmalloc(6000, GFP_KERNEL | __GFP_NOWARN));
	vfree(__vmalloc(300 * 1024, GFP_KERNEL | __GFP_NOWARN));
	vfree(__vmalloc(5 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN));
	vfree(vmalloc_node(9 * PAGE_SIZE, 0));
	void *e = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
	if (e)
		free_pages_exact(e, 5 * PAGE_SIZE);
	unsigned long g = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 3);
	if (g)
		free_pages(g, 3);

	mempool_t *mp = mempool_create_kmalloc_pool(3, 200);
	if (mp) {
		void *x = mempool_alloc(mp, GFP_NOWAIT);
		if (mempool_resize(mp, 6) == 0)
			mempool_resize(mp, 2);
		if (x)
			mempool_free(x, mp);
		mempool_destroy(mp);
	}
	mempool_t *pp = mempool_create_page_pool(2, 1);
	mempool_destroy(pp);

	struct device *dev = &pdev->dev;
	dma_addr_t h;
	void *c = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &h, GFP_KERNEL | __GFP_NOWARN);
	if (c)
		dma_free_coherent(dev, 3 * PAGE_SIZE, c, h);
	struct dma_pool *dp = dma_pool_create("sweep", dev, 48, 64, 0);
	if (dp) {
		dma_addr_t dh[70];
		void *b[70] = { 0 };
		for (int i = 0; i < 70; i++)
			b[i] = dma_pool_alloc(dp, GFP_KERNEL | __GFP_NOWARN, &dh[i]);
		for (int i = 0; i < 70; i++)
			if (b[i])
				dma_pool_free(dp, b[i], dh[i]);
		dma_pool_destroy(dp);
	}
}

int main(void)
{
	const char *backends[] = { "slub", "slab", "slob", "slub" };
	const char *layouts[] = { "mem=64M backing=shmem", "numa=fake=2 mem=64M backing=thp",
				  "mem=64M backing=shmem highmem=16M", "mem=64M backing=shmem slub_debug=FZPU" };
	const int points[] = { NMM_FAULT_PAGE_ALLOC, NMM_FAULT_SLAB, NMM_FAULT_VMALLOC, NMM_FAULT_VMAP_AREA };
	static const u64 bar_start[1] = { 0xfe000000 }, bar_size[1] = { 1 << 20 };
	char line[128];
	for (int b = 0; b < 4; b++) {
		snprintf(line, sizeof(line), "%s slab=%s", layouts[b], backends[b]);
		ft_boot(line);
		pdev = nmm_io_ramdev_open("0000:00:08.0", 0x1234, 0x11e8, bar_start, bar_size, 1);
		REQUIRE(pdev);
		workload();   /* first-use costs (lazily created caches, the pool's first block) settled */
		unsigned long start = ft_free_pages();
		for (int p = 0; p < 4; p++) {
			int nth = 1;
			for (; nth <= 2000; nth++) {
				struct nmm_fault_attr at = ft_nth((unsigned long)nth);
				ft_set(points[p], at);
				workload();
				bool hit = nmm_fault_injected(points[p]);
				nmm_fault_set(points[p], NULL);
				unsigned long now = ft_free_pages();
				struct nmm_vmalloc_stats st;
				nmm_vmalloc_stats(&st);
				if (now != start || st.busy_areas) {
					fprintf(stderr, "slab=%s %s call %d failing: free pages %lu (were %lu), "
						"%lu vmalloc areas busy\n", backends[b], nmm_fault_name(points[p]), nth,
						now, start, st.busy_areas);
					test_failures++;
					start = now;
				}
				if (!hit)
					break;
			}
			fprintf(stderr, "slab=%s %s: %d runs\n", backends[b], nmm_fault_name(points[p]), nth);
			CHECK(nth > 1 && nth <= 2000);
		}
		CHECK_EQ(nmm_pci_close(pdev), 0);
		nmm_shutdown();
	}
	return test_done();
}
