/* tests/vm/vm_slab_cross_node_frees.c - on real NUMA nodes (2node and 4node guests), for each
 * slab back end (SLUB, SLAB, SLOB):
 *   1. a thread pinned to node n's CPU first allocates from a cache and with kmalloc: every
 *      object's page is on node n (local first; not checked for SLOB, which like the kernel's
 *      takes any page with room for NUMA_NO_NODE), then with kmem_cache_alloc_node(m) and
 *      kmalloc_node(m) under __GFP_THISNODE: every object is on node m. The phases are not
 *      interleaved: as in the kernel, a NUMA_NO_NODE allocation may be served from the CPU slab
 *      an earlier _node allocation made remote;
 *   2. all those objects are freed by a thread on the next node (remote frees: SLUB's slab
 *      freelists, SLAB's alien caches, SLOB's one lock) and the caches stay consistent;
 *   3. after destroying the cache and shrinking, every node's free page count is back where it
 *      started (nothing lost to a remote free), and kmem_cache_destroy reports nothing.
 */
#include <pthread.h>
#include <sched.h>

#include <numamm/linux/slab.h>
#include <numamm/numamm.h>

#include "slab/slab.h"
#include "vm_guest.h"

#define PER_NODE 3000

static struct vm_expect expect;
static struct kmem_cache *cache;
static void **objs[VM_MAX_NODES];
static int bad_node;
static bool slob;

struct job {
	int cpu, node, target;     /* target: node for kmem_cache_alloc_node, -1 = local */
	void **out;
	int free;                  /* 1: free out[] instead */
};

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	REQUIRE(sched_setaffinity(0, sizeof(set), &set) == 0);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	pin(j->cpu);
	for (int i = 0; i < PER_NODE; i++) {
		if (j->free) {
			if (i % 2)
				kfree(j->out[i]);
			else
				kmem_cache_free(cache, j->out[i]);
			continue;
		}
		void *p;
		bool remote = i >= PER_NODE / 2;
		if (!remote)
			p = i % 2 ? kmalloc(200, GFP_KERNEL) : kmem_cache_alloc(cache, GFP_KERNEL);
		else if (i % 2)
			p = kmalloc_node(200, GFP_KERNEL | __GFP_THISNODE, j->target);
		else
			p = kmem_cache_alloc_node(cache, GFP_KERNEL | __GFP_THISNODE, j->target);
		REQUIRE(p);
		int want = remote ? j->target : j->node;
		bool checked = remote || !slob;
		if (checked && page_to_nid(virt_to_page(p)) != want &&
		    __atomic_fetch_add(&bad_node, 1, __ATOMIC_RELAXED) < 5)
			fprintf(stderr, "object %d from cpu %d: node %d, expected %d\n", i, j->cpu,
				page_to_nid(virt_to_page(p)), want);
		memset(p, j->node, 64);
		j->out[i] = p;
	}
	return NULL;
}

static void run_all(struct job *jobs, int n)
{
	pthread_t th[VM_MAX_CPUS];
	for (int i = 0; i < n; i++)
		REQUIRE(pthread_create(&th[i], NULL, run_job, &jobs[i]) == 0);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static int cpu_of(int node)
{
	for (int c = 0; c < expect.nr_cpus; c++)
		if (expect.cpu_node[c] == node)
			return c;
	return -1;
}

static void one_backend(const char *be)
{
	char line[256], mem[128] = "";
	for (int n = 0; n < expect.nr_nodes; n++)
		snprintf(mem + strlen(mem), sizeof(mem) - strlen(mem), "%s128M", n ? "," : "");
	snprintf(line, sizeof(line), "node_mem=%s hugepages=off slab=%s", mem, be);
	REQUIRE(nmm_boot(line) == 0);
	slob = !strcmp(be, "slob");
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	cache = kmem_cache_create("xnode", 128, 0, 0, NULL);
	REQUIRE(cache);
	struct job jobs[VM_MAX_NODES];
	int nj = 0;
	bad_node = 0;
	for (int n = 0; n < expect.nr_nodes; n++) {
		int cpu = cpu_of(n);
		if (cpu < 0 || !expect.has_memory[n])
			continue;
		objs[n] = calloc(PER_NODE, sizeof(void *));
		REQUIRE(objs[n]);
		jobs[nj++] = (struct job){ cpu, n, (n + 1) % expect.nr_nodes, objs[n], 0 };
	}
	run_all(jobs, nj);
	CHECK_EQ(bad_node, 0);
	/* Free everything from the next node's CPU. */
	for (int i = 0; i < nj; i++) {
		int next = jobs[(i + 1) % nj].cpu;
		jobs[i].cpu = next;
		jobs[i].free = 1;
	}
	run_all(jobs, nj);
	bool valid = true;
	pthread_mutex_lock(&slab_mutex);
	struct kmem_cache *s;
	list_for_each_entry(s, &slab_caches, list)
		valid &= s->ops->is_valid(s, stderr);
	pthread_mutex_unlock(&slab_mutex);
	CHECK(valid);
	kmem_cache_destroy(cache);
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	pthread_mutex_unlock(&slab_mutex);
	drain_all_pages(NULL);
	unsigned long free1 = nr_free_pages();
	fprintf(stderr, "slab=%s: %d nodes, free pages %lu -> %lu\n", be, nj, free0, free1);
	CHECK(free1 + 64 >= free0);
	for (int n = 0; n < VM_MAX_NODES; n++) {
		free(objs[n]);
		objs[n] = NULL;
	}
	nmm_shutdown();
}

int main(void)
{
	vm_expect_load(&expect);
	one_backend("slub");
	one_backend("slab");
	one_backend("slob");
	return test_done();
}
