/* lib/slab/slab_asan.c - the poisoning rules of slab_asan.h (ASan builds; empty otherwise). */
#include "slab_asan.h"

#if NMM_SLAB_ASAN
#include <stdint.h>

bool slab_asan_cache(const struct kmem_cache *s)
{
	return slab_backend != SLAB_BACKEND_SLOB &&
	       !(s->flags & (SLAB_DEBUG_FLAGS | SLAB_TYPESAFE_BY_RCU));
}

void slab_asan_poison_free(const struct kmem_cache *s, void *obj)
{
	char *slot = (char *)obj - s->red_left_pad;
	char *end = slot + s->size;
	if (slab_backend == SLAB_BACKEND_SLUB) {
		/* SLUB's free pointer stays addressable: its fast paths and walkers read it. */
		char *fp = (char *)obj + s->offset;
		ASAN_POISON_MEMORY_REGION(slot, (size_t)(fp - slot));
		ASAN_UNPOISON_MEMORY_REGION(fp, sizeof(void *));
		ASAN_POISON_MEMORY_REGION(fp + sizeof(void *), (size_t)(end - fp - sizeof(void *)));
	} else {
		ASAN_POISON_MEMORY_REGION(slot, s->size);
	}
}

void slab_asan_unpoison(const struct kmem_cache *s, void *obj, size_t size)
{
	(void)s;
	ASAN_UNPOISON_MEMORY_REGION(obj, size);
	/* A kmalloc request smaller than the object: the rest is its red zone. The free pointer
	 * word (SLUB) may sit in it, and stays addressable. */
	if (size < s->object_size) {
		char *from = (char *)obj + size, *to = (char *)obj + s->object_size;
		if (slab_backend == SLAB_BACKEND_SLUB) {
			char *fp = (char *)obj + s->offset;
			if (fp + sizeof(void *) > from && fp < to) {
				if (fp > from)
					ASAN_POISON_MEMORY_REGION(from, (size_t)(fp - from));
				from = fp + sizeof(void *);
			}
		}
		if (from < to)
			ASAN_POISON_MEMORY_REGION(from, (size_t)(to - from));
	}
}

void slab_asan_poison_new_slab(const struct kmem_cache *s, void *base, unsigned int objects)
{
	for (unsigned int i = 0; i < objects; i++)
		slab_asan_poison_free(s, slab_obj_at(s, base, i));
}
#endif
