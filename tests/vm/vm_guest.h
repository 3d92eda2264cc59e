/* tests/vm/vm_guest.h - what a guest test program needs to know about the machine it runs on.
 *
 * tools/vm/run-guest writes the facts it gave QEMU onto the guest kernel command line, so a test
 * compares the guest kernel's view (sysfs, syscalls) and numamm's view against the truth:
 *   nmm.topo=4node            topology name
 *   nmm.nodes=4               number of NUMA nodes
 *   nmm.dist=10,20,...        the SLIT, row-major, nodes x nodes
 *   nmm.cpunode=0,1,...       node of CPU 0, 1, ...
 *   nmm.memnodes=0,2          nodes that have memory
 *   nmm.edu_node=1            node of QEMU's edu PCI device (vfio topology)
 * The last occurrence of a key wins, so a negative control can append a wrong expectation.
 * Guest programs refuse to run outside the guest (no nmm.topo= on the command line).
 */
#ifndef NUMAMM_TESTS_VM_GUEST_H
#define NUMAMM_TESTS_VM_GUEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define VM_MAX_NODES 16
#define VM_MAX_CPUS 64

struct vm_expect {
	char topo[32];
	int nr_nodes;
	int dist[VM_MAX_NODES][VM_MAX_NODES];
	int nr_cpus;
	int cpu_node[VM_MAX_CPUS];
	int has_memory[VM_MAX_NODES];
	int edu_node;                  /* -1 when the topology has no edu */
};

/* vm_cmdline_arg - value of the last "key=value" on the kernel command line, or NULL. */
static inline const char *vm_cmdline_arg(const char *key, char *buf, size_t len)
{
	static char cmdline[4096];
	const char *found = NULL;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return NULL;
	if (!fgets(cmdline, sizeof(cmdline), f))
		cmdline[0] = 0;
	fclose(f);
	for (char *w = strtok(cmdline, " \n"); w; w = strtok(NULL, " \n"))
		if (!strncmp(w, key, klen) && w[klen] == '=')
			found = w + klen + 1;
	if (!found)
		return NULL;
	snprintf(buf, len, "%s", found);
	return buf;
}

/* vm_parse_ints - "10,20,30" into @out; Return: how many, or -1 when malformed / too many. */
static inline int vm_parse_ints(const char *s, int *out, int max)
{
	int n = 0;

	while (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s || n == max)
			return -1;
		out[n++] = (int)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

/* vm_expect_load - read the expectations, or SKIP when not inside the numamm guest. */
static inline void vm_expect_load(struct vm_expect *e)
{
	char buf[1024];
	int flat[VM_MAX_NODES * VM_MAX_NODES], mem[VM_MAX_NODES], n;

	memset(e, 0, sizeof(*e));
	if (!vm_cmdline_arg("nmm.topo", e->topo, sizeof(e->topo)))
		SKIP("not in the numamm test guest (no nmm.topo= on /proc/cmdline): run it with tools/vm/run-guest");
	REQUIRE(vm_cmdline_arg("nmm.nodes", buf, sizeof(buf)));
	e->nr_nodes = atoi(buf);
	REQUIRE(e->nr_nodes > 0 && e->nr_nodes <= VM_MAX_NODES);
	REQUIRE(vm_cmdline_arg("nmm.dist", buf, sizeof(buf)));
	REQUIRE(vm_parse_ints(buf, flat, VM_MAX_NODES * VM_MAX_NODES) == e->nr_nodes * e->nr_nodes);
	for (int i = 0; i < e->nr_nodes; i++)
		for (int j = 0; j < e->nr_nodes; j++)
			e->dist[i][j] = flat[i * e->nr_nodes + j];
	REQUIRE(vm_cmdline_arg("nmm.cpunode", buf, sizeof(buf)));
	e->nr_cpus = vm_parse_ints(buf, e->cpu_node, VM_MAX_CPUS);
	REQUIRE(e->nr_cpus > 0);
	REQUIRE(vm_cmdline_arg("nmm.memnodes", buf, sizeof(buf)));
	n = vm_parse_ints(buf, mem, VM_MAX_NODES);
	REQUIRE(n > 0);
	for (int i = 0; i < n; i++) {
		REQUIRE(mem[i] >= 0 && mem[i] < e->nr_nodes);
		e->has_memory[mem[i]] = 1;
	}
	e->edu_node = vm_cmdline_arg("nmm.edu_node", buf, sizeof(buf)) ? atoi(buf) : -1;
}

/* vm_read_line - first line of a (sysfs) file, newline stripped; Return: @buf or NULL. */
static inline char *vm_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *r;

	if (!f)
		return NULL;
	r = fgets(buf, (int)len, f);
	fclose(f);
	if (r)
		buf[strcspn(buf, "\n")] = 0;
	return r;
}

/* vm_parse_list - a kernel cpulist/nodelist ("0-2,5") into a 0/1 map; Return: 0 or -1. */
static inline int vm_parse_list(const char *s, int *map, int max)
{
	memset(map, 0, sizeof(int) * max);
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (a < 0 || b >= max || a > b)
			return -1;
		for (long i = a; i <= b; i++)
			map[i] = 1;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return 0;
}

#endif
