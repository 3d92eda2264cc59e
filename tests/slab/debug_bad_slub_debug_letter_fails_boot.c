/* A slub_debug= letter numamm does not know fails the boot cleanly: nmm_boot returns -EINVAL,
 * the message names the letter, nothing stays booted, and a good boot afterwards works. The
 * same for a ';' block list (not supported) and a cache list longer than the option allows. */
#include "debug_test.h"

static void bad_boot(const char *opt, const char *expect)
{
	char line[512];
	snprintf(line, sizeof(line), "mem=256M hugepages=off slab=%s slub_debug=%s", slab_test_backend(), opt);
	char msg[DEBUG_MSG_MAX];
	int e;
	CAPTURE_STDERR(msg, e = nmm_boot(line));
	if (e && strstr(nmm_boot_strerror(), "not built"))
		SKIP("slab=%s: %s", slab_test_backend(), nmm_boot_strerror());
	CHECK_EQ(e, -EINVAL);
	CHECK(strstr(nmm_boot_strerror(), expect) != NULL);
	CHECK(strstr(msg, expect) != NULL);
	CHECK(!nmm_booted());
}

int main(void)
{
	bad_boot("FZQ", "unknown option 'Q'");
	bad_boot("P!,kmalloc-64", "unknown option '!'");
	bad_boot("F;Z,mycache", "';'");
	char long_list[300];
	memset(long_list, 'c', sizeof(long_list) - 1);
	long_list[0] = ',';
	long_list[sizeof(long_list) - 1] = '\0';
	bad_boot(long_list, "too long");   /* the boot line itself refuses it */

	slab_test_boot("slub_debug=FZ");
	void *p = kmalloc(100, GFP_KERNEL);
	CHECK(p != NULL);
	kfree(p);
	CHECK(slab_all_caches_valid());
	nmm_shutdown();
	return test_done();
}
