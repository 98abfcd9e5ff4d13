// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay driver for fuzz targets when libFuzzer is not available (gcc):
 * runs LLVMFuzzerTestOneInput() over every file named on the command
 * line, or every regular file in the directories named. Under ASan/UBSan
 * this turns the corpus into a regression test.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define XH_MAX_INPUT (1 << 20)

static int
run_file(const char *path)
{
	static uint8_t buf[XH_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;
	uint8_t *copy;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* An exact-size heap copy lets ASan catch reads past the input. */
	copy = malloc(n ? n : 1);
	if (!copy)
		return -1;
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				return 1;
			count++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d)
			return 1;
		while ((e = readdir(d))) {
			char p[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			if (run_file(p) < 0) {
				closedir(d);
				return 1;
			}
			count++;
		}
		closedir(d);
	}
	printf("%s: %d inputs replayed\n", argv[0], count);
	return 0;
}
