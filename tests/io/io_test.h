/* tests/io/io_test.h - capture what the io layer prints on stderr, so a test can check that a
 * refusal said the right thing (each refusal is one line in the kernel's words). The captured
 * text is echoed to the real stderr too, so the ctest log shows it.
 */
#ifndef NUMAMM_TESTS_IO_TEST_H
#define NUMAMM_TESTS_IO_TEST_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

static char io_captured[8192];
static int io_saved_fd = -1;
static FILE *io_cap_file;

static inline void io_capture_begin(void)
{
	fflush(stderr);
	io_saved_fd = dup(2);
	io_cap_file = tmpfile();
	REQUIRE(io_saved_fd >= 0 && io_cap_file);
	dup2(fileno(io_cap_file), 2);
}

/* io_capture_end - stop capturing; Return: what was printed (NUL-terminated). */
static inline const char *io_capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(io_saved_fd, 2);
	close(io_saved_fd);
	rewind(io_cap_file);
	n = fread(io_captured, 1, sizeof(io_captured) - 1, io_cap_file);
	io_captured[n] = 0;
	fclose(io_cap_file);
	fputs(io_captured, stderr);
	return io_captured;
}

/* EXPECT_MSG(stmt, text): run stmt; it must print a line containing text. */
#define EXPECT_MSG(stmt, text)                                                              \
	do {                                                                                \
		io_capture_begin();                                                         \
		stmt;                                                                       \
		const char *_m = io_capture_end();                                          \
		if (!strstr(_m, text)) {                                                    \
			fprintf(stderr, "%s:%d: expected a message with \"%s\", got \"%s\"\n", \
				__FILE__, __LINE__, text, _m);                              \
			test_failures++;                                                    \
		}                                                                           \
	} while (0)

#endif
