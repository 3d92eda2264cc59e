/* lib/io/resource.c - the iomem resource tree, after the kernel's kernel/resource.c.
 *
 * A tree of [start, end] ranges (end inclusive) under iomem_resource. Each level is a list of
 * siblings sorted by start that never overlap, and lies inside its parent. PCI BARs are
 * non-busy resources that nmm_pci_open() inserts; request_mem_region() nests a busy region
 * inside whatever non-busy resources hold it, and fails on a busy one: that is the overlap
 * detection drivers rely on. The report is /proc/iomem's format (r_show()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <numamm/linux/ioport.h>
#include <numamm/pci.h>

#include "io.h"

#define IORESOURCE_NMM_ALLOCATED 0x1ul     /* made by __request_region(), freed on release */
#define MAX_IORES_LEVEL 5                   /* as the kernel's /proc/iomem */

struct resource iomem_resource = {
	.start = 0, .end = ~0ULL, .name = "PCI mem", .flags = IORESOURCE_MEM,
};

static pthread_mutex_t resource_lock = PTHREAD_MUTEX_INITIALIZER;

void nmm_iomem_lock(void) { pthread_mutex_lock(&resource_lock); }
void nmm_iomem_unlock(void) { pthread_mutex_unlock(&resource_lock); }

/* Link @new among @root's children; Return: NULL, or the resource in the way (@root itself
 * when @new is not inside it). */
static struct resource *__request_resource(struct resource *root, struct resource *new)
{
	struct resource **p = &root->child, *tmp;

	if (new->end < new->start || new->start < root->start || new->end > root->end)
		return root;
	for (;;) {
		tmp = *p;
		if (!tmp || tmp->start > new->end) {
			new->sibling = tmp;
			*p = new;
			new->parent = root;
			new->child = NULL;
			return NULL;
		}
		p = &tmp->sibling;
		if (tmp->end < new->start)
			continue;
		return tmp;
	}
}

static void print_conflict(const char *what, const struct resource *new, const struct resource *c)
{
	nmm_io_err("resource: %s [mem %#010llx-%#010llx] for '%s' conflicts with '%s' [mem %#010llx-%#010llx]",
		   what, (unsigned long long)new->start, (unsigned long long)new->end,
		   new->name ? new->name : "?", c->name ? c->name : "?",
		   (unsigned long long)c->start, (unsigned long long)c->end);
}

int request_resource(struct resource *root, struct resource *new)
{
	struct resource *conflict;

	if (!root || !new || new->end < new->start)
		return -EINVAL;
	nmm_iomem_lock();
	conflict = __request_resource(root, new);
	nmm_iomem_unlock();
	if (conflict == root) {
		nmm_io_err("resource: [mem %#010llx-%#010llx] for '%s' is not inside '%s'",
			   (unsigned long long)new->start, (unsigned long long)new->end,
			   new->name ? new->name : "?", root->name ? root->name : "?");
		return -EINVAL;
	}
	if (conflict) {
		print_conflict("request", new, conflict);
		return -EBUSY;
	}
	return 0;
}

int insert_resource(struct resource *parent, struct resource *new)
{
	struct resource *first, *next, **p;
	int ret = 0;

	if (!parent || !new || new->end < new->start)
		return -EINVAL;
	nmm_iomem_lock();
	for (;; parent = first) {
		first = __request_resource(parent, new);
		if (!first)
			goto out;
		if (first == parent) {
			ret = -EINVAL;
			goto report;
		}
		/* A resource holding all of @new: go one level down. */
		if (first->start <= new->start && first->end >= new->end) {
			if (first->start == new->start && first->end == new->end) {
				ret = -EBUSY;
				goto report;
			}
			continue;
		}
		break;
	}
	/* @new holds @first and maybe more siblings: they must all lie inside it. */
	for (next = first;; next = next->sibling) {
		if (next->start < new->start || next->end > new->end) {
			first = next;
			ret = -EBUSY;
			goto report;
		}
		if (!next->sibling || next->sibling->start > new->end)
			break;
	}
	new->parent = parent;
	new->sibling = next->sibling;
	new->child = first;
	next->sibling = NULL;
	for (struct resource *r = first; r; r = r->sibling)
		r->parent = new;
	for (p = &parent->child; *p != first; p = &(*p)->sibling)
		;
	*p = new;
	goto out;
report:
	if (ret == -EINVAL)
		nmm_io_err("resource: [mem %#010llx-%#010llx] for '%s' is not inside '%s'",
			   (unsigned long long)new->start, (unsigned long long)new->end,
			   new->name ? new->name : "?", parent->name ? parent->name : "?");
	else
		print_conflict("insert", new, first);
out:
	nmm_iomem_unlock();
	return ret;
}

static int __release_resource(struct resource *old)
{
	struct resource **p;

	if (!old->parent)
		return -EINVAL;
	for (p = &old->parent->child; *p; p = &(*p)->sibling) {
		if (*p == old) {
			*p = old->sibling;
			old->parent = old->sibling = NULL;
			return 0;
		}
	}
	return -EINVAL;
}

/* Free what __request_region() made below @res (a driver that did not release its regions). */
static void free_allocated_children(struct resource *res)
{
	struct resource *c = res->child, *n;

	res->child = NULL;
	for (; c; c = n) {
		n = c->sibling;
		free_allocated_children(c);
		if (c->flags & IORESOURCE_NMM_ALLOCATED) {
			free(c);
		} else {
			c->parent = c->sibling = NULL;
		}
	}
}

int release_resource(struct resource *old)
{
	int ret;

	if (!old)
		return -EINVAL;
	nmm_iomem_lock();
	if (old->child) {
		nmm_io_err("resource: releasing '%s' [mem %#010llx-%#010llx] with regions still requested below it",
			   old->name ? old->name : "?", (unsigned long long)old->start,
			   (unsigned long long)old->end);
		free_allocated_children(old);
	}
	ret = __release_resource(old);
	nmm_iomem_unlock();
	return ret;
}

struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, int flags)
{
	struct resource *res, *conflict;

	if (!parent || n == 0 || start + n - 1 < start) {
		nmm_io_err("resource: request [mem %#010llx+%#llx] for '%s': empty or wrapping range",
			   (unsigned long long)start, (unsigned long long)n, name ? name : "?");
		return NULL;
	}
	res = calloc(1, sizeof(*res));
	if (!res)
		return NULL;
	res->start = start;
	res->end = start + n - 1;
	res->name = name;
	res->flags = (parent->flags & (IORESOURCE_MEM | IORESOURCE_IO)) | IORESOURCE_BUSY |
		     IORESOURCE_NMM_ALLOCATED | (unsigned long)flags;
	nmm_iomem_lock();
	for (;;) {
		conflict = __request_resource(parent, res);
		if (!conflict)
			break;
		if (conflict != parent && !(conflict->flags & IORESOURCE_BUSY) &&
		    conflict->start <= res->start && conflict->end >= res->end) {
			parent = conflict;
			continue;
		}
		nmm_iomem_unlock();
		if (conflict == parent)
			nmm_io_err("resource: request [mem %#010llx-%#010llx] for '%s' is not inside '%s' [mem %#010llx-%#010llx]",
				   (unsigned long long)res->start, (unsigned long long)res->end,
				   name ? name : "?", parent->name ? parent->name : "?",
				   (unsigned long long)parent->start, (unsigned long long)parent->end);
		else
			print_conflict("request", res, conflict);
		free(res);
		return NULL;
	}
	nmm_iomem_unlock();
	return res;
}

void __release_region(struct resource *parent, resource_size_t start, resource_size_t n)
{
	resource_size_t end = start + n - 1;
	struct resource **p = &parent->child, *res;

	nmm_iomem_lock();
	while ((res = *p)) {
		if (res->start <= start && res->end >= end) {
			if (!(res->flags & IORESOURCE_BUSY)) {
				p = &res->child;
				continue;
			}
			if (res->start != start || res->end != end)
				break;
			*p = res->sibling;
			nmm_iomem_unlock();
			if (res->flags & IORESOURCE_NMM_ALLOCATED)
				free(res);
			return;
		}
		p = &res->sibling;
	}
	nmm_iomem_unlock();
	nmm_io_err("Trying to free nonexistent resource <%#010llx-%#010llx>",
		   (unsigned long long)start, (unsigned long long)end);
}

struct resource *nmm_iomem_lookup(resource_size_t start, resource_size_t n)
{
	resource_size_t end = start + (n ? n : 1) - 1;
	struct resource *r, *found = NULL;

	nmm_iomem_lock();
	for (r = iomem_resource.child; r;) {
		if (r->start <= start && r->end >= end) {
			found = r;
			r = r->child;
		} else {
			r = r->sibling;
		}
	}
	nmm_iomem_unlock();
	return found;
}

static void show(FILE *out, const struct resource *r, int depth, int width)
{
	for (; r; r = r->sibling) {
		fprintf(out, "%*s%0*llx-%0*llx : %s\n", depth * 2, "", width,
			(unsigned long long)r->start, width, (unsigned long long)r->end,
			r->name ? r->name : "<BAD>");
		if (depth + 1 < MAX_IORES_LEVEL)
			show(out, r->child, depth + 1, width);
	}
}

/**
 * nmm_iomem_report - print the iomem tree as /proc/iomem does: one line per resource,
 * "start-end : name", indented two spaces per level, addresses zero-padded to 8 digits.
 * Return: 0.
 */
int nmm_iomem_report(FILE *out)
{
	nmm_iomem_lock();
	show(out, iomem_resource.child, 0, iomem_resource.end < 0x10000 ? 4 : 8);
	nmm_iomem_unlock();
	return 0;
}
