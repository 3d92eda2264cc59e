/* numamm/mag_types.h - the layout of a per-CPU magazine (lib/percpu/mag.h has the code), here
 * so that structures such as struct per_cpu_pages can embed magazines. */
#ifndef NUMAMM_MAG_TYPES_H
#define NUMAMM_MAG_TYPES_H

#include <stdint.h>

#define NMM_MAG_SLOTS 30     /* 16 + 30 * 8 = 256 bytes: a power of two to index */

struct nmm_mag {
	uint64_t word;            /* count (bits 0..15) | pushes (bits 16..63): the commit word */
	int32_t locked;           /* a drainer on another CPU owns the magazine */
	uint32_t cap;
	void *slot[NMM_MAG_SLOTS];
};
_Static_assert(sizeof(struct nmm_mag) == 256, "struct nmm_mag should be 256 bytes");

#endif
