/* lib/trace/slab_events.h - the slab layer's USDT probes (provider "numamm"), shaped like the
 * kernel's include/trace/events/kmem.h events: kmem_cache_alloc, kmem_cache_alloc_node,
 * kmem_cache_free, kmalloc, kmalloc_node, kfree. Same rules as events.h: a semaphore tested
 * inline, one out-of-line site per probe.
 */
#ifndef NUMAMM_LIB_TRACE_SLAB_EVENTS_H
#define NUMAMM_LIB_TRACE_SLAB_EVENTS_H

#include "events.h"

NMM_DECLARE_TRACE(kmem_cache_alloc);
NMM_DECLARE_TRACE(kmem_cache_alloc_node);
NMM_DECLARE_TRACE(kmem_cache_free);
NMM_DECLARE_TRACE(kmalloc);
NMM_DECLARE_TRACE(kmalloc_node);
NMM_DECLARE_TRACE(kfree);

/* (call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node) */
void nmm_trace_kmem_cache_alloc(unsigned long call_site, const void *ptr, unsigned long bytes_req,
				unsigned long bytes_alloc, unsigned int gfp, int node);
void nmm_trace_kmem_cache_alloc_node(unsigned long call_site, const void *ptr, unsigned long bytes_req,
				     unsigned long bytes_alloc, unsigned int gfp, int node);
void nmm_trace_kmalloc(unsigned long call_site, const void *ptr, unsigned long bytes_req,
		       unsigned long bytes_alloc, unsigned int gfp, int node);
void nmm_trace_kmalloc_node(unsigned long call_site, const void *ptr, unsigned long bytes_req,
			    unsigned long bytes_alloc, unsigned int gfp, int node);
/* (call_site, ptr, name) */
void nmm_trace_kmem_cache_free(unsigned long call_site, const void *ptr, const char *name);
/* (call_site, ptr) */
void nmm_trace_kfree(unsigned long call_site, const void *ptr);

#define trace_kmem_cache_alloc(site, ptr, req, alloc, gfp, node)                               \
	do { if (NMM_TRACE_ENABLED(kmem_cache_alloc))                                          \
		nmm_trace_kmem_cache_alloc(site, ptr, req, alloc, gfp, node); } while (0)
#define trace_kmem_cache_alloc_node(site, ptr, req, alloc, gfp, node)                          \
	do { if (NMM_TRACE_ENABLED(kmem_cache_alloc_node))                                     \
		nmm_trace_kmem_cache_alloc_node(site, ptr, req, alloc, gfp, node); } while (0)
#define trace_kmalloc(site, ptr, req, alloc, gfp, node)                                        \
	do { if (NMM_TRACE_ENABLED(kmalloc)) nmm_trace_kmalloc(site, ptr, req, alloc, gfp, node); } while (0)
#define trace_kmalloc_node(site, ptr, req, alloc, gfp, node)                                   \
	do { if (NMM_TRACE_ENABLED(kmalloc_node))                                              \
		nmm_trace_kmalloc_node(site, ptr, req, alloc, gfp, node); } while (0)
#define trace_kmem_cache_free(site, ptr, name)                                                 \
	do { if (NMM_TRACE_ENABLED(kmem_cache_free)) nmm_trace_kmem_cache_free(site, ptr, name); } while (0)
#define trace_kfree(site, ptr) \
	do { if (NMM_TRACE_ENABLED(kfree)) nmm_trace_kfree(site, ptr); } while (0)

#endif
