/* lib/boot/cmdline.c - the boot command line (nmm_boot() argument or $NUMAMM_BOOT).
 *
 * Kernel-style "key=value" tokens separated by blanks, parsed once into struct nmm_boot_params.
 * Sizes use the kernel's memparse() suffixes (K, M, G, T). Unlike the kernel, an unknown or bad
 * token is an error: a typo in a benchmark's layout must not silently boot something else.
 * Every error names the token and its 1-based column.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"

int nmm_memparse(const char *s, uint64_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	int shift = 0;
	switch (*end) {
	case 'T': case 't': shift = 40; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'K': case 'k': shift = 10; end++; break;
	default: break;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

struct parse_ctx {
	const char *token;   /* the whole token, for messages */
	int column;
	char *err;
	size_t errlen;
};

static int bad(struct parse_ctx *c, const char *what)
{
	snprintf(c->err, c->errlen, "%s in '%s' at column %d", what, c->token, c->column);
	return -EINVAL;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_on_off(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

/* memmap=nn[KMG]@ss[KMG][:node] (usable) or nn[KMG]$ss[KMG] (reserved); comma-separated. */
static int parse_memmap_one(struct parse_ctx *c, char *item, struct nmm_boot_params *p)
{
	char *at = strpbrk(item, "@$#!");
	if (!at)
		return bad(c, "expected nn@ss or nn$ss");
	char kind = *at;
	if (kind == '#' || kind == '!')
		return bad(c, "memmap kinds # and ! are not supported (use @ or $)");
	*at = '\0';
	uint64_t size, start;
	long node = 0;
	char *colon = kind == '@' ? strchr(at + 1, ':') : NULL;
	if (colon) {
		*colon = '\0';
		if (parse_int(colon + 1, 0, NMM_MAX_NODES - 1, &node))
			return bad(c, "bad node number");
	}
	if (nmm_memparse(item, &size) || size == 0)
		return bad(c, "bad size");
	if (nmm_memparse(at + 1, &start))
		return bad(c, "bad start address");
	if (start + size < start || start + size > (1ULL << MAX_PHYSMEM_BITS_BOOT))
		return bad(c, "range beyond the physical address space");
	if ((start | size) & 4095)
		return bad(c, "range not 4 KiB aligned");
	struct nmm_phys_range r = { start, start + size, (int)node };
	if (kind == '@') {
		if (p->nr_usable == NMM_MAX_MEMMAP)
			return bad(c, "too many memmap ranges");
		p->usable[p->nr_usable++] = r;
	} else {
		if (p->nr_reserved == NMM_MAX_MEMMAP)
			return bad(c, "too many memmap ranges");
		r.nid = -1;
		p->reserved[p->nr_reserved++] = r;
	}
	return 0;
}

static int parse_kv(struct parse_ctx *c, char *key, char *val, struct nmm_boot_params *p)
{
	static const char *const known[] = { "mem", "node_mem", "memmap", "numa", "hugepages", "backing",
					     "lowmem", "highmem", "memblock", "populate", "min_free_kbytes",
					     "watermark_scale_factor", "page_grouping", "hotplug", "slab",
					     "slab_nomerge", "slab_merge", "slub_debug", "vmalloc",
					     "thp_defer", "memmap_defer" };
	int fault_point = nmm_fault_point_by_name(key);
	if (fault_point >= 0) {
		/* fail_page_alloc=<interval>,<probability>,<space>,<times>[,flags] (lib/fault). */
		char why[160];
		if (!val)
			return bad(c, "missing '=<interval>,<probability>,<space>,<times>'");
		if (nmm_fault_parse(fault_point, val, &p->fault[fault_point].attr, why, sizeof(why)))
			return bad(c, why);
		p->fault[fault_point].given = true;
		return 0;
	}
	bool is_known = false;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		is_known |= !strcmp(key, known[i]);
	if (!is_known)
		return bad(c, "unknown parameter");
	/* Flags without a value, as the kernel spells them. */
	if (!strcmp(key, "slab_nomerge") || !strcmp(key, "slab_merge")) {
		if (val)
			return bad(c, "takes no value");
		p->slab_nomerge = !strcmp(key, "slab_nomerge");
		return 0;
	}
	if (!strcmp(key, "slub_debug")) {
		/* slub_debug alone = every check on every cache (FZPU); lib/slab/debug.c parses it. */
		const char *v = val ? val : "FZPU";
		if (strlen(v) >= sizeof(p->slub_debug))
			return bad(c, "value too long");
		strcpy(p->slub_debug, v);
		return 0;
	}
	if (!val)
		return bad(c, "missing '=value'");
	if (!strcmp(key, "vmalloc")) {
		if (nmm_memparse(val, &p->vmalloc) || p->vmalloc < (16ULL << 20) || p->vmalloc > (1ULL << 46))
			return bad(c, "bad size (16M to 64T)");
		return 0;
	}
	if (!strcmp(key, "thp_defer")) {
		if (nmm_memparse(val, &p->thp_defer) || p->thp_defer > (1ULL << 46))
			return bad(c, "bad size (0 to 64T)");
		return 0;
	}
	if (!strcmp(key, "memmap_defer")) {
		if (nmm_memparse(val, &p->memmap_defer) || !p->memmap_defer || p->memmap_defer > (1ULL << 46))
			return bad(c, "bad size (4K to 64T)");
		return 0;
	}
	if (!strcmp(key, "slab")) {
		if (strcmp(val, "slub") && strcmp(val, "slab") && strcmp(val, "slob"))
			return bad(c, "expected slab=slub|slab|slob");
		snprintf(p->slab, sizeof(p->slab), "%s", val);
		return 0;
	}
	if (!strcmp(key, "mem")) {
		if (nmm_memparse(val, &p->mem) || p->mem < (2ULL << 20))
			return bad(c, "bad size (at least 2M)");
		return 0;
	}
	if (!strcmp(key, "node_mem")) {
		p->nr_node_mem = 0;
		for (char *s, *item = strtok_r(val, ",", &s); item; item = strtok_r(NULL, ",", &s)) {
			if (p->nr_node_mem == NMM_MAX_NODES)
				return bad(c, "too many node sizes");
			uint64_t v;
			if (nmm_memparse(item, &v))
				return bad(c, "bad size");
			p->node_mem[p->nr_node_mem++] = v;
		}
		if (!p->nr_node_mem)
			return bad(c, "bad size");
		return 0;
	}
	if (!strcmp(key, "memmap")) {
		for (char *s, *item = strtok_r(val, ",", &s); item; item = strtok_r(NULL, ",", &s)) {
			int r = parse_memmap_one(c, item, p);
			if (r)
				return r;
		}
		return 0;
	}
	if (!strcmp(key, "numa")) {
		long n;
		if (strncmp(val, "fake=", 5) || parse_int(val + 5, 1, NMM_MAX_NODES, &n))
			return bad(c, "expected numa=fake=N with 1 <= N <= 64");
		p->fake = n == 1 ? 0 : (int)n;
		return 0;
	}
	if (!strcmp(key, "hugepages")) {
		long n;
		if (!strcmp(val, "on"))
			p->hugepages = NMM_HUGEPAGES_ON;
		else if (!strcmp(val, "off"))
			p->hugepages = NMM_HUGEPAGES_OFF;
		else if (!strcmp(val, "auto"))
			p->hugepages = NMM_HUGEPAGES_AUTO;
		else if (!parse_int(val, 1, 1L << 30, &n)) {
			p->hugepages = NMM_HUGEPAGES_ON;
			p->hugepages_nr = (unsigned long)n;
		} else
			return bad(c, "expected hugepages=on|off|auto|N");
		return 0;
	}
	if (!strcmp(key, "backing")) {
		if (!strcmp(val, "auto"))
			p->backing = NMM_BACKING_NONE;
		else if (!strcmp(val, "hugetlb"))
			p->backing = NMM_BACKING_HUGETLB;
		else if (!strcmp(val, "thp"))
			p->backing = NMM_BACKING_THP;
		else if (!strcmp(val, "shmem"))
			p->backing = NMM_BACKING_SHMEM;
		else
			return bad(c, "expected backing=auto|hugetlb|thp|shmem");
		return 0;
	}
	if (!strcmp(key, "lowmem")) {
		if (nmm_memparse(val, &p->lowmem) || p->lowmem == 0 || (p->lowmem & 4095))
			return bad(c, "bad address (non-zero, 4 KiB aligned)");
		return 0;
	}
	if (!strcmp(key, "highmem")) {
		if (nmm_memparse(val, &p->highmem) || p->highmem == 0 || (p->highmem & 4095))
			return bad(c, "bad size (non-zero, 4 KiB aligned)");
		return 0;
	}
	if (!strcmp(key, "memblock")) {
		for (char *s, *item = strtok_r(val, ",", &s); item; item = strtok_r(NULL, ",", &s)) {
			if (!strcmp(item, "debug"))
				p->memblock_debug = true;
			else if (!strcmp(item, "bottomup"))
				p->bottom_up = true;
			else if (!strcmp(item, "topdown"))
				p->bottom_up = false;
			else
				return bad(c, "expected memblock=debug|bottomup|topdown");
		}
		return 0;
	}
	if (!strcmp(key, "populate")) {
		if (parse_on_off(val, &p->populate))
			return bad(c, "expected populate=on|off");
		return 0;
	}
	if (!strcmp(key, "min_free_kbytes")) {
		long v;
		if (parse_int(val, 128, 1L << 30, &v))
			return bad(c, "expected min_free_kbytes=128..1073741824");
		p->min_free_kbytes = (int)v;
		return 0;
	}
	if (!strcmp(key, "watermark_scale_factor")) {
		long v;
		if (parse_int(val, 1, 3000, &v))
			return bad(c, "expected watermark_scale_factor=1..3000");
		p->watermark_scale_factor = (int)v;
		return 0;
	}
	if (!strcmp(key, "page_grouping")) {
		bool on;
		if (parse_on_off(val, &on))
			return bad(c, "expected page_grouping=on|off");
		p->no_page_grouping = !on;
		return 0;
	}
	if (!strcmp(key, "hotplug")) {
		/* hotplug=SIZE for every node with memory, or hotplug=S0,S1,... per node. */
		uint64_t v[NMM_MAX_NODES];
		int n = 0;
		if (!*val || *val == ',' || val[strlen(val) - 1] == ',' || strstr(val, ",,"))
			return bad(c, "bad size");
		for (char *s, *item = strtok_r(val, ",", &s); item; item = strtok_r(NULL, ",", &s)) {
			if (n == NMM_MAX_NODES)
				return bad(c, "too many node sizes");
			if (nmm_memparse(item, &v[n]) || v[n] > (1ULL << MAX_PHYSMEM_BITS_BOOT) / 2)
				return bad(c, "bad size (at most 32T)");
			n++;
		}
		if (n == 1) {
			p->hotplug = v[0];
			p->nr_node_hotplug = 0;
		} else {
			p->hotplug = 0;
			memcpy(p->node_hotplug, v, sizeof(v[0]) * (size_t)n);
			p->nr_node_hotplug = n;
		}
		return 0;
	}
	return bad(c, "unknown parameter");   /* in known[] but not handled above: a bug here */
}

int nmm_cmdline_parse(const char *line, struct nmm_boot_params *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (err && errlen)
		err[0] = '\0';
	if (!line)
		line = "";
	if (strlen(line) >= sizeof(p->cmdline)) {
		snprintf(err, errlen, "command line longer than %zu bytes", sizeof(p->cmdline) - 1);
		return -EINVAL;
	}
	strcpy(p->cmdline, line);
	p->min_free_kbytes = -1;
	p->watermark_scale_factor = 10;

	const char *s = line;
	while (*s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		char tok[NMM_CMDLINE_MAX], work[NMM_CMDLINE_MAX];
		size_t n = (size_t)(s - start);
		memcpy(tok, start, n);
		tok[n] = '\0';
		memcpy(work, tok, n + 1);
		struct parse_ctx c = { tok, (int)(start - line) + 1, err, errlen };
		char *eq = strchr(work, '=');
		if (eq)
			*eq = '\0';
		if (!work[0])
			return bad(&c, "empty parameter name");
		int r = parse_kv(&c, work, eq ? eq + 1 : NULL, p);
		if (r)
			return r;
	}
	if (p->lowmem && p->highmem) {
		snprintf(err, errlen, "lowmem= and highmem= both given; use one");
		return -EINVAL;
	}
	bool hotplug = p->hotplug != 0;
	for (int i = 0; i < p->nr_node_hotplug; i++)
		hotplug |= p->node_hotplug[i] != 0;
	if (hotplug && (p->lowmem || p->highmem)) {
		snprintf(err, errlen, "hotplug= with %s: hot-added memory is lowmem only",
			 p->lowmem ? "lowmem=" : "highmem=");
		return -EINVAL;
	}
	if (p->hugepages == NMM_HUGEPAGES_OFF && p->backing == NMM_BACKING_HUGETLB) {
		snprintf(err, errlen, "backing=hugetlb contradicts hugepages=off");
		return -EINVAL;
	}
	if (p->hugepages == NMM_HUGEPAGES_ON && p->backing != NMM_BACKING_NONE &&
	    p->backing != NMM_BACKING_HUGETLB) {
		snprintf(err, errlen, "backing=%s contradicts hugepages=on", nmm_backing_name(p->backing));
		return -EINVAL;
	}
	if (p->nr_usable && (p->mem || p->nr_node_mem)) {
		snprintf(err, errlen, "memmap=nn@ss gives the layout; mem= and node_mem= cannot be combined with it");
		return -EINVAL;
	}
	return 0;
}
