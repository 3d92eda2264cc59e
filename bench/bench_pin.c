/* bench/bench_pin.c - hwloc thread pinning for benchmarks (see bench_pin.h). */
#include "bench_pin.h"

#include <errno.h>
#include <hwloc.h>
#include <pthread.h>

static hwloc_topology_t pin_topo;
static hwloc_cpuset_t pin_start_set;   /* the process's binding at first use */
static int pin_nr_pus;
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

static void pin_init(void)
{
	if (hwloc_topology_init(&pin_topo) || hwloc_topology_load(pin_topo)) {
		pin_topo = NULL;
		pin_nr_pus = 1;
		return;
	}
	pin_nr_pus = hwloc_get_nbobjs_by_type(pin_topo, HWLOC_OBJ_PU);
	if (pin_nr_pus < 1)
		pin_nr_pus = 1;
	pin_start_set = hwloc_bitmap_alloc();
	if (pin_start_set && hwloc_get_cpubind(pin_topo, pin_start_set, HWLOC_CPUBIND_PROCESS)) {
		hwloc_bitmap_free(pin_start_set);
		pin_start_set = NULL;
	}
}

int bench_nr_pus(void)
{
	pthread_once(&pin_once, pin_init);
	return pin_nr_pus;
}

int bench_pin_thread(int i)
{
	hwloc_obj_t pu;

	pthread_once(&pin_once, pin_init);
	if (!pin_topo || i < 0)
		return -ENODEV;
	pu = hwloc_get_obj_by_type(pin_topo, HWLOC_OBJ_PU, (unsigned)(i % pin_nr_pus));
	if (!pu)
		return -ENODEV;
	if (hwloc_set_cpubind(pin_topo, pu->cpuset, HWLOC_CPUBIND_THREAD))
		return -errno;
	return (int)pu->os_index;
}

int bench_pin(gbench_state *st)
{
	return bench_pin_thread(gbench_thread_index(st));
}

void bench_unpin(void)
{
	pthread_once(&pin_once, pin_init);
	if (pin_topo && pin_start_set)
		hwloc_set_cpubind(pin_topo, pin_start_set, HWLOC_CPUBIND_THREAD);
}
