/* lib/stats/vmalloc_reports.c - /proc/vmallocinfo (mm/vmalloc.c: s_show, show_numa_info,
 * show_purge_info), one line per live area in address order, then the areas waiting for a purge:
 *
 *   0x00007f3c40000000-0x00007f3c40005000   20480 load_table+0x1c/0x90 pages=4 vmalloc N0=4
 *   0x00007f3c40005000-0x00007f3c40007000    8192 unpurged vm_area
 *
 * The size includes the guard page, the caller is symbol+offset/size when the symbol is
 * visible to dladdr (exported: a shared library, or a program linked with -rdynamic), else its
 * address, as %pS prints it without symbols.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <numamm/linux/mm.h>
#include <numamm/linux/numa.h>

#include "../vmalloc/internal.h"
#include "stats.h"

struct vi_ctx {
	FILE *out;
	int nr_nodes;
};

static void print_symbol(FILE *out, const void *caller)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (dladdr1(caller, &info, (void **)&sym, RTLD_DL_SYMENT) && info.dli_sname && info.dli_saddr) {
		fprintf(out, " %s+%#lx/%#lx", info.dli_sname,
			(unsigned long)((const char *)caller - (const char *)info.dli_saddr),
			sym ? (unsigned long)sym->st_size : 0UL);
		return;
	}
	fprintf(out, " %#lx", (unsigned long)caller);
}

static void show_area(const struct vmap_area *va, void *arg)
{
	struct vi_ctx *c = arg;
	FILE *out = c->out;
	unsigned long size = va->va_end - va->va_start;
	if (va->state == VA_LAZY) {
		fprintf(out, "0x%016lx-0x%016lx %7lu unpurged vm_area\n", (unsigned long)va->va_start,
			(unsigned long)va->va_end, size);
		return;
	}
	fprintf(out, "0x%016lx-0x%016lx %7lu", (unsigned long)va->va_start, (unsigned long)va->va_end,
		size);
	if (va->caller)
		print_symbol(out, va->caller);
	if (va->nr_pages)
		fprintf(out, " pages=%u", va->nr_pages);
	if (va->flags & VM_IOREMAP)
		fputs(" ioremap", out);
	if (va->flags & VM_ALLOC)
		fputs(" vmalloc", out);
	if (va->flags & VM_MAP)
		fputs(" vmap", out);
	if (va->flags & VM_USERMAP)
		fputs(" user", out);
	if (va->flags & VM_DMA_COHERENT)
		fputs(" dma-coherent", out);
	if (va->nr_pages) {
		unsigned int count[NMM_MAX_NODES] = { 0 };
		const struct nmm_vm_pte *pte = vm_pte(va->va_start);
		for (unsigned int i = 0; i < va->nr_pages; i++)
			if (pte[i].page)
				count[page_to_nid(pte[i].page)]++;
		for (int n = 0; n < c->nr_nodes; n++)
			if (count[n])
				fprintf(out, " N%d=%u", n, count[n]);
	}
	fputc('\n', out);
}

int nmm_report_vmallocinfo(FILE *out)
{
	struct vi_ctx c = { out, nr_node_ids };
	nmm_vmap_area_walk(show_area, &c);
	return 0;
}
