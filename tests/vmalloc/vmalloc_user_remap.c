/* vmalloc_user_remap: a vmalloc_user() area mapped at a second address - the whole of it with
 * nmm_vmalloc_user_mmap(), or part of it with remap_vmalloc_range() into a range the caller
 * reserved (a user VMA stand-in), from page pgoff - shares its bytes both ways. An area that
 * is not VM_USERMAP, an address inside an area, and a range longer than the area are refused. */
#include "vmt.h"

#define PAGES 12

int main(void)
{
	const char *boots[] = { VMT_BOOT_THP, VMT_BOOT_SHMEM };
	for (int b = 0; b < 2; b++) {
		vmt_boot(boots[b]);
		char *k = vmalloc_user(PAGES * PAGE_SIZE);
		REQUIRE(k);
		char *u = nmm_vmalloc_user_mmap(k);
		REQUIRE(u);
		vmt_fill(k, PAGES * PAGE_SIZE, 11);
		CHECK(vmt_check(u, PAGES * PAGE_SIZE, 11));
		vmt_fill(u, PAGES * PAGE_SIZE, 12);
		CHECK(vmt_check(k, PAGES * PAGE_SIZE, 12));

		char *r = mmap(NULL, 4 * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		REQUIRE(r != MAP_FAILED);
		struct vm_area_struct vma = { .vm_start = (uintptr_t)r, .vm_end = (uintptr_t)r + 4 * PAGE_SIZE };
		CHECK_EQ(remap_vmalloc_range(&vma, k, 8), 0);
		CHECK(memcmp(r, k + 8 * PAGE_SIZE, 4 * PAGE_SIZE) == 0);
		r[5] = 'x';
		CHECK_EQ(k[8 * PAGE_SIZE + 5], 'x');

		char *plain = vmalloc(PAGES * PAGE_SIZE);
		REQUIRE(plain);
		vmt_capture_begin();
		CHECK_EQ(remap_vmalloc_range(&vma, plain, 0), -EINVAL);
		CHECK_EQ(remap_vmalloc_range(&vma, k + PAGE_SIZE, 0), -EINVAL);
		CHECK_EQ(remap_vmalloc_range(&vma, k, 9), -EINVAL);
		CHECK(nmm_vmalloc_user_mmap(plain) == NULL);
		vmt_capture_end();

		munmap(r, 4 * PAGE_SIZE);
		munmap(u, PAGES * PAGE_SIZE);
		vfree(plain);
		vfree(k);
	}
	nmm_shutdown();
	return test_done();
}
