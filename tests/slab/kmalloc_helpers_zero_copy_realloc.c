/* The kmalloc helpers: kzalloc/kcalloc zero, krealloc keeps contents (in place while it fits,
 * the original untouched when it cannot grow), kstrdup/kstrndup/kmemdup copy, kfree_sensitive
 * wipes before freeing, kvmalloc/kvfree work at any size. */
#include "slab_test.h"

int main(void)
{
	slab_test_boot(NULL);

	/* Dirty some memory first so zeroing is not an accident of fresh pages. */
	for (int i = 0; i < 64; i++) {
		void *d = kmalloc(200, GFP_KERNEL);
		REQUIRE(d);
		memset(d, 0xee, 200);
		kfree(d);
	}
	unsigned char *z = kzalloc(200, GFP_KERNEL);
	REQUIRE(z);
	for (int i = 0; i < 200; i++)
		CHECK(z[i] == 0);
	kfree(z);
	int *c = kcalloc(50, sizeof(int), GFP_KERNEL);
	REQUIRE(c);
	for (int i = 0; i < 50; i++)
		CHECK(c[i] == 0);

	/* krealloc: grow within the class keeps the pointer; beyond it moves and copies. */
	memset(c, 0x11, 50 * sizeof(int));
	size_t ks = ksize(c);
	int *c2 = krealloc(c, ks, GFP_KERNEL);
	CHECK(c2 == c);
	int *c3 = krealloc(c2, 4000, GFP_KERNEL);
	REQUIRE(c3);
	for (int i = 0; i < 50; i++)
		CHECK(c3[i] == 0x11111111);
	CHECK(ksize(c3) >= 4000);
	int *c4 = krealloc_array(c3, SIZE_MAX / 2, 8, GFP_KERNEL);
	CHECK(c4 == NULL);                 /* overflow: NULL, c3 untouched */
	CHECK(c3[0] == 0x11111111);
	void *zs = krealloc(c3, 0, GFP_KERNEL);
	CHECK(zs == ZERO_SIZE_PTR);
	void *fresh = krealloc(NULL, 10, GFP_KERNEL);
	CHECK(fresh != NULL && ksize(fresh) >= 10);
	kfree(fresh);

	char *s = kstrdup("numamm slab", GFP_KERNEL);
	REQUIRE(s);
	CHECK(strcmp(s, "numamm slab") == 0);
	char *sn = kstrndup("numamm slab", 6, GFP_KERNEL);
	REQUIRE(sn);
	CHECK(strcmp(sn, "numamm") == 0);
	CHECK(kstrdup(NULL, GFP_KERNEL) == NULL);
	const char *sc = kstrdup_const("const", GFP_KERNEL);
	CHECK(sc && strcmp(sc, "const") == 0);
	kfree_const(sc);
	kfree_const("a string in .rodata");   /* not ours: ignored */
	unsigned char src[300];
	for (int i = 0; i < 300; i++)
		src[i] = (unsigned char)i;
	unsigned char *m = kmemdup(src, sizeof(src), GFP_KERNEL);
	REQUIRE(m);
	CHECK(memcmp(m, src, sizeof(src)) == 0);
	kfree(s);
	kfree(sn);

	/* kfree_sensitive wipes the whole object: the next allocation of the same slot (LIFO on
	 * every back end's fast path) must not see the secret. The back end's free pointer may
	 * still sit in the slot (SLUB keeps it mid-object), and an address can hold a 0x77 byte:
	 * such bytes within one aligned word are not the secret (an unwiped object shows 236). */
	memset(m, 0x77, ksize(m));
	kfree_sensitive(m);
	unsigned char *again = kmalloc(300, GFP_KERNEL);
	REQUIRE(again);
	if (again == m) {
		int seen = 0;
		uintptr_t word = 0;                   /* the aligned word holding the first one */
		bool one_word = true;
		for (size_t i = 64; i < 300; i++) {   /* past any free pointer / header words */
			if (again[i] != 0x77)
				continue;
			uintptr_t w = (uintptr_t)(again + i) / sizeof(void *);
			if (seen++ == 0)
				word = w;
			one_word &= w == word;
		}
		CHECK(one_word);
	}
	kfree(again);

	for (size_t size = 100; size <= (4u << 20); size *= 4) {
		unsigned char *v = kvmalloc(size, GFP_KERNEL);
		REQUIRE(v);
		memset(v, 3, size);
		kvfree(v);
		v = kvzalloc(size, GFP_KERNEL);
		REQUIRE(v);
		CHECK(v[size - 1] == 0);
		kvfree(v);
	}
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
