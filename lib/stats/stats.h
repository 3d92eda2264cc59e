/* lib/stats/stats.h - the report table behind nmm_report() (internal). */
#ifndef NUMAMM_LIB_STATS_H
#define NUMAMM_LIB_STATS_H

#include <stddef.h>
#include <stdio.h>

struct nmm_report_entry {
	const char *name;
	const char *what;
	int (*fn)(FILE *out);
};

const struct nmm_report_entry *nmm_report_list(size_t *n);

int nmm_report_memblock(FILE *out);
int nmm_report_zoneranges(FILE *out);
int nmm_report_zones(FILE *out);
int nmm_report_zonelists(FILE *out);
int nmm_report_nodes(FILE *out);

/* page_reports.c: the page allocator's /proc files (mm/vmstat.c formats) */
struct zone;
struct zone_cpu_events;
void nmm_zone_events(struct zone *zone, struct zone_cpu_events *sum);
int nmm_report_buddyinfo(FILE *out);
int nmm_report_zoneinfo(FILE *out);
int nmm_report_pagetypeinfo(FILE *out);
int nmm_report_vmstat(FILE *out);
int nmm_report_slabinfo(FILE *out);
int nmm_report_slabstats(FILE *out);
int nmm_report_vmallocinfo(FILE *out);   /* vmalloc_reports.c */
int nmm_report_numastat(FILE *out);     /* numastat.c */
int nmm_report_meminfo(FILE *out);      /* meminfo.c */

/* shm_export.c: NUMAMM_STATS=shm starts the export (called by the boot, after it succeeded). */
void nmm_stats_boot_hook(void);

#endif
