// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

int
root_path(const char *root, const char *path, char *out, size_t outsz)
{
	int n;

	if (!root || !*root || streq(root, "/"))
		root = "";
	while (*path == '/')
		path++;
	n = snprintf(out, outsz, "%s/%s", root, path);
	if (n < 0 || (size_t)n >= outsz)
		return -ENAMETOOLONG;
	return 0;
}

ssize_t
read_bin_at(const char *root, const char *path, void *buf, size_t bufsz)
{
	_cleanup_close_ int fd = -1;
	char p[4096];
	size_t got = 0;
	int r;

	r = root_path(root, path, p, sizeof(p));
	if (r < 0)
		return r;
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* Read one byte past the buffer to tell "fits" from "too big". */
	for (;;) {
		char extra;
		ssize_t n;

		if (got == bufsz) {
			n = read(fd, &extra, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			return n == 0 ? (ssize_t)got : -EFBIG;
		}
		n = read(fd, (char *)buf + got, bufsz - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)got;
		got += (size_t)n;
	}
}

ssize_t
read_file_at(const char *root, const char *path, char *buf, size_t bufsz)
{
	ssize_t n;

	if (bufsz == 0)
		return -EINVAL;
	n = read_bin_at(root, path, buf, bufsz - 1);
	if (n < 0) {
		buf[0] = '\0';
		return n;
	}
	buf[n] = '\0';
	return n;
}

ssize_t
read_line_at(const char *root, const char *path, char *buf, size_t bufsz)
{
	ssize_t n = read_file_at(root, path, buf, bufsz);

	if (n < 0)
		return n;
	return (ssize_t)strlen(xh_rstrip(buf));
}

int
exists_at(const char *root, const char *path)
{
	struct stat st;
	char p[4096];
	int r;

	r = root_path(root, path, p, sizeof(p));
	if (r < 0)
		return r;
	if (stat(p, &st) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}
