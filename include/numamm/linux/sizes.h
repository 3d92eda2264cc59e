/* linux/sizes.h - SZ_* constants, as the kernel spells them. */
#ifndef NUMAMM_LINUX_SIZES_H
#define NUMAMM_LINUX_SIZES_H
#define SZ_1K   0x00000400UL
#define SZ_4K   0x00001000UL
#define SZ_8K   0x00002000UL
#define SZ_16K  0x00004000UL
#define SZ_64K  0x00010000UL
#define SZ_1M   0x00100000UL
#define SZ_2M   0x00200000UL
#define SZ_4M   0x00400000UL
#define SZ_16M  0x01000000UL
#define SZ_64M  0x04000000UL
#define SZ_128M 0x08000000UL
#define SZ_256M 0x10000000UL
#define SZ_512M 0x20000000UL
#define SZ_1G   0x40000000UL
#define SZ_2G   0x80000000UL
#define SZ_4G   0x100000000ULL
#endif
