/* memblock_dump_format - nmm_memblock_dump() prints the kernel's memblock_dump_all() table
 * line for line; memblock_dump_all() prints only with memblock_debug; memblock_debug makes each
 * add, reserve, free and allocation print its memblock_dbg line. Silent on success.
 */
#include "memblock_test.h"

/* Compare @got with @want line by line, reporting the first difference. */
static void check_text(const char *got, const char *want)
{
	if (strcmp(got, want)) {
		fprintf(stderr, "--- want:\n%s--- got:\n%s---\n", want, got);
		CHECK(!"dump differs");
	}
}

/*
 * Two memory regions on nodes 0 and 1 (one NOMAP), one reservation:
 *
 *  memory:   [ nid0 ][ nid1 NOMAP ]
 *  reserved:    [r]
 *
 * Expect exactly the kernel's lines: %pa as 0x + 16 digits, indices and flags as 0x..., a node
 * only on regions that have one.
 */
static void dump_format_check(void)
{
	static const char want[] =
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000002000000 reserved size = 0x0000000000001000\n"
		" memory.cnt  = 0x2\n"
		" memory[0x0]\t[0x0000000000000000-0x0000000000ffffff], 0x0000000001000000 bytes on node 0 flags: 0x0\n"
		" memory[0x1]\t[0x0000000001000000-0x0000000001ffffff], 0x0000000001000000 bytes on node 1 flags: 0x4\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000100000-0x0000000000100fff], 0x0000000000001000 bytes flags: 0x0\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(memblock_add_node(0, SZ_16M, 0, MEMBLOCK_NONE), 0);
	CHECK_EQ(memblock_add_node(SZ_16M, SZ_16M, 1, MEMBLOCK_NOMAP), 0);
	CHECK_EQ(memblock_reserve(SZ_1M, SZ_4K), 0);
	f = open_memstream(&buf, &len);
	REQUIRE(f);
	nmm_memblock_dump(f);
	fclose(f);
	check_text(buf, want);
	free(buf);
}

/*
 * Empty memblock:
 *
 *  |            |
 *
 * Expect zero sizes and counts, no region lines.
 */
static void dump_empty_check(void)
{
	static const char want[] =
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x0\n"
		" reserved.cnt  = 0x0\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	REQUIRE(f);
	nmm_memblock_dump(f);
	fclose(f);
	check_text(buf, want);
	free(buf);
}

/*
 * memblock_dump_all with memblock_debug off, then on:
 *
 *  memory: [ m ]
 *
 * Expect silence, then the table on stderr.
 */
static void dump_all_needs_debug_check(void)
{
	char *err;

	CHECK_EQ(memblock_add(SZ_1M, SZ_1M), 0);
	capture_stderr_begin();
	memblock_dump_all();
	err = capture_stderr_end();
	CHECK_EQ(strlen(err), 0);
	free(err);

	memblock_debug = 1;
	capture_stderr_begin();
	memblock_dump_all();
	err = capture_stderr_end();
	CHECK_EQ(count_lines_starting(err, "MEMBLOCK configuration:"), 1);
	CHECK_EQ(count_lines_starting(err, " memory[0x0]\t[0x0000000000100000-0x00000000001fffff], "
					    "0x0000000000100000 bytes flags: 0x0"), 1);
	free(err);
}

/*
 * memblock_debug traces:
 *
 *  add m, reserve r, free r, alloc a, free a
 *
 * Expect one "<function>: [0x...-0x...] <caller>" line per range operation, the allocation
 * line with its size, alignment and node, and nothing at all once memblock_debug is off.
 */
static void debug_trace_check(void)
{
	char *err;
	void *p;

	memblock_debug = 1;
	capture_stderr_begin();
	CHECK_EQ(memblock_add(SZ_1M, SZ_4M), 0);
	CHECK_EQ(memblock_add_node(SZ_8M, SZ_1M, 1, MEMBLOCK_HOTPLUG), 0);
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_4K), 0);
	CHECK_EQ(memblock_phys_free(SZ_2M, SZ_4K), 0);
	CHECK_EQ(memblock_remove(SZ_8M, SZ_1M), 0);
	p = memblock_alloc_try_nid(SZ_8K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
	memblock_free(p, SZ_8K);
	err = capture_stderr_end();
	CHECK(p != NULL);
	CHECK_EQ(count_lines_starting(err, "memblock_add: [0x0000000000100000-0x00000000004fffff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_add_node: [0x0000000000800000-0x00000000008fffff] "
					    "nid=1 flags=1 "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_reserve: [0x0000000000200000-0x0000000000200fff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_phys_free: [0x0000000000200000-0x0000000000200fff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_remove: [0x0000000000800000-0x00000000008fffff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_alloc_try_nid: 8192 bytes align=0x1000 nid=-1 "
					    "from=0x0000000000000000 max_addr=0x0000000000000000 "), 1);
	/* The allocation's reservation and its memblock_free both show up. */
	CHECK_EQ(count_lines_starting(err, "memblock_reserve: [0x00000000004fe000-0x00000000004fffff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock_phys_free: [0x00000000004fe000-0x00000000004fffff] "), 1);
	CHECK_EQ(count_lines_starting(err, "memblock"), 8);
	free(err);

	memblock_debug = 0;
	capture_stderr_begin();
	CHECK_EQ(memblock_reserve(SZ_2M, SZ_4K), 0);
	err = capture_stderr_end();
	CHECK_EQ(strlen(err), 0);
	free(err);
}

int main(void)
{
	run_case(dump_format_check);
	run_case(dump_empty_check);
	run_case(dump_all_needs_debug_check);
	run_top_down(debug_trace_check);
	return test_done();
}
