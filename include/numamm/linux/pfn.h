/* linux/pfn.h - page frame number helpers. */
#ifndef NUMAMM_LINUX_PFN_H
#define NUMAMM_LINUX_PFN_H
#include "mm_types.h"
#define PFN_ALIGN(x) (((unsigned long)(x) + (PAGE_SIZE - 1)) & PAGE_MASK)
#define PFN_UP(x)    (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)  ((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)  ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)  ((unsigned long)((x) >> PAGE_SHIFT))
#endif
