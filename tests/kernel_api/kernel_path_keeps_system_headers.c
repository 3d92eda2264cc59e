/* kernel_path_keeps_system_headers: kernel-style code puts include/numamm on its include path
 * (numamm_kernel, pkg-config numamm-kernel) for <linux/slab.h> and friends; nothing else in that
 * directory may hide a system header. numamm's own numa.h and malloc.h used to: a driver that
 * also wanted libnuma's <numa.h> or glibc's <malloc.h> got ours (now numamm/topology.h and
 * numamm/malloc_ext.h). This file includes both system headers through the kernel path and
 * uses them; at run time it checks every top-level header of include/numamm (argv[1]) against
 * the compiler's system directories (argv[2...]). */
#include <dirent.h>
#include <malloc.h>
#include <numa.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/slab.h>

#include "test.h"

int main(int argc, char **argv)
{
	REQUIRE(argc >= 3);
	/* libnuma's and glibc's, not ours: these would not compile against numamm's headers */
	int avail = numa_available();
	CHECK(avail == 0 || avail == -1);
	struct mallinfo2 mi = mallinfo2();
	CHECK(mi.arena >= mi.fordblks);

	DIR *d = opendir(argv[1]);
	REQUIRE(d);
	struct dirent *e;
	int headers = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".h"))
			continue;
		headers++;
		for (int i = 2; i < argc; i++) {
			char path[4096];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (!stat(path, &st)) {
				fprintf(stderr, "include/numamm/%s hides %s for kernel-style code\n", e->d_name, path);
				CHECK(0);
			}
		}
	}
	closedir(d);
	CHECK(headers > 0);
	return test_done();
}
