/* top_once_shows_zones: `numamm-top --once PID` (no slab needed) prints slabtop's summary and
 * column header, then one line per populated zone whose free pages and min/low/high are the
 * child's zoneinfo values and whose free blocks per order are its buddyinfo line. A pid that
 * exports nothing is exit 1 with a reason; bad usage is exit 2. */
#include "stats_test.h"

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT);
	char why[160];
	child_has_caches(&c, why, sizeof(why));
	char *buddy = child_report(&c, "buddyinfo");
	char *zi = child_report(&c, "zoneinfo");

	char cmd[512];
	int rc;
	snprintf(cmd, sizeof(cmd), "%s --once %d", top_tool, (int)c.pid);
	char *out = run(cmd, &rc);
	CHECK_EQ(rc, 0);
	CHECK(strstr(out, " Active / Total Objects (% used)    : ") != NULL);
	CHECK(strstr(out, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n") != NULL);
	CHECK(strstr(out, "\nNODE ZONE         FREE      MIN      LOW     HIGH  MANAGED     o0") != NULL);

	int zones = 0;
	for (char *l = strtok(buddy, "\n"); l; l = strtok(NULL, "\n")) {
		int nid, pos;
		char zone[16];
		REQUIRE(sscanf(l, "Node %d, zone %15s%n", &nid, zone, &pos) == 2);
		unsigned long order[11];
		char *p = l + pos;
		for (int o = 0; o < 11; o++)
			order[o] = strtoul(p, &p, 10);
		/* zoneinfo's block for this zone */
		char head[64];
		snprintf(head, sizeof(head), "Node %d, zone %8s\n", nid, zone);
		char *zb = strstr(zi, head);
		REQUIRE(zb);
		unsigned long fr, mn, lo, hi, managed;
		REQUIRE(sscanf(strstr(zb, "pages free"), "pages free %lu", &fr) == 1);
		REQUIRE(sscanf(strstr(zb, " min "), " min %lu", &mn) == 1);
		REQUIRE(sscanf(strstr(zb, " low "), " low %lu", &lo) == 1);
		REQUIRE(sscanf(strstr(zb, " high "), " high %lu", &hi) == 1);
		REQUIRE(sscanf(strstr(zb, " managed "), " managed %lu", &managed) == 1);
		char want[256];
		int n = snprintf(want, sizeof(want), "\n%4d %-8s %8lu %8lu %8lu %8lu %8lu", nid, zone, fr, mn,
				 lo, hi, managed);
		for (int o = 0; o < 11; o++)
			n += snprintf(want + n, sizeof(want) - (size_t)n, " %*lu", o < 10 ? 6 : 7, order[o]);
		snprintf(want + n, sizeof(want) - (size_t)n, "\n");
		if (!strstr(out, want)) {
			fprintf(stderr, "no zone line%s", want);
			test_failures++;
		}
		zones++;
	}
	CHECK(zones >= 3);   /* DMA, DMA32, Normal of the default layout */
	if (test_failures)
		fprintf(stderr, "numamm-top printed:\n%s", out);
	free(out);
	free(buddy);
	free(zi);
	CHECK_EQ(child_quit(&c), 0);

	snprintf(cmd, sizeof(cmd), "%s --once %d 2>&1", top_tool, (int)c.pid);
	out = run(cmd, &rc);
	CHECK_EQ(rc, 1);
	CHECK(strstr(out, "exports no statistics") != NULL);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s --once -s x 1 2>/dev/null", top_tool);
	free(run(cmd, &rc));
	CHECK_EQ(rc, 2);
	return test_done();
}
