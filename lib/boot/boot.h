/* lib/boot/boot.h - numamm's boot: the parsed command line, the physical layout and the per-node
 * arenas, shared by the files of lib/boot/ (internal; the public face is <numamm/numamm.h>).
 *
 * Boot order (boot.c), as the kernel's setup_arch() → mm_init() runs it:
 *   cmdline → topology (numa/) → layout (phys ranges per node) → memblock_add/reserve →
 *   linear map reserved → arenas created, bound and mapped → memory map (sparse sections,
 *   struct page) → zones and zonelists.
 * At run time, hotplug.c grows a node inside the hot-add window the layout kept for it (after
 * all of the above: mm/memory_hotplug.c add_memory → online_pages).
 */
#ifndef NUMAMM_LIB_BOOT_H
#define NUMAMM_LIB_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <numamm/numamm.h>
#include <numamm/topology.h>

#include "../fault/fault.h"

#define NMM_MAX_RANGES 16        /* physical ranges per node */
#define NMM_MAX_MEMMAP 32        /* memmap= tokens */
#define NMM_CMDLINE_MAX 1024
#define NMM_DEFAULT_NODE_MEM (512ULL << 20)
#define NMM_HUGE_2M (2ULL << 20)
#define MAX_PHYSMEM_BITS_BOOT 46    /* == MAX_PHYSMEM_BITS of <numamm/linux/mmzone.h> */

enum nmm_hugepages_mode { NMM_HUGEPAGES_AUTO, NMM_HUGEPAGES_ON, NMM_HUGEPAGES_OFF };

struct nmm_phys_range {
	uint64_t start, end;     /* [start, end) */
	int nid;
};

/* Everything the command line can say, with defaults applied by nmm_cmdline_parse(). */
struct nmm_boot_params {
	char cmdline[NMM_CMDLINE_MAX];
	uint64_t mem;                          /* mem=: total over all nodes, 0 = default */
	uint64_t node_mem[NMM_MAX_NODES];      /* node_mem=: per node, 0 = not given */
	int nr_node_mem;
	struct nmm_phys_range usable[NMM_MAX_MEMMAP];    /* memmap=nn@ss[:node] */
	int nr_usable;
	struct nmm_phys_range reserved[NMM_MAX_MEMMAP];  /* memmap=nn$ss */
	int nr_reserved;
	int fake;                              /* numa=fake=N, 0 = off */
	enum nmm_hugepages_mode hugepages;
	unsigned long hugepages_nr;            /* hugepages=N: reserve N per real node first */
	enum nmm_backing backing;              /* backing=: NMM_BACKING_NONE = auto */
	uint64_t lowmem;                       /* lowmem=: highmem starts here, 0 = no highmem */
	uint64_t highmem;                      /* highmem=: size of highmem at the top, 0 = none */
	bool memblock_debug;
	bool bottom_up;
	bool populate;                         /* populate=on: MADV_POPULATE_WRITE at boot */
	int min_free_kbytes;                   /* min_free_kbytes=: -1 = computed */
	int watermark_scale_factor;            /* watermark_scale_factor=: 10 */
	bool no_page_grouping;                 /* page_grouping=off: no grouping by mobility */
	uint64_t hotplug;                      /* hotplug=SIZE: hot-add window of every node with memory */
	uint64_t node_hotplug[NMM_MAX_NODES];  /* hotplug=S0,S1,...: per node (nr_node_hotplug given) */
	int nr_node_hotplug;
	char slab[8];                          /* slab=slub|slab|slob, "" = slub */
	bool slab_nomerge;                     /* slab_nomerge: never merge caches */
	char slub_debug[256];                  /* slub_debug=OPTIONS[,cache,...] */
	uint64_t vmalloc;                      /* vmalloc=SIZE: the vmalloc range, 0 = 32G */
	uint64_t thp_defer;                    /* thp_defer=SIZE: THP nodes madvise later, 0 = at boot */
	uint64_t memmap_defer;                 /* memmap_defer=SIZE: struct pages of each zone's first
						* SIZE at boot, the rest as used; 0 = all at boot */
	struct nmm_fault_boot fault[NMM_NR_FAULT_POINTS];   /* fail_page_alloc=, failslab=, ... */
};

/**
 * nmm_cmdline_parse - parse a kernel-style boot line into @p.
 * @err: receives "bad value in 'mem=12Q' at column 1" style text on failure
 * Return: 0 or -EINVAL.
 */
int nmm_cmdline_parse(const char *line, struct nmm_boot_params *p, char *err, size_t errlen);

/* nmm_memparse - the kernel's memparse: number (decimal, 0x hex) with optional K/M/G/T suffix.
 * Return: 0 and *@out, or -EINVAL (also on overflow or trailing junk). */
int nmm_memparse(const char *s, uint64_t *out);

/* One node's memory as booted. */
struct nmm_arena {
	int nid;
	int phys_node;
	enum nmm_backing backing;
	char why[96];
	int memfd;                               /* -1: THP (anonymous) or memoryless */
	uint64_t bytes;                          /* sum of ranges */
	int nr_ranges;
	struct {
		uint64_t start, end;             /* physical [start, end) */
		uint64_t file_off;               /* offset of start in memfd */
	} range[NMM_MAX_RANGES];
	void *highmem_view;                      /* memfd view of this node's highmem, or NULL */
	size_t highmem_view_len;
	double boot_ms, memmap_ms;
	/* Memory hot-add (hotplug.c): physical window [hp_start, hp_end) kept free above every boot
	 * range, hot-added up to hp_next in whole sections; range[nr_boot_ranges..] are hot-added
	 * (written under the hot-add mutex). hp_start == hp_end: the node cannot grow. */
	uint64_t hp_start, hp_end, hp_next;
	int nr_boot_ranges;
	/* thp_defer= (THP nodes only): true while the node's memory is not yet MADV_HUGEPAGE; the
	 * page allocator calls nmm_arena_thp_promote() once the node has handed out that much. */
	bool thp_deferred;
	double hotadd_ms;                        /* time spent in hot-adds so far */
};

struct nmm_layout {
	int nr_nodes;
	struct nmm_arena arena[NMM_MAX_NODES];
	uint64_t phys_end;                       /* highest end of any boot range */
	uint64_t hotplug_end;                    /* end of the highest hot-add window, or phys_end */
	uint64_t lowmem_limit;                   /* == hotplug_end when no highmem */
};

extern struct nmm_boot_params nmm_params;
extern struct nmm_layout nmm_layout;
extern struct nmm_numa_topology nmm_topo;

/* layout.c: decide every node's physical ranges from the params and the topology. */
int nmm_layout_build(const struct nmm_boot_params *p, const struct nmm_numa_topology *topo,
		     struct nmm_layout *l, char *err, size_t errlen);

/* arena.c: reserve the linear map, then create, bind and map each node's memory. */
int nmm_linear_map_reserve(uint64_t phys_end, char *err, size_t errlen);
void nmm_linear_map_release(void);
int nmm_arena_create(struct nmm_arena *a, const struct nmm_boot_params *p,
		     unsigned long *huge_budget, char *err, size_t errlen);
void nmm_arena_destroy(struct nmm_arena *a);
/* nmm_arena_grow - back [phys, phys+len) of @a's hot-add window: grow the memfd (or map
 * anonymous THP memory), map it at __va(phys), bind it to the node before any touch. On failure
 * the range is PROT_NONE again and the memfd its old size. Return: 0, -ENOMEM. */
int nmm_arena_grow(struct nmm_arena *a, uint64_t phys, uint64_t len, bool populate, char *err,
		   size_t errlen);
/* nmm_arena_thp_promote - node @nid's deferred THP memory (thp_defer=) becomes MADV_HUGEPAGE:
 * every range and the hot-add window, once (later calls return at once). Any context. */
void nmm_arena_thp_promote(int nid);
/* nmm_highmem_view_addr - an address of highmem page @pfn in its node's memfd view (for the
 * page allocator's zeroing and kmap), or NULL when @pfn is not highmem of a booted node. */
void *nmm_highmem_view_addr(unsigned long pfn);

/* memmap.c: sparse sections and struct page for every page of every node. */
int nmm_memmap_init(char *err, size_t errlen);
void nmm_memmap_release(void);
enum zone_type;
int nmm_pfn_zone(unsigned long pfn);
struct page;
/* nmm_memmap_init_section - the struct pages of section @sec of node @nid: PageReserved, one
 * reference, node/zone/section in flags, linear-map address (sparse_init_one_section). */
void nmm_memmap_init_section(struct page *map, unsigned long sec, int nid);
/* nmm_memmap_publish_section - make @map section @sec's memory map, all of it valid (release
 * stores: readers index the section tables without locks). */
void nmm_memmap_publish_section(unsigned long sec, struct page *map);
/* Write the struct pages of the MAX_ORDER block holding @pfn (node @nid), then mark it valid.
 * Callers serialise (boot; lib/page_alloc/deferred.c's lock). */
void nmm_memmap_init_block(unsigned long pfn, int nid);

/* zones.c: pg_data_t, zones, zonelists. */
int nmm_zones_init(char *err, size_t errlen);
void nmm_zones_release(void);
/* nmm_build_all_zonelists - (re)build every node's zonelists from the populated zones; safe
 * against concurrent zonelist walkers (see zones.c). Callers serialise. */
void nmm_build_all_zonelists(void);

/* hotplug.c: memory hot-add. */
extern unsigned long nmm_hotadd_events;
/* nmm_hotadd_for_alloc - the allocator's hook: grow the first node of @zl (the preferred
 * node's zonelist) that still has window left, by one section, when the request may use
 * ZONE_NORMAL. Context: may sleep. Return: 0 when memory was added, else a negative errno. */
struct zonelist;
int nmm_hotadd_for_alloc(struct zonelist *zl, int highest_zoneidx, int preferred_nid);
void nmm_hotplug_release(void);

/* Helpers shared by the boot files. */
double nmm_now_ms(void);

#endif
