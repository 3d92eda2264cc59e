/* numamm/ktypes.h - the kernel's basic scalar types, for numamm's kernel-named headers.
 *
 * Not named linux/types.h on purpose: glibc headers include the system's <linux/types.h>, and
 * kernel-style code puts include/numamm on its include path, so we must not shadow it.
 */
#ifndef NUMAMM_KTYPES_H
#define NUMAMM_KTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;     /* numamm's synthetic physical address (the device's IOVA under VFIO) */
typedef u64 dma_addr_t;
typedef unsigned int gfp_t;
typedef unsigned int slab_flags_t;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#endif
