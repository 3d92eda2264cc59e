/* fuzz/fuzz_common.h - what the operation-program fuzz targets share: their boot line
 * ($NMM_FUZZ_BOOT or the target's default), a cursor reading the input (zeros once it runs out,
 * so every input is a complete program) and the settled free page count they compare before
 * and after an input. */
#ifndef NUMAMM_FUZZ_COMMON_H
#define NUMAMM_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/gfp.h>
#include <numamm/numamm.h>

#include "slab/slab.h"

/* The boot line: $NMM_FUZZ_BOOT, else the target's @dflt. */
static inline const char *fuzz_boot_line(const char *dflt)
{
	const char *line = getenv("NMM_FUZZ_BOOT");
	return line ? line : dflt;
}

/* Boot numamm with fuzz_boot_line(@dflt); a boot that fails ends the run (@target names it). */
static inline void fuzz_boot(const char *target, const char *dflt)
{
	const char *line = fuzz_boot_line(dflt);
	if (nmm_boot(line)) {
		fprintf(stderr, "%s: cannot boot '%s': %s\n", target, line, nmm_boot_strerror());
		abort();
	}
}

struct cursor {
	const uint8_t *p, *end;
};

static inline unsigned next8(struct cursor *c)
{
	return c->p < c->end ? *c->p++ : 0;
}

static inline unsigned next16(struct cursor *c)
{
	unsigned lo = next8(c);
	return lo | next8(c) << 8;
}

/* Free pages once the kmalloc caches gave back their empty slabs and the pcp lists drained. */
static inline unsigned long fuzz_settled_free_pages(void)
{
	kmalloc_caches_settle();
	drain_all_pages(NULL);
	return nr_free_pages();
}

#endif
