/* lib/trace/slab_events.c - the slab layer's USDT probe sites (see slab_events.h). */
#include "slab_events.h"

NMM_DEFINE_TRACE(kmem_cache_alloc);
NMM_DEFINE_TRACE(kmem_cache_alloc_node);
NMM_DEFINE_TRACE(kmem_cache_free);
NMM_DEFINE_TRACE(kmalloc);
NMM_DEFINE_TRACE(kmalloc_node);
NMM_DEFINE_TRACE(kfree);

noinline void nmm_trace_kmem_cache_alloc(unsigned long call_site, const void *ptr, unsigned long bytes_req,
					 unsigned long bytes_alloc, unsigned int gfp, int node)
{
	STAP_PROBE6(numamm, kmem_cache_alloc, call_site, ptr, bytes_req, bytes_alloc, gfp, node);
}

noinline void nmm_trace_kmem_cache_alloc_node(unsigned long call_site, const void *ptr,
					      unsigned long bytes_req, unsigned long bytes_alloc,
					      unsigned int gfp, int node)
{
	STAP_PROBE6(numamm, kmem_cache_alloc_node, call_site, ptr, bytes_req, bytes_alloc, gfp, node);
}

noinline void nmm_trace_kmalloc(unsigned long call_site, const void *ptr, unsigned long bytes_req,
				unsigned long bytes_alloc, unsigned int gfp, int node)
{
	STAP_PROBE6(numamm, kmalloc, call_site, ptr, bytes_req, bytes_alloc, gfp, node);
}

noinline void nmm_trace_kmalloc_node(unsigned long call_site, const void *ptr, unsigned long bytes_req,
				     unsigned long bytes_alloc, unsigned int gfp, int node)
{
	STAP_PROBE6(numamm, kmalloc_node, call_site, ptr, bytes_req, bytes_alloc, gfp, node);
}

noinline void nmm_trace_kmem_cache_free(unsigned long call_site, const void *ptr, const char *name)
{
	STAP_PROBE3(numamm, kmem_cache_free, call_site, ptr, name);
}

noinline void nmm_trace_kfree(unsigned long call_site, const void *ptr)
{
	STAP_PROBE2(numamm, kfree, call_site, ptr);
}
