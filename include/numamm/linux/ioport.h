/* linux/ioport.h - the iomem resource tree: who owns which range of bus addresses.
 *
 * As in the kernel (kernel/resource.c), a resource is a [start, end] range (end inclusive) in a
 * tree rooted at iomem_resource: children lie inside their parent and never overlap their
 * siblings. nmm_pci_open() inserts one non-busy resource per memory BAR (named by the device's
 * BDF); a driver claims a part of it with request_mem_region(), which nests a busy resource
 * below it and fails when the range is claimed already. nmm_report("iomem") prints the tree in
 * /proc/iomem's format.
 */
#ifndef NUMAMM_LINUX_IOPORT_H
#define NUMAMM_LINUX_IOPORT_H

#include "../ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef u64 resource_size_t;

struct resource {
	resource_size_t start;
	resource_size_t end;            /* inclusive */
	const char *name;
	unsigned long flags;
	struct resource *parent, *sibling, *child;
};

#define IORESOURCE_IO        0x00000100ul
#define IORESOURCE_MEM       0x00000200ul
#define IORESOURCE_PREFETCH  0x00002000ul
#define IORESOURCE_MEM_64    0x00100000ul
#define IORESOURCE_BUSY      0x80000000ul

extern struct resource iomem_resource;

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

/**
 * request_resource - insert @new as a child of @root.
 * Context: takes the resource lock.
 * Return: 0; -EBUSY when @new overlaps a child of @root (one line on stderr names it);
 * -EINVAL when @new is not inside @root or is empty.
 */
int request_resource(struct resource *root, struct resource *new);

/**
 * insert_resource - insert @new into the tree below @parent, at the deepest level that holds
 * it entirely; existing resources that lie inside @new become its children.
 * Return: 0; -EBUSY when @new partly overlaps a resource (stderr says which).
 */
int insert_resource(struct resource *parent, struct resource *new);

/* release_resource - take @old out of the tree (it must have no children). Return: 0, -EINVAL. */
int release_resource(struct resource *old);

/**
 * __request_region - claim [@start, @start + @n) below @parent for @name, busy.
 * Descends into non-busy resources that hold the range (a BAR), fails on a busy one.
 * Context: takes the resource lock; allocates.
 * Return: the new resource, or NULL when the range is empty, outside @parent, or overlaps a
 * claimed range (one line on stderr: "... conflicts with ...").
 */
struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, int flags);

/* __release_region - release a region claimed by __request_region() with exactly this range;
 * anything else is reported on stderr ("Trying to free nonexistent resource <...>"). */
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n);

#define request_mem_region(start, n, name) __request_region(&iomem_resource, (start), (n), (name), 0)
#define release_mem_region(start, n)       __release_region(&iomem_resource, (start), (n))

/* nmm_iomem_lookup - the deepest resource holding [@start, @start + @n), or NULL. */
struct resource *nmm_iomem_lookup(resource_size_t start, resource_size_t n);

#ifdef __cplusplus
}
#endif
#endif
