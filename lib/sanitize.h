/* lib/sanitize.h - which sanitizer this build runs under (gcc defines __SANITIZE_*__, clang
 * answers __has_feature), for the layers that annotate numamm's memory for ASan
 * (page_alloc/page_asan.h, slab/slab_asan.h). NMM_ASAN: 1 under -fsanitize=address, with
 * <sanitizer/asan_interface.h> included; 0 elsewhere. */
#ifndef NUMAMM_LIB_SANITIZE_H
#define NUMAMM_LIB_SANITIZE_H

#if defined(__SANITIZE_ADDRESS__)
#define NMM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NMM_ASAN 1
#endif
#endif
#ifndef NMM_ASAN
#define NMM_ASAN 0
#endif

#if NMM_ASAN
#include <sanitizer/asan_interface.h>
#endif

#endif
