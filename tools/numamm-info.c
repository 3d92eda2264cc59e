/* tools/numamm-info - what numamm sees and what it booted: lstopo + numactl -H + the kernel's
 * memory boot log, for any NUMAMM_BOOT line.
 *
 *   numamm-info [--boot "mem=1G numa=fake=4"] [--json] [--topology-only]
 *   numamm-info [--boot LINE] --report buddyinfo [--report zoneinfo ...]
 *   numamm-info --list-reports
 *
 * Text output has the topology (nodes, CPUs, memory, hugepages per node, distances, PCI devices
 * by node) and then the booted layout: per-node backing and why, "Zone ranges:", "Early memory
 * node ranges", the memblock dump, zones with spanned/present pages and the zonelists.
 * --report prints only the named reports (nmm_report(), in the kernel's /proc formats), in the
 * order given, after booting; --list-reports names them without booting.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>
#include <numamm/numamm.h>

#include "../lib/stats/stats.h"

static void print_cpus(FILE *o, const struct nmm_numa_node *n)
{
	for (int i = 0; i < n->nr_cpus; i++)
		fprintf(o, " %d", n->cpus[i]);
}

static void text_topology(FILE *o, const struct nmm_numa_topology *t)
{
	fprintf(o, "machine: %s, %d CPUs online (possible ids < %d), %d NUMA node(s)%s\n", t->cpu_model,
		t->nr_cpus, t->max_cpu, t->nr_phys_nodes, t->fake ? "" : "");
	if (t->fake)
		fprintf(o, "numa=fake=%d: %d logical nodes\n", t->fake, t->nr_nodes);
	fprintf(o, "available: %d nodes (0-%d)\n", t->nr_nodes, t->nr_nodes - 1);
	for (int i = 0; i < t->nr_nodes; i++) {
		const struct nmm_numa_node *n = &t->node[i];
		fprintf(o, "node %d cpus:", i);
		print_cpus(o, n);
		fprintf(o, "\nnode %d size: %llu MB\nnode %d free: %llu MB\n", i,
			(unsigned long long)(n->mem_total >> 20), i, (unsigned long long)(n->mem_free >> 20));
		fprintf(o, "node %d hugepages: 2048kB %lu total %lu free; 1048576kB %lu total %lu free%s\n", i,
			n->huge[0].total, n->huge[0].free, n->huge[1].total, n->huge[1].free,
			t->fake ? " (of the real node)" : "");
		if (t->fake)
			fprintf(o, "node %d is on real node %d\n", i, n->phys_node);
	}
	fprintf(o, "node distances:\nnode ");
	for (int j = 0; j < t->nr_nodes; j++)
		fprintf(o, "%4d", j);
	fprintf(o, "\n");
	for (int i = 0; i < t->nr_nodes; i++) {
		fprintf(o, "%4d:", i);
		for (int j = 0; j < t->nr_nodes; j++)
			fprintf(o, "%4d", t->distance[i][j]);
		fprintf(o, "\n");
	}
	fprintf(o, "PCI devices: %d\n", t->nr_pci);
	for (int i = 0; i < t->nr_pci; i++) {
		const struct nmm_pci_dev *d = &t->pci[i];
		fprintf(o, "  %s %04x:%04x class %06x node %d driver %s\n", d->bdf, d->vendor, d->device,
			d->class_id, d->node, d->driver[0] ? d->driver : "-");
		for (int b = 0; b < 6; b++)
			if (d->bar[b].size)
				fprintf(o, "      BAR%d [mem %#llx-%#llx] %llu KiB\n", b,
					(unsigned long long)d->bar[b].start,
					(unsigned long long)(d->bar[b].start + d->bar[b].size - 1),
					(unsigned long long)(d->bar[b].size >> 10));
	}
}

static void text_boot(FILE *o)
{
	fprintf(o, "\nnumamm boot: \"%s\"\n", nmm_boot_cmdline());
	nmm_report("nodes", o);
	fprintf(o, "\n");
	nmm_report("zoneranges", o);
	fprintf(o, "\n");
	nmm_report("memblock", o);
	fprintf(o, "\n");
	nmm_report("zoneinfo-layout", o);
	fprintf(o, "\n");
	nmm_report("zonelists", o);
}

static void json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(o, "\\u%04x", *s);
		else
			fputc(*s, o);
	}
	fputc('"', o);
}

static void json(FILE *o, const struct nmm_numa_topology *t, bool booted)
{
	fprintf(o, "{\n  \"cpu_model\": ");
	json_str(o, t->cpu_model);
	fprintf(o, ",\n  \"nr_cpus\": %d, \"max_cpu\": %d, \"nr_phys_nodes\": %d, \"fake\": %d,\n",
		t->nr_cpus, t->max_cpu, t->nr_phys_nodes, t->fake);
	fprintf(o, "  \"nodes\": [\n");
	for (int i = 0; i < t->nr_nodes; i++) {
		const struct nmm_numa_node *n = &t->node[i];
		fprintf(o, "    {\"id\": %d, \"phys_node\": %d, \"mem_total\": %llu, \"mem_free\": %llu, \"cpus\": [",
			i, n->phys_node, (unsigned long long)n->mem_total, (unsigned long long)n->mem_free);
		for (int c = 0; c < n->nr_cpus; c++)
			fprintf(o, "%s%d", c ? ", " : "", n->cpus[c]);
		fprintf(o, "], \"hugepages_2M\": {\"total\": %lu, \"free\": %lu}, "
			   "\"hugepages_1G\": {\"total\": %lu, \"free\": %lu}, \"distance\": [",
			n->huge[0].total, n->huge[0].free, n->huge[1].total, n->huge[1].free);
		for (int j = 0; j < t->nr_nodes; j++)
			fprintf(o, "%s%d", j ? ", " : "", t->distance[i][j]);
		fprintf(o, "]");
		struct nmm_node_info ni;
		if (booted && !nmm_node_info(i, &ni)) {
			fprintf(o, ",\n     \"boot\": {\"backing\": \"%s\", \"why\": ", nmm_backing_name(ni.backing));
			json_str(o, ni.backing_why);
			fprintf(o, ", \"bytes\": %llu, \"boot_ms\": %.3f, \"memmap_ms\": %.3f, \"ranges\": [",
				(unsigned long long)ni.mem_bytes, ni.boot_ms, ni.memmap_ms);
			for (int r = 0; r < ni.nr_ranges; r++)
				fprintf(o, "%s[%llu, %llu]", r ? ", " : "", (unsigned long long)ni.range[r].start,
					(unsigned long long)ni.range[r].end);
			fprintf(o, "], \"hot-added\": {\"window\": [%llu, %llu], \"bytes\": %llu, \"ranges_from\": %d, "
				   "\"ms\": %.3f}, \"zones\": [",
				(unsigned long long)ni.hotplug_start, (unsigned long long)ni.hotplug_end,
				(unsigned long long)ni.hotadded_bytes, ni.nr_boot_ranges, ni.hotadd_ms);
			pg_data_t *pg = NODE_DATA(i);
			bool first = true;
			for (int z = 0; z < MAX_NR_ZONES; z++) {
				struct zone *zone = &pg->node_zones[z];
				if (!populated_zone(zone))
					continue;
				fprintf(o, "%s{\"name\": \"%s\", \"start_pfn\": %lu, \"spanned\": %lu, \"present\": %lu}",
					first ? "" : ", ", zone->name, zone->zone_start_pfn, zone->spanned_pages,
					zone->present_pages);
				first = false;
			}
			fprintf(o, "], \"zonelist\": [");
			struct zoneref *zr;
			first = true;
			for_each_zoneref(zr, &pg->node_zonelists[ZONELIST_FALLBACK]) {
				fprintf(o, "%s[%d, \"%s\"]", first ? "" : ", ", zr->zone->node, zr->zone->name);
				first = false;
			}
			fprintf(o, "]}");
		}
		fprintf(o, "}%s\n", i + 1 < t->nr_nodes ? "," : "");
	}
	fprintf(o, "  ],\n  \"pci\": [\n");
	for (int i = 0; i < t->nr_pci; i++) {
		const struct nmm_pci_dev *d = &t->pci[i];
		fprintf(o, "    {\"bdf\": \"%s\", \"vendor\": %u, \"device\": %u, \"class\": %u, \"node\": %d, "
			   "\"driver\": ", d->bdf, d->vendor, d->device, d->class_id, d->node);
		json_str(o, d->driver);
		fprintf(o, "}%s\n", i + 1 < t->nr_pci ? "," : "");
	}
	fprintf(o, "  ]");
	if (booted) {
		fprintf(o, ",\n  \"boot_cmdline\": ");
		json_str(o, nmm_boot_cmdline());
	}
	fprintf(o, "\n}\n");
}

static void usage(FILE *o)
{
	fprintf(o, "usage: numamm-info [--boot LINE] [--json] [--topology-only]\n"
		   "  --boot LINE       boot with LINE instead of $NUMAMM_BOOT (e.g. \"mem=1G numa=fake=4\")\n"
		   "  --json            machine-readable output\n"
		   "  --topology-only   do not boot numamm; show the machine only\n"
		   "  --report NAME     after boot, print only report NAME (repeatable; see --list-reports)\n"
		   "  --list-reports    list the report names and what each shows\n");
}

static void list_reports(FILE *o)
{
	size_t n;
	const struct nmm_report_entry *r = nmm_report_list(&n);
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%-16s %s\n", r[i].name, r[i].what);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "boot", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "topology-only", no_argument, NULL, 't' },
		{ "report", required_argument, NULL, 'r' },
		{ "list-reports", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char **report_names = calloc((size_t)argc, sizeof(*report_names));
	int nr_reports = 0;
	if (!report_names)
		return 1;
	const char *line = getenv("NUMAMM_BOOT");
	bool as_json = false, topo_only = false;
	int c;
	while ((c = getopt_long(argc, argv, "b:jtr:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': report_names[nr_reports++] = optarg; break;
		case 'l': list_reports(stdout); return 0;
		case 'b': line = optarg; break;
		case 'j': as_json = true; break;
		case 't': topo_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (nr_reports) {
		int e = nmm_boot(line);
		if (e) {
			fprintf(stderr, "numamm-info: boot failed (%s): %s\n", strerror(-e), nmm_boot_strerror());
			return 1;
		}
		for (int i = 0; i < nr_reports; i++) {
			e = nmm_report(report_names[i], stdout);
			if (e) {
				fprintf(stderr, "numamm-info: report '%s': %s (see --list-reports)\n",
					report_names[i], strerror(-e));
				return 1;
			}
		}
		return 0;
	}
	static struct nmm_numa_topology topo;
	const struct nmm_numa_topology *t;
	if (topo_only) {
		int e = nmm_numa_topology_load(&topo, 0);
		if (e) {
			fprintf(stderr, "numamm-info: cannot read topology: %s\n", strerror(-e));
			return 1;
		}
		t = &topo;
	} else {
		int e = nmm_boot(line);
		if (e) {
			fprintf(stderr, "numamm-info: boot failed (%s): %s\n", strerror(-e), nmm_boot_strerror());
			return 1;
		}
		t = nmm_topology();
	}
	if (as_json)
		json(stdout, t, !topo_only);
	else {
		text_topology(stdout, t);
		if (!topo_only)
			text_boot(stdout);
	}
	return 0;
}
