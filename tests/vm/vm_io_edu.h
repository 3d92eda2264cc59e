/* tests/vm/vm_io_edu.h - QEMU's edu device (docs/specs/edu.txt) as a kernel-style driver sees
 * it: registers of BAR0 and a DMA helper written only with numamm's <linux/io.h>. Shared by the
 * driver test and the guest benchmark.
 */
#ifndef NUMAMM_TESTS_VM_IO_EDU_H
#define NUMAMM_TESTS_VM_IO_EDU_H

#include <unistd.h>

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/pci.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edu  /* major 1, minor 0, 0xed */
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20           /* bit 0: computing factorial */
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98          /* bit 0: start / busy; bit 1: direction, 1 = edu -> RAM */
#define EDU_DMA_CMD_START 0x1
#define EDU_DMA_CMD_TO_RAM 0x2
#define EDU_DMA_BUF 0x40000       /* edu's 4 KiB internal buffer, as a DMA address */
#define EDU_DMA_BUF_SIZE 4096
#define EDU_DMA_BITS 28           /* edu's DMA mask */

/* edu_dma - one transfer of @len bytes by edu's engine, polled to completion.
 * QEMU 7.2's edu requires the transfer to end strictly inside its buffer (edu_check_range():
 * end < buffer end), and stops QEMU otherwise: callers keep @len <= EDU_DMA_BUF_SIZE - 1.
 * Return: 0, or -1 when the engine is still busy after about a second. */
static inline int edu_dma(void __iomem *bar, dma_addr_t src, dma_addr_t dst, u64 len, int to_ram)
{
	writeq(src, (char __iomem *)bar + EDU_DMA_SRC);
	writeq(dst, (char __iomem *)bar + EDU_DMA_DST);
	writeq(len, (char __iomem *)bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0), (char __iomem *)bar + EDU_DMA_CMD);
	for (long i = 0; i < 1000000; i++) {
		if (!(readq((char __iomem *)bar + EDU_DMA_CMD) & EDU_DMA_CMD_START))
			return 0;
		if (i > 1000)
			usleep(100);
	}
	return -1;
}

/* edu_factorial - n! by edu's unit, polling the status register. Return: the result, or 0 when
 * the unit stays busy. */
static inline u32 edu_factorial(void __iomem *bar, u32 n)
{
	writel(n, (char __iomem *)bar + EDU_FACTORIAL);
	for (long i = 0; i < 1000000; i++) {
		if (!(readl((char __iomem *)bar + EDU_STATUS) & 1))
			return readl((char __iomem *)bar + EDU_FACTORIAL);
		if (i > 1000)
			usleep(100);
	}
	return 0;
}

#endif
