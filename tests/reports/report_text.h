/* tests/reports/report_text.h - capture an nmm_report() into memory and check its lines.
 *
 * report_capture() returns the report's text split into lines; line_matches() checks one line
 * against a POSIX extended regex anchored at both ends and says which line failed and why, so
 * a format test shows every line whose shape differs from the kernel's.
 */
#ifndef NUMAMM_TESTS_REPORT_TEXT_H
#define NUMAMM_TESTS_REPORT_TEXT_H

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/numamm.h>

#include "test.h"

struct report_text {
	char *buf;       /* the whole report, '\n' replaced by '\0' */
	char **line;
	int nr;
};

static struct report_text report_capture(const char *name)
{
	struct report_text r = { 0 };
	size_t len = 0;
	FILE *f = open_memstream(&r.buf, &len);
	REQUIRE(f);
	int e = nmm_report(name, f);
	fclose(f);
	if (e) {
		fprintf(stderr, "nmm_report(%s) = %d\n", name, e);
		exit(1);
	}
	REQUIRE(len > 0 && r.buf[len - 1] == '\n');
	for (size_t i = 0; i < len; i++)
		r.nr += r.buf[i] == '\n';
	r.line = calloc((size_t)r.nr, sizeof(*r.line));
	REQUIRE(r.line);
	char *p = r.buf;
	for (int i = 0; i < r.nr; i++) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		r.line[i] = p;
		p = nl + 1;
	}
	return r;
}

static void report_free(struct report_text *r)
{
	free(r->line);
	free(r->buf);
	*r = (struct report_text){ 0 };
}

/* Does @s match @re (anchored: "^(re)$")? */
static int re_full(const char *re, const char *s)
{
	char anchored[1024];
	snprintf(anchored, sizeof(anchored), "^(%s)$", re);
	regex_t rx;
	int e = regcomp(&rx, anchored, REG_EXTENDED | REG_NOSUB);
	if (e) {
		fprintf(stderr, "bad regex %s\n", anchored);
		exit(1);
	}
	int m = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

/* CHECK that line @i of @r matches @re, naming the report, line and text when it does not. */
#define CHECK_LINE(r, i, re)                                                                  \
	do {                                                                                  \
		if ((i) >= (r)->nr || !re_full((re), (r)->line[(i)])) {                       \
			fprintf(stderr, "%s:%d: line %d \"%s\" does not match /%s/\n", __FILE__, \
				__LINE__, (i) + 1, (i) < (r)->nr ? (r)->line[(i)] : "<eof>", (re)); \
			test_failures++;                                                      \
		}                                                                             \
	} while (0)

/* The kernel's "%6lu " (width 6, right-aligned, one trailing space) and "%8s" zone names. */
#define RE_U6 "( {5}[0-9]| {4}[0-9]{2}| {3}[0-9]{3}| {2}[0-9]{4}| [0-9]{5}|[0-9]{6,}) "
#define RE_U12 "( {11}[0-9]| {10}[0-9]{2}| {9}[0-9]{3}| {8}[0-9]{4}| {7}[0-9]{5}| {6}[0-9]{6}| {5}[0-9]{7}| {4}[0-9]{8}) "
#define RE_ZONE8 "( {5}DMA| {3}DMA32| {2}Normal| HighMem)"

#endif
