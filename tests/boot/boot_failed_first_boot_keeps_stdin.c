/* boot_failed_first_boot_keeps_stdin: a boot that fails before any arena exists (a bad command
 * line as the process's very first boot) must not close file descriptors it never opened — the
 * zeroed arenas' memfd 0 was stdin, and the next file the process opened took its place. */
#include <fcntl.h>
#include <unistd.h>

#include <numamm/numamm.h>

#include "test.h"

int main(void)
{
	int fd = open("/dev/null", O_RDONLY);
	REQUIRE(fd >= 0);
	REQUIRE(dup2(fd, 0) == 0);            /* make sure fd 0 is open and ours */
	close(fd);
	CHECK(nmm_boot("no_such_token=1") != 0);
	CHECK(fcntl(0, F_GETFD) != -1);
	CHECK(nmm_boot("mem=16Q") != 0);
	CHECK(fcntl(0, F_GETFD) != -1);
	nmm_shutdown();
	CHECK(fcntl(0, F_GETFD) != -1);
	return test_done();
}
