/* vmallocinfo_format: the vmallocinfo report has the kernel's /proc/vmallocinfo lines: address
 * range (guard page included in the size), size, caller as symbol+offset/size, pages=N, the
 * vmalloc / vmap / user flags, N<node>=count; a vmap area shows no pages=, a freed area waiting
 * for its purge is an "unpurged vm_area" line, and after the purge it is gone. */
#include <regex.h>

#include "vmt.h"

static char *report(void)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	REQUIRE(f);
	REQUIRE(nmm_report("vmallocinfo", f) == 0);
	fclose(f);
	return buf;
}

static int matches(const char *text, const char *re)
{
	regex_t r;
	REQUIRE(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE) == 0);
	int ok = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	if (!ok)
		fprintf(stderr, "no line matches /%s/ in:\n%s", re, text);
	return ok;
}

/* noinline: the caller vmallocinfo names. */
noinline void *vmt_load_table(unsigned long size)
{
	void *p = vmalloc(size);
	__asm__ volatile("" : : "r"(p) : "memory");   /* no tail call: vmalloc's caller is us */
	return p;
}

int main(void)
{
	vmt_boot(VMT_BOOT_SHMEM);
	char *v = vmt_load_table(5 * PAGE_SIZE);
	char *u = vmalloc_user(2 * PAGE_SIZE);
	struct page *pg[3] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	REQUIRE(v && u && pg[0] && pg[1] && pg[2]);
	char *m = vmap(pg, 3, 0, PAGE_KERNEL);
	REQUIRE(m);
	char *txt = report(), want[200];
	snprintf(want, sizeof(want),
		 "^0x%016lx-0x%016lx   24576 vmt_load_table\\+0x[0-9a-f]+/0x[0-9a-f]+ pages=5 vmalloc N0=5$",
		 (unsigned long)v, (unsigned long)v + 6 * PAGE_SIZE);
	CHECK(matches(txt, want));
	snprintf(want, sizeof(want), "^0x%016lx-0x%016lx   12288 [^ ]+ pages=2 vmalloc user N0=2$",
		 (unsigned long)u, (unsigned long)u + 3 * PAGE_SIZE);
	CHECK(matches(txt, want));
	snprintf(want, sizeof(want), "^0x%016lx-0x%016lx   16384 main\\+0x[0-9a-f]+/0x[0-9a-f]+ vmap$",
		 (unsigned long)m, (unsigned long)m + 4 * PAGE_SIZE);
	CHECK(matches(txt, want));
	/* Every line: the general shape, in address order. */
	unsigned long prev = 0, lines = 0;
	for (char *save, *l = strtok_r(txt, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e, sz;
		int used = 0;
		CHECK(sscanf(l, "0x%16lx-0x%16lx %7lu %n", &s, &e, &sz, &used) == 3 && used > 0);
		CHECK(s >= prev && e - s == sz && (sz & (PAGE_SIZE - 1)) == 0);
		prev = e;
		lines++;
	}
	CHECK_EQ(lines, 3);
	free(txt);

	vfree(v);
	txt = report();
	snprintf(want, sizeof(want), "^0x%016lx-0x%016lx   24576 unpurged vm_area$", (unsigned long)v,
		 (unsigned long)v + 6 * PAGE_SIZE);
	CHECK(matches(txt, want));
	free(txt);
	vm_unmap_aliases();
	txt = report();
	snprintf(want, sizeof(want), "0x%016lx-", (unsigned long)v);
	CHECK(strstr(txt, want) == NULL);
	free(txt);
	vunmap(m);
	vfree(u);
	for (int i = 0; i < 3; i++)
		__free_page(pg[i]);
	nmm_shutdown();
	return test_done();
}
