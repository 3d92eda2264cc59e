/* tests/catalogue/catalogue_readme.c - README.md's "Bad input catalogue" table is true.
 *
 * usage: catalogue_readme README.md CATALOGUE_CASES CTEST BUILD_DIR [ABSENT_PREFIX...]
 *
 * Each row of the table is | misuse | detected | message | caller gets | next | test |. The test
 * cell names `case:NAME` sub-cases of catalogue_cases and/or ctest tests (`name`). For each row:
 *   - every `case:NAME` is run; it must exit 0 (its own checks: what the caller got, numamm
 *     still works), and each `pattern` of the message cell must equal a whole line it printed
 *     on stderr, where <word> stands for any text (an address, a number, a name). A message cell
 *     of "(nothing)" means the case must print nothing at all (a misuse numamm does not detect);
 *   - every other name must be a test ctest knows (`ctest -N`): the rows that need the QEMU
 *     guest or the malloc preload point at those tests instead of running them here. A name
 *     starting with an ABSENT_PREFIX may be missing: the sanitizer builds pass "vm_", as they
 *     build no QEMU guest tests (the normal build still checks those names).
 * And every case catalogue_cases has must appear in some row, so no case is left undocumented.
 * Expect: exit 0, silent but for one line per row; 1 with the reason for each row that drifted.
 */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CELLS 8
#define MAX_OUT (256 * 1024)

static int failures;
static char *known_tests[4096];
static int nr_known;
static char *used_cases[512];
static int nr_used;
static char **absent_prefixes;
static int nr_absent;

#define FAIL(...) (fprintf(stderr, "catalogue_readme: " __VA_ARGS__), fputc('\n', stderr), failures++)

/* Run @prog @arg, stdout to /dev/null, stderr into @out. Return: the exit status (-1: a signal). */
static int run_case(const char *prog, const char *arg, char *out, size_t outlen)
{
	int fd[2];
	if (pipe(fd))
		return -2;
	fflush(stdout);                     /* or the child's freopen flushes our buffer again */
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execl(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t r;
	while ((r = read(fd[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fd[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A row's pattern as an anchored extended regex: literal text, <word> = any text. */
static void pattern_to_regex(const char *pat, char *re, size_t relen)
{
	size_t k = 0;
	re[k++] = '^';
	for (const char *p = pat; *p && k + 4 < relen; p++) {
		if (*p == '<') {
			const char *q = p + 1;
			while (*q && (islower((unsigned char)*q) || *q == ' ' || *q == '_'))
				q++;
			if (*q == '>' && q > p + 1) {
				re[k++] = '.';
				re[k++] = '*';
				p = q;
				continue;
			}
		}
		if (strchr(".[]()*+?{}|^$\\", *p))
			re[k++] = '\\';
		re[k++] = *p;
	}
	re[k++] = '$';
	re[k] = '\0';
}

/* Split a table line into cells (an escaped \| stays in its cell, as a |). Return: cell count. */
static int split_row(char *line, char *cells[MAX_CELLS])
{
	int n = 0;
	char *w = line, *start = NULL;
	for (char *p = line; *p; p++) {
		if (*p == '\\' && p[1] == '|') {
			*w++ = '|';
			p++;
			continue;
		}
		if (*p == '|') {
			*w++ = '\0';
			if (start && n < MAX_CELLS)
				cells[n++] = start;
			start = w;
			continue;
		}
		*w++ = *p;
	}
	return n;
}

/* The next `code span` of *@s (its text NUL-terminated in place), or NULL. */
static char *next_code(char **s)
{
	char *a = strchr(*s, '`');
	if (!a)
		return NULL;
	char *b = strchr(a + 1, '`');
	if (!b)
		return NULL;
	*b = '\0';
	*s = b + 1;
	return a + 1;
}

static bool line_matches(const char *out, const regex_t *re)
{
	return regexec(re, out, 0, NULL, 0) == 0;
}

static void check_row(const char *cases_bin, char *misuse, char *msg_cell, char *test_cell)
{
	char *pats[16];
	int np = 0;
	bool nothing = strstr(msg_cell, "(nothing)") != NULL;
	for (char *s = msg_cell, *c; np < 16 && (c = next_code(&s));)
		pats[np++] = c;
	if (!np && !nothing) {
		FAIL("row '%s': no `message` and not (nothing)", misuse);
		return;
	}
	int ntests = 0;
	static char out[MAX_OUT];
	for (char *s = test_cell, *t; (t = next_code(&s)); ntests++) {
		if (strncmp(t, "case:", 5)) {
			bool found = false;
			for (int i = 0; i < nr_known && !found; i++)
				found = !strcmp(known_tests[i], t);
			for (int i = 0; i < nr_absent && !found; i++)
				found = !strncmp(t, absent_prefixes[i], strlen(absent_prefixes[i]));
			if (!found)
				FAIL("row '%s': test '%s' is not in ctest -N (%d tests)", misuse, t, nr_known);
			continue;
		}
		const char *name = t + 5;
		if (nr_used < 512)
			used_cases[nr_used++] = strdup(name);
		int rc = run_case(cases_bin, name, out, sizeof(out));
		if (rc != 0) {
			FAIL("row '%s': case %s exited %d:\n%s", misuse, name, rc, out);
			continue;
		}
		if (nothing && out[0])
			FAIL("row '%s': case %s should print nothing, printed:\n%s", misuse, name, out);
		for (int i = 0; i < np; i++) {
			char re_text[2048];
			regex_t re;
			pattern_to_regex(pats[i], re_text, sizeof(re_text));
			if (regcomp(&re, re_text, REG_EXTENDED | REG_NEWLINE | REG_NOSUB)) {
				FAIL("row '%s': bad pattern `%s`", misuse, pats[i]);
				continue;
			}
			if (!line_matches(out, &re))
				FAIL("row '%s': case %s printed no line `%s`; it printed:\n%s", misuse, name,
				     pats[i], out);
			regfree(&re);
		}
		printf("ok  %-36s %s\n", name, misuse);
	}
	if (!ntests)
		FAIL("row '%s': no test named", misuse);
}

static void load_ctest_names(const char *ctest, const char *build)
{
	char cmd[4096], line[1024];
	snprintf(cmd, sizeof(cmd), "'%s' --test-dir '%s' -N", ctest, build);
	FILE *p = popen(cmd, "r");
	if (!p) {
		FAIL("cannot run %s", cmd);
		return;
	}
	while (fgets(line, sizeof(line), p)) {
		char name[512];
		int nr;                     /* "  Test  #10: name", "  Test #100: name" */
		if (nr_known < 4096 && sscanf(line, " Test #%d: %511s", &nr, name) == 2)
			known_tests[nr_known++] = strdup(name);
	}
	if (pclose(p) || nr_known < 10)
		FAIL("ctest -N listed %d tests", nr_known);
}

static void check_every_case_used(const char *cases_bin)
{
	char cmd[4096], line[256];
	snprintf(cmd, sizeof(cmd), "'%s' --list", cases_bin);
	FILE *p = popen(cmd, "r");
	if (!p) {
		FAIL("cannot run %s", cmd);
		return;
	}
	int n = 0;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		bool used = false;
		for (int i = 0; i < nr_used && !used; i++)
			used = !strcmp(used_cases[i], line);
		if (!used)
			FAIL("case %s is in no row of the catalogue", line);
		n++;
	}
	if (pclose(p) || !n)
		FAIL("%s --list failed", cases_bin);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s README.md CATALOGUE_CASES CTEST BUILD_DIR [ABSENT_PREFIX...]\n",
			argv[0]);
		return 2;
	}
	absent_prefixes = argv + 5;
	nr_absent = argc - 5;
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	load_ctest_names(argv[3], argv[4]);
	static char line[16384];
	bool in_section = false, in_table = false;
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "## ", 3)) {
			if (in_section)
				break;
			in_section = !strcmp(line, "## Bad input catalogue");
			continue;
		}
		if (!in_section)
			continue;
		if (line[0] != '|') {
			if (in_table)
				in_table = false;
			continue;
		}
		char *cells[MAX_CELLS];
		int n = split_row(line, cells);
		if (!in_table) {            /* the header row */
			in_table = true;
			if (n != 6)
				FAIL("the header has %d columns, not 6", n);
			continue;
		}
		if (strstr(cells[0], "---"))
			continue;
		if (n != 6) {
			FAIL("row with %d cells: %s", n, cells[0]);
			continue;
		}
		rows++;
		check_row(argv[2], cells[0], cells[2], cells[5]);
	}
	fclose(f);
	if (!in_section)
		FAIL("no '## Bad input catalogue' section in %s", argv[1]);
	if (rows < 20)
		FAIL("only %d rows", rows);
	check_every_case_used(argv[2]);
	printf("%d rows\n", rows);
	return failures ? 1 : 0;
}
