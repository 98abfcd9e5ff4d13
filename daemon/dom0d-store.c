// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion's state directory: <state>/domains/<uuid>, one
 * entry per domain UUID (dom0d-entry.c's text). File names come from the
 * UUID the hypervisor reported, formatted here: never from a guest.
 * Writes are atomic and durable: a temporary file ".<uuid>.tmp", fsync,
 * rename over the entry, fsync of the directory. Logs nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom0d-io.h"
#include "util.h"

struct dom0d_store {
	int dirfd;
};

static int
mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path), i;

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = i == len ? '\0' : '/';
	}
	return 0;
}

int
dom0d_store_open(const char *state_dir, bool create, struct dom0d_store **ret)
{
	char path[4096];
	struct dom0d_store *s;
	int fd, r;

	if (snprintf(path, sizeof(path), "%s/%s", state_dir,
	    DOM0D_DOMAINS_SUBDIR) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (create && (r = mkdir_p(path, 0700)) < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->dirfd = fd;
	*ret = s;
	return 0;
}

void
dom0d_store_close(struct dom0d_store *s)
{
	if (!s)
		return;
	close(s->dirfd);
	free(s);
}

/* Read a whole small file under dirfd. Length or -errno (-EFBIG). */
static ssize_t
read_small(int dirfd, const char *name, char *buf, size_t bufsz)
{
	_cleanup_close_ int fd = -1;
	size_t got = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + got, bufsz - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)got;
		got += (size_t)n;
		if (got == bufsz)
			return -EFBIG;
	}
}

static int
load_name(struct dom0d_store *s, const char *name, struct dom0d_entry *ret)
{
	char buf[DOM0D_ENTRY_MAX_SIZE + 1];
	ssize_t n;

	n = read_small(s->dirfd, name, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return dom0d_entry_decode(buf, (size_t)n, ret);
}

int
dom0d_store_load(struct dom0d_store *s, const uint8_t uuid[16],
    struct dom0d_entry *ret)
{
	char name[37];
	int r;

	xh_format_uuid(uuid, name);
	r = load_name(s, name, ret);
	if (r < 0)
		return r;
	if (memcmp(ret->uuid, uuid, 16) != 0) {
		dom0d_entry_init(ret, uuid);
		return -EBADMSG;
	}
	return 0;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* tmp and name in the directory dirfd. */
static int
replace_at(int dirfd, const char *tmp, const char *name, const char *data,
    size_t len, mode_t mode)
{
	int fd, r;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

int
dom0d_store_save(struct dom0d_store *s, const struct dom0d_entry *e)
{
	char buf[DOM0D_ENTRY_MAX_SIZE], name[37], tmp[48];
	int n;

	n = dom0d_entry_encode(e, buf, sizeof(buf));
	if (n < 0)
		return n;
	xh_format_uuid(e->uuid, name);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	return replace_at(s->dirfd, tmp, name, buf, (size_t)n, 0600);
}

int
dom0d_store_remove(struct dom0d_store *s, const uint8_t uuid[16])
{
	char name[37];

	xh_format_uuid(uuid, name);
	if (unlinkat(s->dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	if (fsync(s->dirfd) < 0)
		return -errno;
	return 0;
}

/* An entry file name: a canonical lower-case UUID. */
static bool
entry_name(const char *name)
{
	uint8_t u[16];
	char back[37];

	if (strlen(name) != 36 || xh_parse_uuid(name, u) < 0)
		return false;
	xh_format_uuid(u, back);
	return streq(back, name);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dom0d_store_foreach(struct dom0d_store *s,
    int (*cb)(const struct dom0d_entry *e, void *userdata),
    void (*bad)(const char *name, int err, void *userdata), void *userdata)
{
	struct dom0d_entry *e = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	bool toobig = false;
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		char **g;

		if (!entry_name(de->d_name))
			continue;
		if (n == DOM0D_STORE_MAX) {
			toobig = true;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			g = realloc(names, cap * sizeof(*names));
			if (!g) {
				r = -ENOMEM;
				goto out;
			}
			names = g;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	e = malloc(sizeof(*e));
	if (!e) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && r == 0; i++) {
		int lr = load_name(s, names[i], e);
		uint8_t u[16];

		if (lr == 0 && (xh_parse_uuid(names[i], u) < 0 ||
		    memcmp(u, e->uuid, 16) != 0))
			lr = -EBADMSG;
		if (lr < 0) {
			if (lr != -ENOENT && bad)
				bad(names[i], lr, userdata);
			continue;
		}
		r = cb(e, userdata);
	}
	if (r == 0 && toobig)
		r = -E2BIG;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(e);
	closedir(d);
	return r;
}

int
dom0d_write_atomic(const char *path, const char *data, size_t len,
    unsigned int mode)
{
	char dir[4096], tmp[4096];
	const char *slash = strrchr(path, '/'), *base;
	int dirfd, r;

	if (strlen(path) >= sizeof(dir) - 16)
		return -ENAMETOOLONG;
	if (slash) {
		size_t dl = slash == path ? 1 : (size_t)(slash - path);

		memcpy(dir, path, dl);
		dir[dl] = '\0';
		base = slash + 1;
	} else {
		strcpy(dir, ".");
		base = path;
	}
	if (!*base)
		return -EISDIR;
	snprintf(tmp, sizeof(tmp), ".%s.tmp", base);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = replace_at(dirfd, tmp, base, data, len, (mode_t)mode);
	close(dirfd);
	return r;
}
