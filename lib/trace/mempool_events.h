/* lib/trace/mempool_events.h - mempool USDT probes (provider "numamm"): mempool_alloc(pool,
 * element, from_reserve), mempool_free(pool, element, to_reserve), mempool_wait(pool, curr_nr)
 * when an allocation sleeps for a free. Same rules as events.h. */
#ifndef NUMAMM_LIB_TRACE_MEMPOOL_EVENTS_H
#define NUMAMM_LIB_TRACE_MEMPOOL_EVENTS_H

#include "events.h"

NMM_DECLARE_TRACE(mempool_alloc);
NMM_DECLARE_TRACE(mempool_free);
NMM_DECLARE_TRACE(mempool_wait);

void nmm_trace_mempool_alloc(const void *pool, const void *element, int from_reserve);
void nmm_trace_mempool_free(const void *pool, const void *element, int to_reserve);
void nmm_trace_mempool_wait(const void *pool, int curr_nr);

#define trace_mempool_alloc(pool, element, r) \
	do { if (NMM_TRACE_ENABLED(mempool_alloc)) nmm_trace_mempool_alloc(pool, element, r); } while (0)
#define trace_mempool_free(pool, element, r) \
	do { if (NMM_TRACE_ENABLED(mempool_free)) nmm_trace_mempool_free(pool, element, r); } while (0)
#define trace_mempool_wait(pool, n) \
	do { if (NMM_TRACE_ENABLED(mempool_wait)) nmm_trace_mempool_wait(pool, n); } while (0)

#endif
