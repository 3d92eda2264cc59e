/* replay: run a fuzz target's LLVMFuzzerTestOneInput() on files, without libFuzzer, so its seed
 * corpus and every crash it ever found replay as an ordinary ctest test in the normal build.
 *
 *   replay_<target> PATH...     each PATH a file or a directory of files (sorted by name)
 *
 * A target signals a broken invariant with abort(); a clean run prints the number of inputs. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so a read past the input is an ASan report in sanitizer builds. */
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-or-DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += replay_file(argv[i]) != 0;
			n++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		char **names = NULL;
		size_t nn = 0;
		for (struct dirent *e; d && (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			names = realloc(names, (nn + 1) * sizeof(*names));
			if (asprintf(&names[nn], "%s/%s", argv[i], e->d_name) < 0)
				return 2;
			nn++;
		}
		if (d)
			closedir(d);
		qsort(names, nn, sizeof(*names), by_name);
		for (size_t k = 0; k < nn; k++) {
			struct stat fs;
			if (!stat(names[k], &fs) && S_ISREG(fs.st_mode)) {
				bad += replay_file(names[k]) != 0;
				n++;
			}
			free(names[k]);
		}
		free(names);
	}
	fprintf(stderr, "replay: %d input(s), %d unreadable\n", n, bad);
	return bad ? 1 : 0;
}
