/* fault_boot_tokens_parsed_and_rejected: fail_page_alloc=<interval>,<probability>,<space>,<times>
 * (and failslab=, fail_vmalloc=, fail_vmap_area=, fail_malloc=, fail_arena=) as the kernel
 * reads them, with numamm's optional flags after the four numbers; a bad token is -EINVAL with
 * a message naming the token, its column and what is wrong, and boots nothing. A good token arms
 * the point at boot. */
#include "boot/boot.h"
#include "ft.h"
#include "process_resources.h"

static struct nmm_boot_params p;

static void expect_bad(const char *line, const char *part)
{
	char err[256];
	int e = nmm_cmdline_parse(line, &p, err, sizeof(err));
	CHECK_EQ(e, -EINVAL);
	if (!strstr(err, part)) {
		fprintf(stderr, "'%s': error '%s' lacks '%s'\n", line, err, part);
		test_failures++;
	}
	/* The same through nmm_boot: refused, nothing left behind. */
	int fds = count_fds();
	long maps = count_maps();
	CHECK_EQ(nmm_boot(line), -EINVAL);
	CHECK(!nmm_booted());
	CHECK(strstr(nmm_boot_strerror(), part) != NULL);
	CHECK_EQ(count_fds(), fds);
	CHECK_MAPS_BACK_TO(maps);
}

int main(void)
{
	char err[256];
	/* Good: the kernel's four numbers. */
	REQUIRE(nmm_cmdline_parse("mem=64M fail_page_alloc=10,25,4096,-1", &p, err, sizeof(err)) == 0);
	const struct nmm_fault_boot *f = &p.fault[NMM_FAULT_PAGE_ALLOC];
	CHECK(f->given);
	CHECK_EQ(f->attr.interval, 10);
	CHECK_EQ(f->attr.probability, 25);
	CHECK_EQ(f->attr.space, 4096);
	CHECK_EQ(f->attr.times, -1);
	CHECK_EQ(f->attr.verbose, 1);
	CHECK(!p.fault[NMM_FAULT_SLAB].given);
	/* Good: numamm's flags after them. */
	REQUIRE(nmm_cmdline_parse("failslab=1,100,0,3,verbose=0,task-filter,ignore-gfp-wait "
				  "fail_page_alloc=1,100,0,1,ignore-gfp-highmem,min-order=2 fail_vmalloc=5,100,0,1 "
				  "fail_vmap_area=1,100,0,1 fail_malloc=2,50,0,-1 fail_arena=1,100,0,1",
				  &p, err, sizeof(err)) == 0);
	f = &p.fault[NMM_FAULT_SLAB];
	CHECK(f->given && f->attr.times == 3 && f->attr.verbose == 0 && f->attr.task_filter &&
	      f->attr.ignore_gfp_wait && !f->attr.ignore_gfp_highmem);
	f = &p.fault[NMM_FAULT_PAGE_ALLOC];
	CHECK(f->given && f->attr.ignore_gfp_highmem && f->attr.min_order == 2 && !f->attr.task_filter);
	for (int i = 0; i < NMM_NR_FAULT_POINTS; i++)
		CHECK(p.fault[i].given);
	CHECK_EQ(p.fault[NMM_FAULT_VMALLOC].attr.interval, 5);
	CHECK_EQ(p.fault[NMM_FAULT_MALLOC].attr.probability, 50);

	/* Warm up hwloc's one-time allocations so the resource counts compare like with like. */
	REQUIRE(nmm_boot("mem=64M backing=thp") == 0);
	nmm_shutdown();

	expect_bad("mem=64M fail_page_alloc", "missing '=<interval>,<probability>,<space>,<times>' in "
		   "'fail_page_alloc' at column 9");
	expect_bad("fail_page_alloc=1,100,0", "expected <interval>,<probability>,<space>,<times> in "
		   "'fail_page_alloc=1,100,0' at column 1");
	expect_bad("failslab=1,101,0,1", "probability must be 0..100 (percent) in 'failslab=1,101,0,1'");
	expect_bad("failslab=1,-5,0,1", "probability must be 0..100");
	expect_bad("failslab=x,1,0,1", "interval 'x' is not a number in 'failslab=x,1,0,1'");
	expect_bad("failslab=-1,1,0,1", "interval must be >= 0");
	expect_bad("fail_vmalloc=1,10,-4096,1", "space must be 0..2^50");
	expect_bad("fail_vmalloc=1,10,0,-2", "times must be -1 (no limit) or 0..2^30");
	expect_bad("fail_vmalloc=1,10,0,1x", "times '1x' is not a number");
	expect_bad("failslab=1,10,0,1,verbose=9", "verbose must be 0..2");
	expect_bad("failslab=1,10,0,1,frob", "unknown flag 'frob'");
	expect_bad("failslab=1,10,0,1,ignore-gfp-highmem", "failslab has no such attribute");
	expect_bad("fail_arena=1,10,0,1,ignore-gfp-wait", "fail_arena has no such attribute");
	expect_bad("fail_page_alloc=1,10,0,1,min-order=11", "min-order must be 0..10");
	expect_bad("fail_pagealloc=1,10,0,1", "unknown parameter in 'fail_pagealloc=1,10,0,1'");
	/* A refused line arms nothing. */
	CHECK_EQ(nmm_fault_injected(NMM_FAULT_PAGE_ALLOC), 0);
	struct nmm_fault_attr got;
	REQUIRE(nmm_fault_get(NMM_FAULT_SLAB, &got) == 0);
	CHECK_EQ(got.probability, 0);

	/* A good token arms its point at boot: the third page allocation after it fails. */
	ft_boot("mem=64M fail_page_alloc=1,100,0,0");   /* times 0: armed, fails nothing at boot */
	REQUIRE(nmm_fault_get(NMM_FAULT_PAGE_ALLOC, &got) == 0);
	CHECK_EQ(got.probability, 100);
	ft_set(NMM_FAULT_PAGE_ALLOC, ft_nth(3));
	struct page *pg[4];
	for (int i = 0; i < 4; i++)
		pg[i] = alloc_page(GFP_KERNEL);
	CHECK(pg[0] && pg[1] && !pg[2] && pg[3]);
	for (int i = 0; i < 4; i++)
		if (pg[i])
			__free_page(pg[i]);
	nmm_fault_reset();
	nmm_shutdown();
	return test_done();
}
