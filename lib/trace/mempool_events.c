/* lib/trace/mempool_events.c - the mempool USDT probe sites (see mempool_events.h). */
#include "mempool_events.h"

NMM_DEFINE_TRACE(mempool_alloc);
NMM_DEFINE_TRACE(mempool_free);
NMM_DEFINE_TRACE(mempool_wait);

noinline void nmm_trace_mempool_alloc(const void *pool, const void *element, int from_reserve)
{
	STAP_PROBE3(numamm, mempool_alloc, pool, element, from_reserve);
}

noinline void nmm_trace_mempool_free(const void *pool, const void *element, int to_reserve)
{
	STAP_PROBE3(numamm, mempool_free, pool, element, to_reserve);
}

noinline void nmm_trace_mempool_wait(const void *pool, int curr_nr)
{
	STAP_PROBE2(numamm, mempool_wait, pool, curr_nr);
}
