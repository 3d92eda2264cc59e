/* lib/boot/memblock_internal.h - what the memblock*.c files share and nobody else needs:
 * the debug print (the kernel's memblock_dbg), the %pS-style caller formatter, rgn_end().
 */
#ifndef NUMAMM_LIB_BOOT_MEMBLOCK_INTERNAL_H
#define NUMAMM_LIB_BOOT_MEMBLOCK_INTERNAL_H

#include <numamm/linux/memblock.h>

/* Print one line to stderr when memblock_debug is set, as the kernel's memblock_dbg(). */
#define memblock_dbg(...)                                                                       \
	do {                                                                                    \
		if (unlikely(memblock_debug))                                                   \
			nmm_memblock_printf(__VA_ARGS__);                                       \
	} while (0)

void nmm_memblock_printf(const char *fmt, ...) __printf(1, 2);

/* nmm_memblock_caller - format @ip as the kernel's %pS would ("func+0x1c"), or as a bare
 * address when the symbol is unknown; returns @buf. */
const char *nmm_memblock_caller(void *ip, char *buf, size_t len);

static inline phys_addr_t rgn_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

#define NMM_CALLER_LEN 96
#define _RET_IP_ __builtin_return_address(0)

#endif
