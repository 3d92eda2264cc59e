/* lib/io/iomem_copy.c - memcpy_fromio, memcpy_toio, memset_io (lib/iomem_copy.c in recent
 * kernels): a device must see naturally aligned accesses, so move bytes up to an 8-byte
 * boundary of the MMIO side, then 8-byte words, then the tail in bytes. Each word is one
 * __raw_readq/__raw_writeq, never a compiler-chosen memcpy that might use wider or unaligned
 * vector accesses the device does not decode.
 */
#include <numamm/linux/io.h>

void memcpy_fromio(void *to, const volatile void __iomem *from, size_t n)
{
	const volatile u8 *src = (const volatile u8 *)from;
	u8 *dst = (u8 *)to;

	while (n && ((uintptr_t)src & 7)) {
		*dst++ = __raw_readb(src++);
		n--;
	}
	for (; n >= 8; n -= 8, src += 8, dst += 8) {
		u64 v = __raw_readq(src);
		__builtin_memcpy(dst, &v, 8);
	}
	while (n--)
		*dst++ = __raw_readb(src++);
	__io_ar();
}

void memcpy_toio(volatile void __iomem *to, const void *from, size_t n)
{
	volatile u8 *dst = (volatile u8 *)to;
	const u8 *src = (const u8 *)from;

	__io_bw();
	while (n && ((uintptr_t)dst & 7)) {
		__raw_writeb(*src++, dst++);
		n--;
	}
	for (; n >= 8; n -= 8, src += 8, dst += 8) {
		u64 v;
		__builtin_memcpy(&v, src, 8);
		__raw_writeq(v, dst);
	}
	while (n--)
		__raw_writeb(*src++, dst++);
}

void memset_io(volatile void __iomem *a, int c, size_t n)
{
	volatile u8 *dst = (volatile u8 *)a;
	u64 word = 0x0101010101010101ULL * (u8)c;

	__io_bw();
	while (n && ((uintptr_t)dst & 7)) {
		__raw_writeb((u8)c, dst++);
		n--;
	}
	for (; n >= 8; n -= 8, dst += 8)
		__raw_writeq(word, dst);
	while (n--)
		__raw_writeb((u8)c, dst++);
}
