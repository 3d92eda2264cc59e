/* lib/boot/memblock_dump.c - memblock's debug output: the "MEMBLOCK configuration:" table of
 * memblock_dump_all() and the one-line memblock_dbg() trace with the caller, in the formats of
 * Linux 6.x mm/memblock.c (memblock_dump, __memblock_dump_all, memblock_dbg and %pa / %pS).
 *
 * The kernel's %pa prints a phys_addr_t as 0x plus 16 hex digits, and its %#x prints zero as
 * "0x0" (glibc prints "0"), so the formats below spell those out.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>

#include "boot/memblock_internal.h"

void nmm_memblock_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

const char *nmm_memblock_caller(void *ip, char *buf, size_t len)
{
	Dl_info info;

	if (dladdr(ip, &info) && info.dli_sname && info.dli_saddr)
		snprintf(buf, len, "%s+0x%lx", info.dli_sname,
			 (unsigned long)((uintptr_t)ip - (uintptr_t)info.dli_saddr));
	else
		snprintf(buf, len, "%p", ip);
	return buf;
}

static void memblock_dump_type(FILE *f, const struct memblock_type *type)
{
	unsigned long idx;

	fprintf(f, " %s.cnt  = 0x%lx\n", type->name, type->cnt);
	for (idx = 0; idx < type->cnt; idx++) {
		const struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t end = rgn->base + rgn->size - 1;
		char nid_buf[32] = "";

		if (numa_valid_node(memblock_get_region_node(rgn)))
			snprintf(nid_buf, sizeof(nid_buf), " on node %d",
				 memblock_get_region_node(rgn));
		fprintf(f, " %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes%s flags: 0x%x\n",
			type->name, idx, (unsigned long long)rgn->base, (unsigned long long)end,
			(unsigned long long)rgn->size, nid_buf, (unsigned int)rgn->flags);
	}
}

/**
 * nmm_memblock_dump - print the memblock tables in the kernel's memblock_dump_all() format
 * @f: stream to print to
 *
 * One "MEMBLOCK configuration:" header, the memory and reserved totals, then each type's
 * count and regions (" memory[0x0]\t[0x...-0x...], 0x... bytes on node 0 flags: 0x0"; the
 * node is left out for regions that have none, such as reserved ones).
 * Context: while no other thread changes memblock.
 */
void nmm_memblock_dump(FILE *f)
{
	fprintf(f, "MEMBLOCK configuration:\n");
	fprintf(f, " memory size = 0x%016llx reserved size = 0x%016llx\n",
		(unsigned long long)memblock.memory.total_size,
		(unsigned long long)memblock.reserved.total_size);
	memblock_dump_type(f, &memblock.memory);
	memblock_dump_type(f, &memblock.reserved);
}

/**
 * memblock_dump_all - print the memblock tables to stderr when memblock_debug is set
 *
 * As in the kernel, this prints nothing unless booted with memblock=debug; use
 * nmm_memblock_dump() to print unconditionally.
 * Context: while no other thread changes memblock.
 */
void memblock_dump_all(void)
{
	if (memblock_debug)
		nmm_memblock_dump(stderr);
}
