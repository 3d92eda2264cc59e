/* top_once_sorts_caches_by_each_key: a child creates three caches (2048-byte objects x 10 live,
 * 64 x 900, 512 x 300); `numamm-top --once -s K` lists them with slabtop's columns and ACTIVE
 * counts at least the live objects, and every row order follows K: a = active objects,
 * o = objects, s = object size, c = cache size (largest first), n = name (A-Z). Skips while no
 * slab back end boots. */
#include "stats_test.h"

struct row {
	unsigned long objs, active, slabs, per_slab, cache_kb;
	double size_k;
	char name[64];
};

static int parse(char *out, struct row *r, int max)
{
	char *p = strstr(out, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n");
	REQUIRE(p);
	p = strchr(p, '\n') + 1;
	int n = 0;
	while (*p && *p != '\n' && n < max) {
		unsigned use;
		if (sscanf(p, "%lu %lu %u%% %lfK %lu %lu %luK %63s", &r[n].objs, &r[n].active, &use,
			   &r[n].size_k, &r[n].slabs, &r[n].per_slab, &r[n].cache_kb, r[n].name) == 8)
			n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return n;
}

static bool in_order(char key, const struct row *a, const struct row *b)
{
	switch (key) {
	case 'a': return a->active >= b->active;
	case 'o': return a->objs >= b->objs;
	case 's': return a->size_k >= b->size_k;
	case 'c': return a->cache_kb >= b->cache_kb;
	default: return strcmp(a->name, b->name) <= 0;
	}
}

int main(int argc, char **argv)
{
	const char *stat_tool, *top_tool;
	tools_from_args(argc, argv, &stat_tool, &top_tool);
	struct child c = child_start(CHILD_EXPORT | CHILD_CACHES);
	char why[160];
	if (!child_has_caches(&c, why, sizeof(why))) {
		child_quit(&c);
		SKIP("%s", why);
	}
	static const char keys[] = "aoscn";
	for (const char *k = keys; *k; k++) {
		char cmd[512];
		int rc;
		snprintf(cmd, sizeof(cmd), "%s --once -s %c %d", top_tool, *k, (int)c.pid);
		char *out = run(cmd, &rc);
		CHECK_EQ(rc, 0);
		static struct row r[512];
		int n = parse(out, r, 512);
		int seen = 0;
		for (int i = 0; i < n; i++) {
			if (i && !in_order(*k, &r[i - 1], &r[i])) {
				fprintf(stderr, "-s %c: row %d (%s) before row %d (%s)\n", *k, i - 1, r[i - 1].name, i,
					r[i].name);
				test_failures++;
			}
			for (int j = 0; j < NR_CHILD_CACHES; j++) {
				if (strcmp(r[i].name, child_caches[j].name))
					continue;
				seen++;
				CHECK(r[i].active >= (unsigned long)child_caches[j].live);
				CHECK(r[i].size_k * 1024 >= child_caches[j].size);
				CHECK(r[i].objs >= r[i].active);
			}
		}
		CHECK_EQ(seen, NR_CHILD_CACHES);
		if (test_failures)
			fprintf(stderr, "numamm-top -s %c printed:\n%s", *k, out);
		free(out);
	}
	CHECK_EQ(child_quit(&c), 0);
	return test_done();
}
