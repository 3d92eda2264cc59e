/* lib/stats/numastat.c - per-node NUMA allocation counts: the table numastat(8) prints from
 * /sys/devices/system/node/node<N>/numastat (drivers/base/node.c node_read_numastat), one
 * column per node, "%-16s" names and "%16lu" counts.
 *
 * A node's counts are the sums over its zones of nmm_zone_events() (pcp sets folded on read).
 * The kernel's names map onto ours one to one: numa_hit, numa_miss, numa_foreign; local_node
 * is numa_local and other_node numa_other. interleave_hit is 0 because numamm has no interleave
 * mempolicy: no allocation can be an interleave hit (a fact, as zoneinfo's "boost 0" is).
 */
#include <numamm/linux/mm.h>
#include <numamm/linux/mmzone.h>

#include "stats.h"

int nmm_report_numastat(FILE *out)
{
	struct zone_cpu_events node[MAX_NUMNODES] = { 0 };
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone_cpu_events ev;
			nmm_zone_events(&pgdat->node_zones[z], &ev);
			node[nid].numa_hit += ev.numa_hit;
			node[nid].numa_miss += ev.numa_miss;
			node[nid].numa_foreign += ev.numa_foreign;
			node[nid].numa_local += ev.numa_local;
			node[nid].numa_other += ev.numa_other;
		}
	}
	fprintf(out, "%-16s", "");
	for (int nid = 0; nid < nr_node_ids; nid++) {
		char h[16];
		snprintf(h, sizeof(h), "node%d", nid);
		fprintf(out, "%16s", h);
	}
	fputc('\n', out);
#define ROW(label, expr)                                                         \
	do {                                                                     \
		fprintf(out, "%-16s", label);                                    \
		for (int nid = 0; nid < nr_node_ids; nid++)                      \
			fprintf(out, "%16lu", (unsigned long)(expr));            \
		fputc('\n', out);                                                \
	} while (0)
	ROW("numa_hit", node[nid].numa_hit);
	ROW("numa_miss", node[nid].numa_miss);
	ROW("numa_foreign", node[nid].numa_foreign);
	ROW("interleave_hit", 0);
	ROW("local_node", node[nid].numa_local);
	ROW("other_node", node[nid].numa_other);
#undef ROW
	return 0;
}
