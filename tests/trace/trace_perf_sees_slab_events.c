/* trace_perf_sees_slab_events: perf sees the slab layer's USDT probes (kmalloc, kfree,
 * kmem_cache_alloc, kmem_cache_free) with the kernel's arguments, and they are off (semaphore
 * 0, nop site) when nobody traces.
 *
 * "workload N": boot, kmalloc(100) N times and kfree them, then N objects of a 200-byte cache;
 * print the semaphores, the probe site byte and the cache's slot size. The driver (root) runs it
 * untraced, then under `perf record` with the four probes, and counts `perf script` events:
 * kmalloc(call_site, ptr, bytes_req=100, bytes_alloc=128, gfp, node) and
 * kmem_cache_alloc(call_site, ptr, bytes_req=200, bytes_alloc=<slot size>, gfp, node), each at
 * least N times, and at least N kfree and kmem_cache_free.
 */
#include <numamm/linux/slab.h>

#include "perf_driver.h"
#include "slab/slab.h"

#define N 500

static int workload(int n)
{
	if (nmm_boot("mem=256M hugepages=off")) {
		fprintf(stderr, "workload: boot failed: %s\n", nmm_boot_strerror());
		return 1;
	}
	struct probe_view a = probe_view("kmalloc"), c = probe_view("kmem_cache_alloc");
	printf("semaphore kmalloc=%d kmem_cache_alloc=%d site 0x%02x\n", a.sem, c.sem, a.site);
	struct kmem_cache *s = kmem_cache_create("traced_cache", 200, 0, 0, NULL);
	if (!s) {
		fprintf(stderr, "workload: no slab cache (slab layer %s)\n", slab_ops ? "failed" : "not built");
		return 1;
	}
	void **p = calloc((size_t)n, sizeof(*p));
	if (!p)
		return 1;
	for (int i = 0; i < n; i++)
		if (!(p[i] = kmalloc(100, GFP_KERNEL)))
			return 1;
	for (int i = 0; i < n; i++)
		kfree(p[i]);
	for (int i = 0; i < n; i++)
		if (!(p[i] = kmem_cache_alloc(s, GFP_KERNEL)))
			return 1;
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	printf("slot %u done %d\n", s->size, n);
	kmem_cache_destroy(s);
	free(p);
	return 0;
}

struct wl_out {
	int sem_kmalloc, sem_cache, site;
	unsigned slot;
	int done;
};

static int parse_workload(const char *text, struct wl_out *w)
{
	const char *s = strstr(text, "semaphore "), *d = strstr(text, "slot ");
	if (!s || !d)
		return -1;
	if (sscanf(s, "semaphore kmalloc=%d kmem_cache_alloc=%d site %x", &w->sem_kmalloc, &w->sem_cache,
		   (unsigned *)&w->site) != 3 || sscanf(d, "slot %u done %d", &w->slot, &w->done) != 2)
		return -1;
	return 0;
}

static int count_all(const char *script, int first, int n, const char *need)
{
	int c = 0;
	for (int i = first; i < first + n; i++)
		c += count_events(script, created[i], need);
	return c;
}

static void scenario(const char *label, const char *object, const char *bin)
{
	char cmd[4096], out[128];
	struct wl_out w;
	snprintf(out, sizeof(out), "%s/wl.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' workload 10", bin);
	int rc = run(cmd, out);
	char *text = slurp(out);
	if (rc && strstr(text, "not built"))
		SKIP("%s: the default slab back end is not built yet", label);
	REQUIRE(rc == 0 && parse_workload(text, &w) == 0);
	free(text);
	CHECK_EQ(w.sem_kmalloc, 0);
	CHECK_EQ(w.sem_cache, 0);
	CHECK_EQ(w.site, 0x90);

	static const char *const probes[] = { "kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free" };
	int first[4], n[4];
	for (int i = 0; i < 4; i++) {
		first[i] = nr_created;
		n[i] = add_probe(object, probes[i]);
		REQUIRE(n[i] > 0);
	}
	text = perf_driver_record(label, bin, N);
	if (parse_workload(text, &w))
		perf_driver_fail(label, "cannot read the traced workload's output", text);
	free(text);
	CHECK(w.sem_kmalloc >= 1 && w.sem_cache >= 1);
	CHECK_EQ(w.site, 0xcc);
	char want[64];
	char *script = perf_driver_script();
	int km = count_all(script, first[0], n[0], "arg3=100 arg4=128 ");
	int kf = count_all(script, first[1], n[1], NULL);
	snprintf(want, sizeof(want), "arg3=200 arg4=%u ", w.slot);
	int ca = count_all(script, first[2], n[2], want);
	int cf = count_all(script, first[3], n[3], NULL);
	fprintf(stderr, "%s: perf saw kmalloc %d, kfree %d, kmem_cache_alloc %d, kmem_cache_free %d (N = %d)\n",
		label, km, kf, ca, cf, N);
	CHECK(km >= N && kf >= N && ca >= N && cf >= N);
	if (km < N || ca < N)
		fprintf(stderr, "perf script output starts:\n%.2000s\n", script);
	free(script);
	perf_driver_delete_events();
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "workload"))
		return workload(atoi(argv[2]));
	perf_driver_start();
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(len > 0);
	self[len] = '\0';
	scenario("static", self, self);
	if (argc >= 3)
		scenario("libnumamm.so", argv[1], argv[2]);
	return test_done();
}
