/* tests/vm/vm_numamm_info_shows_guest.c - numamm-info, run in the guest, describes the guest.
 *
 * Runs tools/numamm-info (booting numamm with a small mem=) and checks its text output against
 * the topology run-guest gave QEMU: "available: N nodes", each node's CPUs, the whole distance
 * matrix, and - in the vfio topology - QEMU's edu device (1234:11e8) on its node, bound to
 * vfio-pci, with BAR0 at the address the guest kernel assigned (sysfs resource). The output is
 * echoed so a failure shows what numamm-info printed.
 */
#include <stdint.h>

#include "vm_guest.h"

static char out[1 << 16];

static const char *find_line(const char *prefix)
{
	size_t len = strlen(prefix);

	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, prefix, len))
			return l;
	return NULL;
}

static void check_nodes(const struct vm_expect *e)
{
	char want[256];
	const char *l;
	int n;

	snprintf(want, sizeof(want), "available: %d nodes (0-%d)\n", e->nr_nodes, e->nr_nodes - 1);
	CHECK(find_line(want));
	for (n = 0; n < e->nr_nodes; n++) {
		int len = snprintf(want, sizeof(want), "node %d cpus:", n);

		for (int c = 0; c < e->nr_cpus; c++)
			if (e->cpu_node[c] == n)
				len += snprintf(want + len, sizeof(want) - len, " %d", c);
		snprintf(want + len, sizeof(want) - len, "\n");
		if (!find_line(want)) {
			fprintf(stderr, "numamm-info lacks the line: %s", want);
			test_failures++;
		}
	}
	l = find_line("node distances:");
	REQUIRE(l);
	l = strchr(l, '\n') + 1;                    /* the header "node   0   1 ..." */
	REQUIRE(l && !strncmp(l, "node ", 5));
	for (n = 0; n < e->nr_nodes; n++) {
		int len;

		l = strchr(l, '\n');
		REQUIRE(l);
		l++;
		len = snprintf(want, sizeof(want), "%4d:", n);
		for (int j = 0; j < e->nr_nodes; j++)
			len += snprintf(want + len, sizeof(want) - len, "%4d", e->dist[n][j]);
		if (strncmp(l, want, (size_t)len) || l[len] != '\n') {
			fprintf(stderr, "distance row %d: expected \"%s\"\n", n, want);
			test_failures++;
		}
	}
}

static void check_edu(const struct vm_expect *e)
{
	char line[300], path[300], bdf[32] = "", drv[32] = "";
	unsigned long long start = 0, end = 0, sys_start = 0, sys_end = 0, flags;
	int node = -2;
	const char *l = strstr(out, " 1234:11e8 ");
	FILE *f;

	if (!l) {
		fprintf(stderr, "numamm-info does not list the edu device 1234:11e8\n");
		test_failures++;
		return;
	}
	while (l > out && l[-1] != '\n')
		l--;
	REQUIRE(sscanf(l, " %31s 1234:11e8 class %*x node %d driver %31s", bdf, &node, drv) == 3);
	CHECK_EQ(node, e->edu_node);
	CHECK(!strcmp(drv, "vfio-pci"));
	l = strchr(l, '\n') + 1;
	CHECK(sscanf(l, " BAR0 [mem %llx-%llx]", &start, &end) == 2);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	REQUIRE(f);
	REQUIRE(fgets(line, sizeof(line), f));
	fclose(f);
	REQUIRE(sscanf(line, "%llx %llx %llx", &sys_start, &sys_end, &flags) == 3);
	CHECK_EQ(start, sys_start);
	CHECK_EQ(end, sys_end);
	CHECK_EQ(end - start + 1, 1 << 20);
	printf("edu %s: node %d, driver %s, BAR0 %#llx-%#llx (sysfs %#llx-%#llx)\n", bdf, node, drv,
	       start, end, sys_start, sys_end);
}

int main(void)
{
	struct vm_expect e;
	char cmd[128];
	int nr_mem = 0, status;
	size_t len = 0, n;
	FILE *p;

	vm_expect_load(&e);
	for (int i = 0; i < e.nr_nodes; i++)
		nr_mem += e.has_memory[i];
	snprintf(cmd, sizeof(cmd), "numamm-info --boot mem=%dM 2>&1", 32 * nr_mem);
	p = popen(cmd, "r");
	REQUIRE(p);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = 0;
	status = pclose(p);
	printf("---- %s ----\n%s---- end of numamm-info ----\n", cmd, out);
	CHECK_EQ(status, 0);
	check_nodes(&e);
	if (e.edu_node >= 0)
		check_edu(&e);
	return test_done();
}
