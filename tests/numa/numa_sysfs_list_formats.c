/* numa_sysfs_list_formats - the numa/ layer reads the kernel's list format (lib/bitmap.c
 * bitmap_parselist(): "0-3,8-11", "" for none, a trailing newline) exactly, and refuses
 * malformed lists with -EINVAL instead of guessing.
 */
#include <errno.h>

#include "../../numa/numa_internal.h"
#include "test.h"

static int ids[64], nr_ids;

static void collect(int id, void *arg)
{
	(void)arg;
	if (nr_ids < 64)
		ids[nr_ids++] = id;
}

static int parse(const char *s)
{
	nr_ids = 0;
	return nmm_sysfs_parse_list(s, collect, NULL);
}

int main(void)
{
	CHECK_EQ(parse("0-3,8-11\n"), 8);
	CHECK_EQ(nr_ids, 8);
	CHECK_EQ(ids[0], 0);
	CHECK_EQ(ids[3], 3);
	CHECK_EQ(ids[4], 8);
	CHECK_EQ(ids[7], 11);
	CHECK_EQ(parse("5"), 1);
	CHECK_EQ(ids[0], 5);
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(parse("\n"), 0);
	CHECK_EQ(parse("0,2,4"), 3);
	CHECK_EQ(ids[2], 4);

	CHECK_EQ(parse("3-1"), -EINVAL);
	CHECK_EQ(parse("a"), -EINVAL);
	CHECK_EQ(parse("1-"), -EINVAL);
	CHECK_EQ(parse("-1"), -EINVAL);
	CHECK_EQ(parse("1;2"), -EINVAL);
	CHECK_EQ(nmm_sysfs_parse_list("0-1048577", NULL, NULL), -EINVAL);  /* absurd, not a loop */
	return test_done();
}
