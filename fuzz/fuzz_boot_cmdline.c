/* fuzz_boot_cmdline: arbitrary bytes (a bounded, NUL-terminated copy) as a boot command line.
 *
 * nmm_cmdline_parse() must return 0 or -EINVAL and never write past the error buffer (the
 * buffers are exactly errlen bytes of heap, so ASan sees an overflow). On -EINVAL the message is
 * NUL-terminated and either names the offending token and its 1-based column exactly as the line
 * has them ("... in 'TOKEN' at column N") or is one of the whole-line messages. A line that
 * parses parses again from p->cmdline to the same struct. nmm_memparse() of the whole input and
 * of what follows the first '=' agrees with an independent reference implementation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"

#define FUZZ_MAX_LINE 1100   /* a little over NMM_CMDLINE_MAX: the too-long path too */

#define FAIL(...)                                                                   \
	do {                                                                        \
		fprintf(stderr, "fuzz_boot_cmdline: " __VA_ARGS__);                 \
		fputc('\n', stderr);                                                \
		abort();                                                            \
	} while (0)

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The reference memparse: strtoull base 0 semantics (0x hex, 0 octal, decimal) without
 * strtoull, then one K/M/G/T suffix, nothing after, no overflow. */
static int ref_memparse(const char *s, uint64_t *out)
{
	unsigned base = 10;
	const char *d = s;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		char c = d[2];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			base = 16;
			d += 2;
		}
	} else if (d[0] == '0') {
		base = 8;
	}
	uint64_t v = 0;
	int digits = 0;
	for (;; d++) {
		unsigned dv;
		char c = *d;
		if (c >= '0' && c <= '9')
			dv = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			dv = (unsigned)(c - 'a') + 10;
		else if (c >= 'A' && c <= 'Z')
			dv = (unsigned)(c - 'A') + 10;
		else
			break;
		if (dv >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, dv, &v))
			return -EINVAL;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	int shift = 0;
	switch (*d) {
	case 'T': case 't': shift = 40; d++; break;
	case 'G': case 'g': shift = 30; d++; break;
	case 'M': case 'm': shift = 20; d++; break;
	case 'K': case 'k': shift = 10; d++; break;
	default: break;
	}
	if (*d)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static void check_memparse(const char *s)
{
	uint64_t got = 0xdeadbeef, want = 0;
	int r = nmm_memparse(s, &got), w = ref_memparse(s, &want);
	if (r != 0 && r != -EINVAL)
		FAIL("nmm_memparse('%s') returned %d", s, r);
	if (r != w)
		FAIL("nmm_memparse('%s') returned %d, reference %d", s, r, w);
	if (!r && got != want)
		FAIL("nmm_memparse('%s') = %llu, reference %llu", s, (unsigned long long)got,
		     (unsigned long long)want);
	if (r && got != 0xdeadbeef)
		FAIL("nmm_memparse('%s') failed but wrote its output", s);
}

static const char *const whole_line_errors[] = {
	"command line longer than ", "lowmem= and highmem= both given",
	"hotplug= with ", "backing=hugetlb contradicts hugepages=off",
	"backing=", /* "backing=%s contradicts hugepages=on" */
	"memmap=nn@ss gives the layout",
};

/* -EINVAL: the message names a token at its column, or is a whole-line message. */
static void check_error(const char *line, const char *err)
{
	size_t elen = strlen(err);
	if (!elen)
		FAIL("'%s': -EINVAL with an empty message", line);
	const char *at = NULL;
	for (const char *q = strstr(err, "' at column "); q; q = strstr(q + 1, "' at column "))
		at = q;
	if (at) {
		char *end;
		long col = strtol(at + 12, &end, 10);
		if (*end || col < 1 || (size_t)col > strlen(line))
			FAIL("'%s': error '%s' has a bad column", line, err);
		const char *tok = line + col - 1;
		if (is_space(*tok) || (col > 1 && !is_space(tok[-1])))
			FAIL("'%s': error '%s': column %ld is not the start of a token", line, err, col);
		size_t tlen = 0;
		while (tok[tlen] && !is_space(tok[tlen]))
			tlen++;
		/* "<what> in '<token>' at column <col>" */
		const char *open = at - tlen;
		if (open < err + 5 || memcmp(open - 5, " in '", 5) || memcmp(open, tok, tlen))
			FAIL("'%s': error '%s' does not name token '%.*s' at column %ld", line, err,
			     (int)tlen, tok, col);
		return;
	}
	for (size_t i = 0; i < sizeof(whole_line_errors) / sizeof(whole_line_errors[0]); i++)
		if (!strncmp(err, whole_line_errors[i], strlen(whole_line_errors[i])))
			return;
	FAIL("'%s': error '%s' names no token, column or known whole-line problem", line, err);
}

static void check_same(const struct nmm_boot_params *a, const struct nmm_boot_params *b)
{
#define SAME(f) do { if (a->f != b->f) FAIL("re-parse of '%s' differs in " #f, a->cmdline); } while (0)
	if (strcmp(a->cmdline, b->cmdline))
		FAIL("re-parse of '%s' gives cmdline '%s'", a->cmdline, b->cmdline);
	SAME(mem);
	SAME(nr_node_mem);
	for (int i = 0; i < NMM_MAX_NODES; i++) {
		SAME(node_mem[i]);
		SAME(node_hotplug[i]);
	}
	SAME(nr_usable);
	SAME(nr_reserved);
	for (int i = 0; i < NMM_MAX_MEMMAP; i++) {
		SAME(usable[i].start); SAME(usable[i].end); SAME(usable[i].nid);
		SAME(reserved[i].start); SAME(reserved[i].end); SAME(reserved[i].nid);
	}
	SAME(fake); SAME(hugepages); SAME(hugepages_nr); SAME(backing); SAME(lowmem); SAME(highmem);
	SAME(memblock_debug); SAME(bottom_up); SAME(populate); SAME(min_free_kbytes);
	SAME(watermark_scale_factor); SAME(no_page_grouping); SAME(hotplug); SAME(nr_node_hotplug);
#undef SAME
}

/* Facts every parsed line satisfies. */
static void check_parsed(const struct nmm_boot_params *p)
{
	if (p->nr_node_mem < 0 || p->nr_node_mem > NMM_MAX_NODES || p->nr_usable < 0 ||
	    p->nr_usable > NMM_MAX_MEMMAP || p->nr_reserved < 0 || p->nr_reserved > NMM_MAX_MEMMAP ||
	    p->nr_node_hotplug < 0 || p->nr_node_hotplug > NMM_MAX_NODES)
		FAIL("'%s': a count out of range", p->cmdline);
	if (p->fake < 0 || p->fake == 1 || p->fake > NMM_MAX_NODES)
		FAIL("'%s': fake=%d", p->cmdline, p->fake);
	if (p->mem && p->mem < (2ULL << 20))
		FAIL("'%s': mem=%llu below 2M", p->cmdline, (unsigned long long)p->mem);
	for (int i = 0; i < p->nr_usable; i++) {
		const struct nmm_phys_range *r = &p->usable[i];
		if (r->start >= r->end || ((r->start | r->end) & 4095) ||
		    r->end > (1ULL << MAX_PHYSMEM_BITS_BOOT) || r->nid < 0 || r->nid >= NMM_MAX_NODES)
			FAIL("'%s': bad usable range %d", p->cmdline, i);
	}
	for (int i = 0; i < p->nr_reserved; i++) {
		const struct nmm_phys_range *r = &p->reserved[i];
		if (r->start >= r->end || ((r->start | r->end) & 4095) ||
		    r->end > (1ULL << MAX_PHYSMEM_BITS_BOOT) || r->nid != -1)
			FAIL("'%s': bad reserved range %d", p->cmdline, i);
	}
	if ((p->lowmem && p->highmem) || (p->lowmem & 4095) || (p->highmem & 4095))
		FAIL("'%s': lowmem/highmem", p->cmdline);
	if (p->nr_usable && (p->mem || p->nr_node_mem))
		FAIL("'%s': memmap@ with mem=/node_mem=", p->cmdline);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_LINE)
		size = FUZZ_MAX_LINE;
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';

	static struct nmm_boot_params p, q;
	size_t errlen = 4096;   /* never truncates: every message is shorter than twice a line */
	char *err = malloc(errlen);
	memset(err, 'X', errlen);
	int r = nmm_cmdline_parse(line, &p, err, errlen);
	if (r != 0 && r != -EINVAL)
		FAIL("'%s': nmm_cmdline_parse returned %d", line, r);
	if (!memchr(err, '\0', errlen))
		FAIL("'%s': error text not NUL-terminated", line);
	if (r == 0) {
		if (err[0])
			FAIL("'%s': success with an error message '%s'", line, err);
		check_parsed(&p);
		char again[NMM_CMDLINE_MAX];
		memcpy(again, p.cmdline, sizeof(again));
		if (nmm_cmdline_parse(again, &q, err, errlen) != 0)
			FAIL("'%s' parsed, its copy in p->cmdline does not: %s", line, err);
		check_same(&p, &q);
	} else {
		check_error(line, err);
	}
	/* A tiny error buffer: the message is cut, still terminated, nothing written past it. */
	size_t small = 1 + (size ? data[0] % 16 : 0);
	char *err2 = malloc(small);
	int r2 = nmm_cmdline_parse(line, &q, err2, small);
	if (r2 != r)
		FAIL("'%s': result %d with a %zu-byte error buffer, %d with a large one", line, r2, small, r);
	if (!memchr(err2, '\0', small))
		FAIL("'%s': short error text not NUL-terminated", line);
	if (r && strncmp(err2, err, small - 1))
		FAIL("'%s': short error '%s' is not a prefix of '%s'", line, err2, err);

	check_memparse(line);
	char *eq = strchr(line, '=');
	if (eq)
		check_memparse(eq + 1);
	free(err2);
	free(err);
	free(line);
	return 0;
}
