/* tools/vm/qexit.c - report a result from the guest to the host through QEMU's isa-debug-exit.
 *
 * The guest kernel has no /dev/port (CONFIG_DEVPORT is off in Debian's cloud kernel), so the
 * guest /init cannot poke the port with dd; this static helper does it with ioperm + outl.
 * QEMU must run with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`; it then exits at once
 * with status (value << 1) | 1, which tools/vm/run-guest turns back into the guest's result:
 * value 0 = pass (qemu rc 1), 1 = fail (rc 3), 77 = skip (rc 155).
 *
 * Usage: qexit <value>      (built static: the initramfs has no loader for it to depend on)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define QEXIT_PORT 0xf4

int main(int argc, char **argv)
{
	char *end;
	long val;

	if (argc != 2) {
		fprintf(stderr, "usage: qexit <value 0..127>\n");
		return 2;
	}
	val = strtol(argv[1], &end, 0);
	if (*end || val < 0 || val > 127) {
		fprintf(stderr, "qexit: bad value '%s'\n", argv[1]);
		return 2;
	}
	if (ioperm(QEXIT_PORT, 4, 1)) {
		perror("qexit: ioperm");
		return 1;
	}
	outl((unsigned int)val, QEXIT_PORT);
	/* Only reached when QEMU has no isa-debug-exit device. */
	fprintf(stderr, "qexit: isa-debug-exit at 0x%x did not stop the machine\n", QEXIT_PORT);
	return 1;
}
