/* bench/malloc/mstress_realloc.c - large reallocs: buffers grown by realloc in 4 KiB–64 KiB
 * steps up to 16 MiB (a string builder, a log buffer), some shrunk back, then freed. */
#include "mstress_common.h"

int main(int argc, char **argv)
{
	int threads;
	long scale;
	ms_args(argc, argv, &threads, &scale, 1, 10);
	uint64_t s = 7, sum = 0;
	for (long r = 0; r < scale * 4; r++) {
		char *buf = NULL;
		size_t len = 0;
		while (len < (16UL << 20)) {
			size_t step = 4096 + ms_rand(&s) % 61440;
			char *nb = realloc(buf, len + step);
			if (!nb)
				return 1;
			buf = nb;
			memset(buf + len, (int)r, 64);
			len += step;
		}
		buf = realloc(buf, len / 3);
		sum += (unsigned char)buf[len / 4];
		free(buf);
	}
	ms_sink = sum;
	printf("realloc: %ld buffers grown to 16 MiB\n", scale * 4);
	return 0;
}
