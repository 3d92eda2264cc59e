/* memblock_grow_array_enomem - when the region array cannot grow (mmap fails under an
 * RLIMIT_AS at the current size), adds, reserves and splitting removes return -ENOMEM, print
 * the kernel's "Failed to double" line, and leave the regions as they were. Silent on success.
 * Skipped under AddressSanitizer, whose shadow memory makes an address-space limit meaningless.
 */
#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memblock_test.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Limit the address space to what is mapped now, so the next mmap fails. */
static void limit_address_space(void)
{
	unsigned long pages = 0;
	struct rlimit rl;
	FILE *f = fopen("/proc/self/statm", "r");

	REQUIRE(f && fscanf(f, "%lu", &pages) == 1);
	fclose(f);
	rl.rlim_cur = rl.rlim_max = pages * (unsigned long)sysconf(_SC_PAGESIZE);
	REQUIRE(setrlimit(RLIMIT_AS, &rl) == 0);
}

/*
 * A full memory array and no address space left:
 *
 *  |[m0] [m1] ... [m127]|  + [m128]  -> -ENOMEM
 *
 * Expect -ENOMEM from memblock_add, from a splitting memblock_remove and from
 * memblock_reserve with a full reserved array; nothing changed; one warning each.
 */
static int grow_array_enomem_child(void)
{
	unsigned long i;
	char *err;

	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++) {
		CHECK_EQ(memblock_add(i * SZ_64K, SZ_32K), 0);
		CHECK_EQ(memblock_reserve(i * SZ_64K, SZ_4K), 0);
	}
	capture_stderr_begin();  /* open_memstream before the limit: it allocates */
	fputs("", stderr);
	limit_address_space();

	CHECK_EQ(memblock_add(SZ_64M, SZ_4K), -ENOMEM);
	CHECK_EQ(memblock_remove(SZ_8K, SZ_4K), -ENOMEM);
	CHECK_EQ(memblock_reserve(SZ_64M, SZ_4K), -ENOMEM);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), 0);
	err = capture_stderr_end();

	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS);
	CHECK_EQ(memblock_phys_mem_size(), INIT_MEMBLOCK_REGIONS * SZ_32K);
	CHECK_EQ(memblock_reserved_size(), INIT_MEMBLOCK_REGIONS * SZ_4K);
	CHECK(memblock_type_is_valid(&memblock.memory));
	CHECK(memblock_type_is_valid(&memblock.reserved));
	CHECK_EQ(count_lines_starting(err,
		 "memblock: Failed to double memory array from 128 to 256 entries !"), 2);
	CHECK_EQ(count_lines_starting(err,
		 "memblock: Failed to double reserved array from 128 to 256 entries !"), 2);
	return test_done();
}

int main(void)
{
	pid_t pid;
	int status;

#ifdef UNDER_ASAN
	SKIP("RLIMIT_AS cannot be used under AddressSanitizer");
#endif
	reset_memblock();
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(grow_array_enomem_child());
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return test_done();
}
