/* trace_perf_sees_io_events: perf sees the io layer's USDT probes (ioremap, iounmap,
 * dma_map_page, dma_unmap_page, dma_alloc, dma_free), and they are off (semaphore 0, nop site)
 * when nobody traces.
 *
 * "workload N": on the RAM stand-in device (lib/io/ramdev.c: the host has no VFIO), N times
 * ioremap 4096 bytes of BAR0 and iounmap it, dma_map_single 4096 bytes and unmap them,
 * dma_alloc_coherent 4096 bytes and free them. The driver (root) runs it untraced, then under
 * `perf record` with the six probes, and counts at least N `perf script` events of each, the
 * ioremaps and maps with size 4096 (arg2 / arg4).
 */
#include <numamm/linux/dma-mapping.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/io.h>
#include <numamm/linux/mm.h>

#include "perf_driver.h"
#include "io/io.h"

#define N 300

static const char *const probes[] = { "ioremap", "iounmap", "dma_map_page", "dma_unmap_page",
				      "dma_alloc", "dma_free" };

static int workload(int n)
{
	static const u64 start[1] = { 0xfe000000 }, size[1] = { 1 << 20 };
	struct pci_dev *pdev;
	struct page *pg;

	if (nmm_boot("mem=256M hugepages=off")) {
		fprintf(stderr, "workload: boot failed: %s\n", nmm_boot_strerror());
		return 1;
	}
	struct probe_view a = probe_view("ioremap"), d = probe_view("dma_map_page");
	printf("semaphore ioremap=%d dma_map_page=%d site 0x%02x\n", a.sem, d.sem, a.site);
	pdev = nmm_io_ramdev_open("0000:00:09.0", 0x1234, 0x11e8, start, size, 1);
	pg = alloc_pages(GFP_DMA32, 0);
	if (!pdev || !pg)
		return 1;
	for (int i = 0; i < n; i++) {
		void __iomem *m = ioremap(0xfe000000 + 4096 * (u64)(i % 16), 4096);
		dma_addr_t h;
		void *c;

		if (!m)
			return 1;
		iounmap(m);
		h = dma_map_single(&pdev->dev, page_address(pg), 4096, DMA_TO_DEVICE);
		if (dma_mapping_error(&pdev->dev, h))
			return 1;
		dma_unmap_single(&pdev->dev, h, 4096, DMA_TO_DEVICE);
		c = dma_alloc_coherent(&pdev->dev, 4096, &h, GFP_KERNEL);
		if (!c)
			return 1;
		dma_free_coherent(&pdev->dev, 4096, c, h);
	}
	__free_pages(pg, 0);
	printf("done %d\n", nmm_pci_close(pdev) == 0 ? n : -1);
	return 0;
}

struct wl_out {
	int sem_ioremap, sem_dma, site, done;
};

static int parse_workload(const char *text, struct wl_out *w)
{
	const char *s = strstr(text, "semaphore "), *d = strstr(text, "done ");

	if (!s || !d)
		return -1;
	if (sscanf(s, "semaphore ioremap=%d dma_map_page=%d site %x", &w->sem_ioremap, &w->sem_dma,
		   (unsigned *)&w->site) != 3 || sscanf(d, "done %d", &w->done) != 1)
		return -1;
	return 0;
}

static void scenario(const char *label, const char *object, const char *bin)
{
	char cmd[4096], out[128];
	int first[6], n[6], count[6] = { 0 };
	struct wl_out w;
	char *text, *script;
	int rc;

	snprintf(out, sizeof(out), "%s/wl.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' workload 10", bin);
	rc = run(cmd, out);
	text = slurp(out);
	REQUIRE(rc == 0 && parse_workload(text, &w) == 0);
	free(text);
	CHECK_EQ(w.sem_ioremap, 0);
	CHECK_EQ(w.sem_dma, 0);
	CHECK_EQ(w.site, 0x90);
	CHECK_EQ(w.done, 10);

	for (int i = 0; i < 6; i++) {
		first[i] = nr_created;
		n[i] = add_probe(object, probes[i]);
		REQUIRE(n[i] > 0);
	}
	text = perf_driver_record(label, bin, N);
	if (parse_workload(text, &w))
		perf_driver_fail(label, "cannot read the traced workload's output", text);
	free(text);
	CHECK(w.sem_ioremap >= 1 && w.sem_dma >= 1);
	CHECK_EQ(w.site, 0xcc);
	CHECK_EQ(w.done, N);
	script = perf_driver_script();
	for (int i = 0; i < 6; i++) {
		/* ioremap(phys, size, ...) and dma_map_page(dev, phys, dma, size, dir) carry 4096 */
		const char *need = i == 0 ? "arg2=4096 " : i == 2 ? "arg4=4096 " : NULL;

		for (int j = first[i]; j < first[i] + n[i]; j++)
			count[i] += count_events(script, created[j], need);
		fprintf(stderr, "%s: perf saw %s %d (N = %d)\n", label, probes[i], count[i], N);
		CHECK(count[i] >= N);
	}
	if (count[0] < N || count[2] < N)
		fprintf(stderr, "perf script output starts:\n%.2000s\n", script);
	free(script);
	perf_driver_delete_events();
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t len;

	if (argc >= 3 && !strcmp(argv[1], "workload"))
		return workload(atoi(argv[2]));
	perf_driver_start();
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(len > 0);
	self[len] = '\0';
	scenario("static", self, self);
	if (argc >= 3)
		scenario("libnumamm.so", argv[1], argv[2]);
	return test_done();
}
