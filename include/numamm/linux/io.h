/* linux/io.h - ioremap and the MMIO accessors, with the kernel's names and ordering rules.
 *
 * ioremap(phys, size) maps part of a PCI BAR that nmm_pci_open() registered in the iomem tree
 * (phys is the BAR's bus address, as in pci_resource_start()). The accessors follow
 * arch/x86/include/asm/io.h: on x86-64 every MMIO access is an uncached, strongly ordered
 * load or store, so readl/writel and their _relaxed forms are the same single mov, kept in
 * program order by a compiler barrier ("memory" clobber); on arm64 (asm/io.h there) readX is the
 * relaxed load followed by a "dmb oshld" so later memory reads wait for it, and writeX puts a
 * "dmb oshst" before the store so earlier DMA-buffer writes reach the device first.
 * ioreadN/iowriteN are the MMIO forms (numamm has no port I/O); the _rep forms repeat on one
 * register (FIFOs); memcpy_fromio/memcpy_toio/memset_io move aligned 8-byte words where they can.
 */
#ifndef NUMAMM_LINUX_IO_H
#define NUMAMM_LINUX_IO_H

#include <string.h>

#include "../ktypes.h"
#include "compiler.h"
#include "ioport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- barriers (asm/barrier.h) --------------------------------------------------------------- */
#if defined(__x86_64__)
#define mb()  __asm__ __volatile__("mfence" ::: "memory")
#define rmb() __asm__ __volatile__("lfence" ::: "memory")
#define wmb() __asm__ __volatile__("sfence" ::: "memory")
#define dma_rmb() barrier()
#define dma_wmb() barrier()
#define __io_ar() barrier()             /* after a read */
#define __io_bw() barrier()             /* before a write */
#elif defined(__aarch64__)
#define mb()  __asm__ __volatile__("dsb sy" ::: "memory")
#define rmb() __asm__ __volatile__("dsb ld" ::: "memory")
#define wmb() __asm__ __volatile__("dsb st" ::: "memory")
#define dma_rmb() __asm__ __volatile__("dmb oshld" ::: "memory")
#define dma_wmb() __asm__ __volatile__("dmb oshst" ::: "memory")
#define __io_ar() dma_rmb()
#define __io_bw() dma_wmb()
#else
#define mb()  __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#define dma_rmb() __sync_synchronize()
#define dma_wmb() __sync_synchronize()
#define __io_ar() __sync_synchronize()
#define __io_bw() __sync_synchronize()
#endif

/* --- raw accessors: one access of the given width, never split or merged ------------------- */
#if defined(__x86_64__)
#define NMM_BUILD_MMIO(bwl, type, reg)                                                        \
	static __always_inline type __raw_read##bwl(const volatile void __iomem *addr)        \
	{                                                                                      \
		type v;                                                                        \
		__asm__ __volatile__("mov" #bwl " %1, %0"                                      \
				     : "=" reg(v) : "m"(*(const volatile type __force *)addr) : "memory"); \
		return v;                                                                      \
	}                                                                                      \
	static __always_inline void __raw_write##bwl(type v, volatile void __iomem *addr)     \
	{                                                                                      \
		__asm__ __volatile__("mov" #bwl " %0, %1"                                      \
				     : : reg(v), "m"(*(volatile type __force *)addr) : "memory"); \
	}
NMM_BUILD_MMIO(b, u8, "q")
NMM_BUILD_MMIO(w, u16, "r")
NMM_BUILD_MMIO(l, u32, "r")
NMM_BUILD_MMIO(q, u64, "r")
#undef NMM_BUILD_MMIO
#else
#define NMM_BUILD_MMIO(bwl, type)                                                             \
	static __always_inline type __raw_read##bwl(const volatile void __iomem *addr)        \
	{ return *(const volatile type __force *)addr; }                                       \
	static __always_inline void __raw_write##bwl(type v, volatile void __iomem *addr)     \
	{ *(volatile type __force *)addr = v; }
NMM_BUILD_MMIO(b, u8)
NMM_BUILD_MMIO(w, u16)
NMM_BUILD_MMIO(l, u32)
NMM_BUILD_MMIO(q, u64)
#undef NMM_BUILD_MMIO
#endif

/* --- ordered and relaxed accessors (little-endian devices on little-endian CPUs) ----------- */
#define NMM_BUILD_ORDERED(bwl, type)                                                          \
	static __always_inline type read##bwl##_relaxed(const volatile void __iomem *addr)    \
	{ return __raw_read##bwl(addr); }                                                      \
	static __always_inline void write##bwl##_relaxed(type v, volatile void __iomem *addr) \
	{ __raw_write##bwl(v, addr); }                                                         \
	static __always_inline type read##bwl(const volatile void __iomem *addr)              \
	{ type v = __raw_read##bwl(addr); __io_ar(); return v; }                               \
	static __always_inline void write##bwl(type v, volatile void __iomem *addr)           \
	{ __io_bw(); __raw_write##bwl(v, addr); }
NMM_BUILD_ORDERED(b, u8)
NMM_BUILD_ORDERED(w, u16)
NMM_BUILD_ORDERED(l, u32)
NMM_BUILD_ORDERED(q, u64)
#undef NMM_BUILD_ORDERED

/* --- iomap interface (lib/iomap.c): MMIO only ---------------------------------------------- */
static __always_inline unsigned int ioread8(const void __iomem *a) { return readb(a); }
static __always_inline unsigned int ioread16(const void __iomem *a) { return readw(a); }
static __always_inline unsigned int ioread32(const void __iomem *a) { return readl(a); }
static __always_inline u64 ioread64(const void __iomem *a) { return readq(a); }
static __always_inline void iowrite8(u8 v, void __iomem *a) { writeb(v, a); }
static __always_inline void iowrite16(u16 v, void __iomem *a) { writew(v, a); }
static __always_inline void iowrite32(u32 v, void __iomem *a) { writel(v, a); }
static __always_inline void iowrite64(u64 v, void __iomem *a) { writeq(v, a); }

/* String forms: @count accesses to the same register (a FIFO), to or from @buf. */
#define NMM_BUILD_REP(bwl, n, type)                                                           \
	static inline void ioread##n##_rep(const void __iomem *a, void *buf, unsigned long count) \
	{                                                                                      \
		type *p = (type *)buf;                                                         \
		while (count--)                                                                \
			*p++ = __raw_read##bwl(a);                                             \
		__io_ar();                                                                     \
	}                                                                                      \
	static inline void iowrite##n##_rep(void __iomem *a, const void *buf, unsigned long count) \
	{                                                                                      \
		const type *p = (const type *)buf;                                             \
		__io_bw();                                                                     \
		while (count--)                                                                \
			__raw_write##bwl(*p++, a);                                             \
	}                                                                                      \
	static inline void reads##bwl(const volatile void __iomem *a, void *buf, unsigned long count) \
	{ ioread##n##_rep((const void __force *)a, buf, count); }                              \
	static inline void writes##bwl(volatile void __iomem *a, const void *buf, unsigned long count) \
	{ iowrite##n##_rep((void __force *)a, buf, count); }
NMM_BUILD_REP(b, 8, u8)
NMM_BUILD_REP(w, 16, u16)
NMM_BUILD_REP(l, 32, u32)
#undef NMM_BUILD_REP

/**
 * memcpy_fromio - copy @n bytes from MMIO @from to memory @to.
 * Byte accesses up to 8-byte alignment of the source, then 8-byte loads, then bytes: a device
 * sees only naturally aligned accesses (some, like QEMU's edu, answer only 4- and 8-byte ones).
 */
void memcpy_fromio(void *to, const volatile void __iomem *from, size_t n);
/* memcpy_toio - copy @n bytes from memory @from to MMIO @to; same access pattern. */
void memcpy_toio(volatile void __iomem *to, const void *from, size_t n);
/* memset_io - set @n bytes of MMIO at @a to @c; same access pattern. */
void memset_io(volatile void __iomem *a, int c, size_t n);

/**
 * ioremap - map [@phys, @phys + @size) of a PCI BAR opened with nmm_pci_open().
 * @phys: bus address inside a BAR (pci_resource_start(pdev, bar) + offset)
 * @size: bytes; the range must not cross the BAR's end
 *
 * Context: may sleep (mmap of the device's region); takes the io lock.
 * Return: the MMIO address of @phys, or NULL — with one line on stderr — when @size is 0, no
 * BAR holds @phys, the range crosses the BAR's end, or the BAR cannot be mapped (I/O BAR).
 */
void __iomem *ioremap(phys_addr_t phys, size_t size);
/* ioremap_uc / ioremap_nocache - uncached: what ioremap() gives (VFIO and sysfs map UC). */
void __iomem *ioremap_uc(phys_addr_t phys, size_t size);
#define ioremap_nocache ioremap_uc
/* ioremap_wc - write-combining where the backend offers it (sysfs resourceN_wc of a
 * prefetchable BAR); otherwise an uncached mapping, as the kernel falls back to UC-. */
void __iomem *ioremap_wc(phys_addr_t phys, size_t size);

/**
 * iounmap - undo one ioremap().
 * Return: nothing; an address no ioremap() returned (or one unmapped already) is reported on
 * stderr as "iounmap: bad address" and ignored.
 */
void iounmap(volatile void __iomem *addr);

#ifdef __cplusplus
}
#endif
#endif
