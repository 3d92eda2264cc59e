/* lib/io/dmapool.c - dma_pool, after the kernel's mm/dmapool.c: chunks of coherent memory
 * (at least a page, each one dma_alloc_coherent() and so one IOMMU range) carved into
 * equal blocks that honour the alignment and never straddle the boundary. Each chunk keeps its
 * own free list threaded through its free blocks and a count of blocks in use
 * (in_use + |free list| == blocks of the chunk); frees find their chunk by address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <numamm/linux/dmapool.h>
#include <numamm/linux/gfp.h>
#include <numamm/linux/mm.h>

#include "io.h"


struct dma_chunk {
	void *vaddr;
	dma_addr_t dma;
	size_t size;
	unsigned int in_use, blocks;
	void *free;                      /* first free block; each holds the next */
	struct dma_chunk *next;
};

struct dma_pool {
	char name[32];
	struct device *dev;
	size_t size, align, boundary, chunk_size;
	pthread_mutex_t lock;
	struct dma_chunk *chunks;
};

static int is_pow2(size_t x) { return x && !(x & (x - 1)); }

struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				 size_t boundary)
{
	struct dma_pool *pool;

	if (!align)
		align = 1;
	if (!dev || !size || !is_pow2(align) || (boundary && (!is_pow2(boundary) || boundary < size))) {
		nmm_io_err("dma_pool_create: %s: bad arguments (size %zu, align %zu, boundary %zu)",
			   name ? name : "?", size, align, boundary);
		return NULL;
	}
	if (size < sizeof(void *))
		size = sizeof(void *);
	size = ALIGN(size, align);
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	snprintf(pool->name, sizeof(pool->name), "%s", name ? name : "dma_pool");
	pool->dev = dev;
	pool->size = size;
	pool->align = align;
	pool->chunk_size = size > PAGE_SIZE ? ALIGN(size, PAGE_SIZE) : PAGE_SIZE;
	pool->boundary = boundary ? boundary : pool->chunk_size;
	if (pool->boundary > pool->chunk_size)
		pool->boundary = pool->chunk_size;
	pthread_mutex_init(&pool->lock, NULL);
	return pool;
}

static struct dma_chunk *chunk_alloc(struct dma_pool *pool, gfp_t gfp)
{
	struct dma_chunk *c = calloc(1, sizeof(*c));
	size_t off, next_boundary;
	void **link;

	if (!c)
		return NULL;
	c->size = pool->chunk_size;
	c->vaddr = dma_alloc_coherent(pool->dev, c->size, &c->dma, gfp);
	if (!c->vaddr) {
		free(c);
		return NULL;
	}
	link = &c->free;
	next_boundary = pool->boundary;
	for (off = 0; off + pool->size <= c->size;) {
		if (off + pool->size > next_boundary) {   /* would straddle: start at the boundary */
			off = next_boundary;
			next_boundary += pool->boundary;
			continue;
		}
		*link = (char *)c->vaddr + off;
		link = (void **)((char *)c->vaddr + off);
		c->blocks++;
		off += pool->size;
	}
	*link = NULL;
	return c;
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	struct dma_chunk *c;
	void *block;

	if (!pool || !handle)
		return NULL;
	pthread_mutex_lock(&pool->lock);
	for (c = pool->chunks; c && !c->free; c = c->next)
		;
	if (!c) {
		c = chunk_alloc(pool, mem_flags & ~(gfp_t)__GFP_ZERO);
		if (!c) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
		c->next = pool->chunks;
		pool->chunks = c;
	}
	block = c->free;
	c->free = *(void **)block;
	c->in_use++;
	*handle = c->dma + (dma_addr_t)((char *)block - (char *)c->vaddr);
	pthread_mutex_unlock(&pool->lock);
	if (mem_flags & __GFP_ZERO)
		memset(block, 0, pool->size);
	return block;
}

void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	return dma_pool_alloc(pool, mem_flags | __GFP_ZERO, handle);
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr)
{
	struct dma_chunk *c;
	size_t off;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	for (c = pool->chunks; c; c = c->next)
		if ((char *)vaddr >= (char *)c->vaddr && (char *)vaddr < (char *)c->vaddr + c->size)
			break;
	off = c ? (size_t)((char *)vaddr - (char *)c->vaddr) : 0;
	/* A second free of the last busy block of a chunk finds the chunk idle: still a double
	 * free, not a bad address (the free list is searched before the in-use test). */
	if (c && c->dma + off == addr)
		for (void *f = c->free; f; f = *(void **)f)
			if (f == vaddr) {
				pthread_mutex_unlock(&pool->lock);
				nmm_io_err("dma_pool_free %s, dma %#llx already free", pool->name,
					   (unsigned long long)addr);
				return;
			}
	/* A block starts size-aligned inside its boundary segment (chunk_alloc's layout). */
	if (!c || c->dma + off != addr || !c->in_use || (off % pool->boundary) % pool->size ||
	    off % pool->boundary + pool->size > pool->boundary) {
		pthread_mutex_unlock(&pool->lock);
		nmm_io_err("dma_pool_free %s, %p/%#llx (bad vaddr)/DMA", pool->name, vaddr,
			   (unsigned long long)addr);
		return;
	}
	*(void **)vaddr = c->free;
	c->free = vaddr;
	c->in_use--;
	pthread_mutex_unlock(&pool->lock);
}

void dma_pool_destroy(struct dma_pool *pool)
{
	if (!pool)
		return;
	while (pool->chunks) {
		struct dma_chunk *c = pool->chunks;

		pool->chunks = c->next;
		if (c->in_use)
			nmm_io_err("dma_pool_destroy %s, %p busy (%u blocks in use)", pool->name,
				   c->vaddr, c->in_use);
		dma_free_coherent(pool->dev, c->size, c->vaddr, c->dma);
		free(c);
	}
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}
