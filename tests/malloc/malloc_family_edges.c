/* malloc_family_edges - every function of the family at its edges, linked against
 * libnumamm-malloc.so (so it is this program's malloc): size 0, alignment of every size class,
 * calloc overflow and zeroing, realloc across kmalloc / page / direct sizes keeping the bytes,
 * the memalign family's alignments and EINVALs, huge sizes failing with ENOMEM, usable sizes,
 * mallinfo2 counting direct mappings, malloc_trim. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numamm/malloc_ext.h>

#include "test.h"

/* Sizes the compiler cannot see: the point is the run-time answer to absurd requests. */
static volatile size_t huge_size = SIZE_MAX, half_max = SIZE_MAX / 2, quarter_max = SIZE_MAX / 4;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 31 + seed))
			return 0;
	return 1;
}

int main(void)
{
	/* malloc(0): a unique pointer that can be freed */
	void *z1 = malloc(0), *z2 = malloc(0);
	CHECK(z1 && z2 && z1 != z2);
	CHECK(nmm_malloc_owns(z1));
	free(z1);
	free(z2);
	free(NULL);

	/* every size up to 256 KiB: 16-byte aligned, usable >= asked, in numamm's arena or direct */
	static const size_t sizes[] = { 1, 7, 8, 9, 15, 16, 17, 24, 31, 33, 48, 63, 65, 96, 100, 127,
					129, 192, 255, 257, 500, 1000, 1025, 2047, 4095, 4096, 4097,
					8191, 8192, 8193, 16384, 65536, 100000, 131072, 131073, 262144 };
	void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = malloc(sizes[i]);
		REQUIRE(p);
		CHECK(((uintptr_t)p & 15) == 0);
		CHECK(malloc_usable_size(p) >= sizes[i]);
		CHECK(nmm_malloc_owns(p));
		if (sizes[i] <= 131072)
			CHECK(nmm_malloc_node_of(p) == 0);
		fill(p, sizes[i], (unsigned)i);
		ptrs[i] = p;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK(same(ptrs[i], sizes[i], (unsigned)i));
		free(ptrs[i]);
	}

	/* calloc: overflow is ENOMEM, memory is zero even where a dirty object was before */
	errno = 0;
	CHECK(calloc(half_max, 3) == NULL && errno == ENOMEM);
	for (int round = 0; round < 2; round++) {
		unsigned char *d = malloc(200);
		memset(d, 0xa5, 200);
		free(d);
		unsigned char *c = calloc(10, 20);
		REQUIRE(c);
		int zero = 1;
		for (int i = 0; i < 200; i++)
			zero &= c[i] == 0;
		CHECK(zero);
		free(c);
	}
	unsigned char *bigc = calloc(1, 1 << 20);
	CHECK(bigc && bigc[0] == 0 && bigc[(1 << 20) - 1] == 0);
	free(bigc);

	/* realloc: through every kind of block, the bytes follow */
	unsigned char *r = realloc(NULL, 10);
	REQUIRE(r);
	fill(r, 10, 1);
	static const size_t chain[] = { 100, 5000, 9000, 70000, 200000, 5000000, 300000, 64, 10 };
	size_t have = 10;
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
		unsigned char *q = realloc(r, chain[i]);
		REQUIRE(q);
		size_t keep = have < chain[i] ? have : chain[i];
		CHECK(same(q, keep, 1));
		fill(q, chain[i], 1);
		have = chain[i];
		r = q;
	}
	unsigned char *inplace = realloc(r, 9);
	CHECK(inplace == r);                          /* shrinking by little stays in place */
	r = inplace;
	errno = 0;
	CHECK(realloc(r, 0) == NULL);                /* glibc: frees */
	errno = 0;
	CHECK(reallocarray(NULL, quarter_max, 8) == NULL && errno == ENOMEM);
	void *ra = reallocarray(NULL, 10, 10);
	CHECK(ra && malloc_usable_size(ra) >= 100);
	free(ra);

	/* huge sizes: NULL and ENOMEM, nothing else disturbed */
	errno = 0;
	CHECK(malloc(huge_size) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc(huge_size - 4096) == NULL && errno == ENOMEM);
	errno = 0;
	z1 = malloc(16);
	void *kept = realloc(z1, huge_size);
	CHECK(kept == NULL && errno == ENOMEM);
	if (!kept)
		free(z1);                             /* a failed realloc leaves the block alone */

	/* the memalign family */
	for (size_t align = 1; align <= (4UL << 20); align <<= 1) {
		for (size_t n = 1; n <= 3 * align + 100 && n < (16UL << 20); n = n * 3 + 1) {
			void *p = memalign(align, n);
			REQUIRE(p);
			CHECK(((uintptr_t)p & (align - 1)) == 0);
			CHECK(malloc_usable_size(p) >= n);
			memset(p, 1, n);
			free(p);
		}
		void *pa = NULL;
		int e = posix_memalign(&pa, align, 100);
		if (align < sizeof(void *)) {
			CHECK(e == EINVAL && pa == NULL);
		} else {
			CHECK(e == 0 && pa && ((uintptr_t)pa & (align - 1)) == 0);
			free(pa);
		}
		void *aa = aligned_alloc(align, 3 * align);
		CHECK(aa && ((uintptr_t)aa & (align - 1)) == 0);
		free(aa);
	}
	void *pa = (void *)1;
	CHECK(posix_memalign(&pa, 24, 100) == EINVAL && pa == (void *)1);
	CHECK(posix_memalign(&pa, 0, 100) == EINVAL);
	errno = 0;
	CHECK(aligned_alloc(48, 96) == NULL && errno == EINVAL);
	void *m = memalign(48, 10);                   /* glibc rounds 48 up to 64 */
	CHECK(m && ((uintptr_t)m & 63) == 0);
	free(m);
	void *v = valloc(10), *pv = pvalloc(10);
	CHECK(v && ((uintptr_t)v & 4095) == 0);
	CHECK(pv && ((uintptr_t)pv & 4095) == 0 && malloc_usable_size(pv) >= 4096);
	free(v);
	free(pv);
	errno = 0;
	CHECK(pvalloc(huge_size - 10) == NULL && errno == ENOMEM);

	/* mallinfo2 sees direct mappings come and go */
	struct mallinfo2 before = mallinfo2();
	void *volatile big = malloc(8 << 20);    /* volatile: the pair must not be elided */
	struct mallinfo2 during = mallinfo2();
	CHECK(during.hblks == before.hblks + 1);
	CHECK(during.hblkhd >= before.hblkhd + (8 << 20));
	CHECK(during.arena > 0 && during.uordblks > 0);
	free(big);
	CHECK(mallinfo2().hblks == before.hblks);
	CHECK(malloc_trim(0) == 0 || malloc_trim(0) == 1);
	return test_done();
}
