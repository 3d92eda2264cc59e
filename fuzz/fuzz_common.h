/* fuzz/fuzz_common.h - what the operation-program fuzz targets share: a cursor reading the
 * input (zeros once it runs out, so every input is a complete program) and the settled free
 * page count they compare before and after an input. */
#ifndef NUMAMM_FUZZ_COMMON_H
#define NUMAMM_FUZZ_COMMON_H

#include <stdint.h>

#include <linux/gfp.h>

#include "slab/slab.h"

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
