/* boot_cmdline_parse: every boot token parses to the documented value, and every bad token is
 * -EINVAL with a message naming the token and its column. */
#include <errno.h>
#include <string.h>

#include "boot/boot.h"
#include "test.h"

static struct nmm_boot_params p;
static char err[256];

static void good(const char *line)
{
	int e = nmm_cmdline_parse(line, &p, err, sizeof(err));
	if (e)
		fprintf(stderr, "'%s' unexpectedly failed: %s\n", line, err);
	CHECK_EQ(e, 0);
}

/* Expect -EINVAL and a message that quotes @tok and says @col. */
static void bad(const char *line, const char *tok, int col)
{
	int e = nmm_cmdline_parse(line, &p, err, sizeof(err));
	CHECK_EQ(e, -EINVAL);
	char want[128];
	snprintf(want, sizeof(want), "'%s' at column %d", tok, col);
	if (tok && !strstr(err, want)) {
		fprintf(stderr, "'%s': message '%s' lacks \"%s\"\n", line, err, want);
		test_failures++;
	}
}

int main(void)
{
	uint64_t v;
	CHECK(!nmm_memparse("4096", &v) && v == 4096);
	CHECK(!nmm_memparse("0x1000", &v) && v == 4096);
	CHECK(!nmm_memparse("2M", &v) && v == 2ULL << 20);
	CHECK(!nmm_memparse("3g", &v) && v == 3ULL << 30);
	CHECK(!nmm_memparse("1T", &v) && v == 1ULL << 40);
	CHECK(nmm_memparse("12Q", &v) == -EINVAL);
	CHECK(nmm_memparse("", &v) == -EINVAL);
	CHECK(nmm_memparse("-1M", &v) == -EINVAL);
	CHECK(nmm_memparse("99999999999999999999", &v) == -EINVAL);
	CHECK(nmm_memparse("17179869184G", &v) == -EINVAL);   /* 2^64: overflows */

	good("");
	CHECK_EQ(p.mem, 0);
	CHECK_EQ(p.backing, NMM_BACKING_NONE);
	CHECK_EQ(p.hugepages, NMM_HUGEPAGES_AUTO);

	good("  mem=1G   numa=fake=4 hugepages=off backing=shmem memblock=debug,bottomup populate=on ");
	CHECK_EQ(p.mem, 1ULL << 30);
	CHECK_EQ(p.fake, 4);
	CHECK_EQ(p.hugepages, NMM_HUGEPAGES_OFF);
	CHECK_EQ(p.backing, NMM_BACKING_SHMEM);
	CHECK(p.memblock_debug && p.bottom_up && p.populate);

	good("memmap=64M@0,64M@256M memmap=128M@4G:1 memmap=1M$0x100000 highmem=32M");
	CHECK_EQ(p.nr_usable, 3);
	CHECK_EQ(p.usable[1].start, 256ULL << 20);
	CHECK_EQ(p.usable[1].end, 320ULL << 20);
	CHECK_EQ(p.usable[2].nid, 1);
	CHECK_EQ(p.nr_reserved, 1);
	CHECK_EQ(p.reserved[0].start, 1ULL << 20);
	CHECK_EQ(p.highmem, 32ULL << 20);

	good("node_mem=256M,0,64M hugepages=12");
	CHECK_EQ(p.nr_node_mem, 3);
	CHECK_EQ(p.node_mem[1], 0);
	CHECK_EQ(p.hugepages, NMM_HUGEPAGES_ON);
	CHECK_EQ(p.hugepages_nr, 12);
	good("lowmem=0x40000000 backing=hugetlb numa=fake=1");
	CHECK_EQ(p.lowmem, 1ULL << 30);
	CHECK_EQ(p.fake, 0);

	bad("mem=12Q", "mem=12Q", 1);
	bad("mem=1G bogus=1", "bogus=1", 8);
	bad("numa=fake=0", "numa=fake=0", 1);
	bad("numa=fake=65", "numa=fake=65", 1);
	bad("numa=on", "numa=on", 1);
	bad("hugepages=maybe", "hugepages=maybe", 1);
	bad("backing=disk", "backing=disk", 1);
	bad("mem=1M", "mem=1M", 1);
	bad("memmap=64M", "memmap=64M", 1);
	bad("memmap=64M#0", "memmap=64M#0", 1);
	bad("memmap=64M@1000", "memmap=64M@1000", 1);
	bad("memmap=64M@0:99", "memmap=64M@0:99", 1);
	bad("memmap=0@0", "memmap=0@0", 1);
	bad("memblock=fast", "memblock=fast", 1);
	bad("populate=sometimes", "populate=sometimes", 1);
	bad("lowmem=0", "lowmem=0", 1);
	bad("highmem=12345", "highmem=12345", 1);
	bad("mem", "mem", 1);
	bad("=5", "=5", 1);
	bad("node_mem=1G,x", "node_mem=1G,x", 1);
	bad("a=1 b=2", "a=1", 1);
	bad("lowmem=1G highmem=1G", NULL, 0);
	bad("hugepages=off backing=hugetlb", NULL, 0);
	bad("hugepages=on backing=thp", NULL, 0);
	bad("memmap=64M@0 mem=1G", NULL, 0);
	return test_done();
}
