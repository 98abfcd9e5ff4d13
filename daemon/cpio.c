// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * newc cpio writer (see cpio.h). The kernel's reader is init/initramfs.c:
 * it creates entries in archive order (so parents come first), takes
 * hard links from nlink >= 2 (we always write 1) and needs 4-byte
 * alignment of every header and every file's data.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cpio.h"
#include "util.h"

#define COPY_CHUNK 65536

void
cpio_writer_init(struct cpio_writer *w, int fd, uint64_t max_size)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->max_size = max_size;
	w->next_ino = 1;
}

static int
fail(struct cpio_writer *w, int err)
{
	if (!w->error)
		w->error = err;
	return w->error;
}

static int
put(struct cpio_writer *w, const void *buf, size_t n)
{
	const char *p = buf;

	if (w->error)
		return w->error;
	if (n > w->max_size - w->size)
		return fail(w, -EFBIG);
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(w, -errno);
		if (k == 0)
			return fail(w, -EIO);
		p += k;
		n -= (size_t)k;
		w->size += (uint64_t)k;
	}
	return 0;
}

static int
pad4(struct cpio_writer *w)
{
	static const char zeros[4];

	return put(w, zeros, (size_t)((4 - (w->size & 3)) & 3));
}

/* Relative, no empty, "." or ".." component, no doubled '/'. */
static bool
name_ok(const char *name)
{
	const char *c = name;

	if (!*name || *name == '/')
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;	/* trailing '/' */
	}
	return true;
}

static int
header(struct cpio_writer *w, const char *name, uint32_t mode, uint32_t uid,
    uint32_t gid, uint32_t nlink, uint32_t mtime, uint32_t filesize,
    uint32_t rmaj, uint32_t rmin)
{
	char h[CPIO_HDR_SIZE + 1];
	size_t namesize = strlen(name) + 1;

	if (namesize > CPIO_NAME_MAX)
		return fail(w, -ENAMETOOLONG);
	snprintf(h, sizeof(h), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x"
	    "%08x%08x%08x%08x", w->next_ino++, mode, uid, gid, nlink, mtime,
	    filesize, 0u, 0u, rmaj, rmin, (unsigned)namesize, 0u);
	if (put(w, h, CPIO_HDR_SIZE) < 0 || put(w, name, namesize) < 0)
		return w->error;
	return pad4(w);
}

static uint32_t
clamp_time(time_t t)
{
	if (t < 0)
		return 0;
	if ((unsigned long long)t > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

static int
copy_data(struct cpio_writer *w, int fd, uint64_t len)
{
	_cleanup_free_ char *buf = malloc(COPY_CHUNK);

	if (!buf)
		return fail(w, -ENOMEM);
	while (len > 0) {
		size_t want = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		ssize_t k = read(fd, buf, want);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(w, -errno);
		if (k == 0)
			return fail(w, -EIO);	/* shrank while read */
		if (put(w, buf, (size_t)k) < 0)
			return w->error;
		len -= (uint64_t)k;
	}
	return pad4(w);
}

int
cpio_write_entry(struct cpio_writer *w, const char *name,
    const struct stat *st, int data_fd, const char *link)
{
	uint32_t mode = (uint32_t)st->st_mode, size = 0, rmaj = 0, rmin = 0;
	uint32_t nlink = 1;
	size_t ll = 0;

	if (w->error)
		return w->error;
	if (!name_ok(name))
		return fail(w, -EINVAL);
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		if (data_fd < 0 || st->st_size < 0)
			return fail(w, -EINVAL);
		if ((uint64_t)st->st_size > CPIO_FILE_MAX)
			return fail(w, -EFBIG);
		size = (uint32_t)st->st_size;
		break;
	case S_IFLNK:
		if (!link || !*link)
			return fail(w, -EINVAL);
		ll = strlen(link);
		if (ll >= CPIO_NAME_MAX)
			return fail(w, -ENAMETOOLONG);
		size = (uint32_t)ll;
		break;
	case S_IFDIR:
		nlink = 2;
		break;
	case S_IFCHR:
	case S_IFBLK:
		rmaj = major(st->st_rdev);
		rmin = minor(st->st_rdev);
		break;
	case S_IFIFO:
		break;
	default:
		return fail(w, -EINVAL);
	}
	if (header(w, name, mode, (uint32_t)st->st_uid, (uint32_t)st->st_gid,
	    nlink, clamp_time(st->st_mtime), size, rmaj, rmin) < 0)
		return w->error;
	if (S_ISREG(st->st_mode) && copy_data(w, data_fd, size) < 0)
		return w->error;
	if (S_ISLNK(st->st_mode) && (put(w, link, ll) < 0 || pad4(w) < 0))
		return w->error;
	w->entries++;
	return 0;
}

int
cpio_write_trailer(struct cpio_writer *w)
{
	if (header(w, "TRAILER!!!", 0, 0, 0, 1, 0, 0, 0, 0) < 0)
		return w->error;
	return 0;
}

static bool
listed(const char *name, const char *const *names)
{
	for (; names && *names; names++)
		if (streq(name, *names))
			return true;
	return false;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The entries of an open directory, sorted; "." and ".." left out. */
static int
read_names(int dfd, char ***ret, size_t *ret_n)
{
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = dup(dfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				goto nomem;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem;
		n++;
	}
	if (errno) {
		int e = -errno;

		closedir(d);
		free_names(names, n);
		return e;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*ret = names;
	*ret_n = n;
	return 0;
nomem:
	closedir(d);
	free_names(names, n);
	return -ENOMEM;
}

static int walk(struct cpio_writer *w, int dfd, char *path, size_t len,
    unsigned depth, dev_t top_dev, const char *const *empty_dirs,
    const struct stat *skip);

/* One directory entry (path holds its name; len its length). */
static int
one(struct cpio_writer *w, int dfd, const char *name, char *path,
    size_t len, unsigned depth, dev_t top_dev,
    const char *const *empty_dirs, const struct stat *skip)
{
	char link[CPIO_NAME_MAX];
	struct stat st;
	ssize_t ll;
	int r, fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(w, -errno);	/* gone */
	if (skip && st.st_dev == skip->st_dev && st.st_ino == skip->st_ino)
		return 0;
	switch (st.st_mode & S_IFMT) {
	case S_IFSOCK:
		return 0;
	case S_IFLNK:
		ll = readlinkat(dfd, name, link, sizeof(link));
		if (ll < 0)
			return fail(w, -errno);
		if ((size_t)ll >= sizeof(link))
			return fail(w, -ENAMETOOLONG);
		link[ll] = '\0';
		return cpio_write_entry(w, path, &st, -1, link);
	case S_IFREG:
		fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
		    O_NOCTTY);
		if (fd < 0)
			return fail(w, -errno);
		r = cpio_write_entry(w, path, &st, fd, NULL);
		close(fd);
		return r;
	case S_IFDIR:
		r = cpio_write_entry(w, path, &st, -1, NULL);
		if (r < 0)
			return r;
		if (st.st_dev != top_dev || (depth == 0 &&
		    listed(name, empty_dirs)))
			return 0;
		if (depth + 1 >= CPIO_DEPTH_MAX)
			return fail(w, -ELOOP);
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
		    O_NOFOLLOW);
		if (fd < 0)
			return fail(w, -errno);
		r = walk(w, fd, path, len, depth + 1, top_dev, empty_dirs,
		    skip);
		close(fd);
		return r;
	default:
		return cpio_write_entry(w, path, &st, -1, NULL);
	}
}

/* path holds the directory's name (len bytes, "" at the top). */
static int
walk(struct cpio_writer *w, int dfd, char *path, size_t len, unsigned depth,
    dev_t top_dev, const char *const *empty_dirs, const struct stat *skip)
{
	char **names = NULL;
	size_t i, n = 0;
	int r;

	r = read_names(dfd, &names, &n);
	if (r < 0)
		return fail(w, r);
	for (i = 0; i < n && !w->error; i++) {
		size_t nl = strlen(names[i]), at = len ? len + 1 : 0;

		if (at + nl + 1 > CPIO_NAME_MAX) {
			fail(w, -ENAMETOOLONG);
			break;
		}
		if (len)
			path[len] = '/';
		memcpy(path + at, names[i], nl + 1);
		one(w, dfd, names[i], path, at + nl, depth, top_dev,
		    empty_dirs, skip);
		path[len] = '\0';
	}
	free_names(names, n);
	return w->error;
}

int
cpio_write_tree(struct cpio_writer *w, const char *dir,
    const char *const *empty_dirs, const struct stat *skip)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;
	int dfd, r;

	if (w->error)
		return w->error;
	path = malloc(CPIO_NAME_MAX);
	if (!path)
		return fail(w, -ENOMEM);
	path[0] = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(w, -errno);
	if (fstat(dfd, &st) < 0) {
		r = fail(w, -errno);
		close(dfd);
		return r;
	}
	r = walk(w, dfd, path, 0, 0, st.st_dev, empty_dirs, skip);
	close(dfd);
	return r;
}
