// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xenstore seam over the real libxenstore (daemon/xs.h). Every
 * bool/NULL + errno result becomes -errno at once, every value read is
 * bounded by the caller's buffer, and a lost connection is reported as
 * -ENOTCONN, whichever errno libxenstore happened to leave behind.
 *
 * How libxenstore reports a lost connection (tools/libs/store/xs.c):
 * with no reader thread (no watch set yet) the request's own read sees
 * EOF and fails with EBADF; once a watch started the reader thread, the
 * thread closes the fd and a waiting request fails with EINVAL, and
 * later requests write to fd -1 (EBADF). EINVAL is also a genuine
 * xenstored answer, so after an EINVAL a cheap request tells the two
 * apart. Logs nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "util.h"
#include "xs.h"

#define PERMS_MAX 64		/* entries accepted in a permission text */
#define PERMS_TEXT_MAX 512
#define DOMID_MAX 65535

struct xsc {
	struct xs_handle *h;
	bool dead;
};

static bool
lost_errno(int e)
{
	return e == EBADF || e == EPIPE || e == ECONNRESET || e == ENOTCONN ||
	    e == ESHUTDOWN;
}

/* Is the connection still there? One harmless request. */
static bool
alive(struct xsc *x)
{
	char *p;

	errno = 0;
	p = xs_get_domain_path(x->h, 0);
	if (p) {
		free(p);
		return true;
	}
	return !lost_errno(errno);
}

/* errno after a failed libxenstore call, as -errno. */
static int
fail(struct xsc *x, int e)
{
	if (e == 0)
		e = EIO;
	if (lost_errno(e) || (e == EINVAL && !alive(x))) {
		x->dead = true;
		return -ENOTCONN;
	}
	return -e;
}

int
xsc_open(struct xsc **ret)
{
	struct xsc *x;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	errno = 0;
	x->h = xs_open(0);
	if (!x->h) {
		int e = errno ? errno : ENOENT;

		free(x);
		return -e;
	}
	*ret = x;
	return 0;
}

void
xsc_close(struct xsc *x)
{
	if (!x)
		return;
	xs_close(x->h);
	free(x);
}

int
xsc_fd(const struct xsc *x)
{
	int fd = xs_fileno(x->h);

	return fd < 0 ? -(errno ? errno : EMFILE) : fd;
}

int
xsc_read(struct xsc *x, uint32_t tx, const char *path, char *buf,
    size_t bufsz)
{
	_cleanup_free_ char *v = NULL;
	unsigned int len = 0;

	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	v = xs_read(x->h, tx, path, &len);
	if (!v)
		return fail(x, errno);
	if (bufsz == 0 || len > bufsz - 1)
		return -EFBIG;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return (int)len;
}

int
xsc_write(struct xsc *x, uint32_t tx, const char *path, const char *value)
{
	size_t n = strlen(value);

	if (x->dead)
		return -ENOTCONN;
	if (n > XS_VALUE_MAX)
		return -E2BIG;
	errno = 0;
	if (!xs_write(x->h, tx, path, value, (unsigned int)n))
		return fail(x, errno);
	return 0;
}

int
xsc_mkdir(struct xsc *x, uint32_t tx, const char *path)
{
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (!xs_mkdir(x->h, tx, path))
		return fail(x, errno);
	return 0;
}

int
xsc_rm(struct xsc *x, uint32_t tx, const char *path)
{
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (!xs_rm(x->h, tx, path))
		return fail(x, errno);
	return 0;
}

int
xsc_directory(struct xsc *x, uint32_t tx, const char *path,
    unsigned int max, char ***ret_names)
{
	char **names;
	unsigned int num = 0;

	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	names = xs_directory(x->h, tx, path, &num);
	if (!names)
		return fail(x, errno);
	if (num > max || num > INT32_MAX) {
		free(names);
		return -E2BIG;
	}
	*ret_names = names;
	return (int)num;
}

/*
 * "n0 r5" -> NUL-separated words for xs_strings_to_perms(), which itself
 * takes the domid with atoi(): check each word strictly first.
 */
static int
perms_from_text(const char *text, struct xs_permissions *perms,
    unsigned int *num)
{
	char words[PERMS_TEXT_MAX + 1];
	size_t len = strnlen(text, PERMS_TEXT_MAX + 1), i = 0, o = 0;
	unsigned int n = 0;

	if (len > PERMS_TEXT_MAX)
		return -EINVAL;
	while (i < len) {
		size_t start;
		unsigned long id = 0;

		if (text[i] == ' ') {
			i++;
			continue;
		}
		if (!strchr("nrwb", text[i]) || n == PERMS_MAX)
			return -EINVAL;
		words[o++] = text[i++];
		start = i;
		while (i < len && text[i] >= '0' && text[i] <= '9') {
			id = id * 10 + (unsigned long)(text[i] - '0');
			if (id > DOMID_MAX)
				return -EINVAL;
			words[o++] = text[i++];
		}
		if (i == start || (i - start > 1 && text[start] == '0') ||
		    (i < len && text[i] != ' '))
			return -EINVAL;
		words[o++] = '\0';
		n++;
	}
	if (n == 0)
		return -EINVAL;
	if (!xs_strings_to_perms(perms, n, words))
		return -EINVAL;
	*num = n;
	return 0;
}

int
xsc_set_perms(struct xsc *x, uint32_t tx, const char *path,
    const char *perms)
{
	struct xs_permissions p[PERMS_MAX];
	unsigned int n;
	int r;

	if ((r = perms_from_text(perms, p, &n)) < 0)
		return r;
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (!xs_set_permissions(x->h, tx, path, p, n))
		return fail(x, errno);
	return 0;
}

static char
perm_letter(unsigned int perm)
{
	switch (perm & (XS_PERM_READ | XS_PERM_WRITE)) {
	case XS_PERM_READ | XS_PERM_WRITE:
		return 'b';
	case XS_PERM_READ:
		return 'r';
	case XS_PERM_WRITE:
		return 'w';
	default:
		return 'n';
	}
}

int
xsc_get_perms(struct xsc *x, uint32_t tx, const char *path, char *buf,
    size_t bufsz)
{
	_cleanup_free_ struct xs_permissions *p = NULL;
	unsigned int i, n = 0;
	size_t off = 0;

	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	p = xs_get_permissions(x->h, tx, path, &n);
	if (!p)
		return fail(x, errno);
	if (bufsz == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(buf + off, bufsz - off, "%s%c%u",
		    i ? " " : "", perm_letter(p[i].perms), p[i].id);

		if (w < 0 || (size_t)w >= bufsz - off) {
			buf[0] = '\0';
			return -ENOBUFS;
		}
		off += (size_t)w;
	}
	return (int)off;
}

int
xsc_tx_start(struct xsc *x, uint32_t *ret_tx)
{
	xs_transaction_t t;

	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	t = xs_transaction_start(x->h);
	if (t == XBT_NULL)
		return fail(x, errno ? errno : EPROTO);
	*ret_tx = t;
	return 0;
}

int
xsc_tx_end(struct xsc *x, uint32_t tx, bool abort)
{
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (xs_transaction_end(x->h, tx, abort))
		return 0;
	if (errno == EAGAIN)
		return 1;
	return fail(x, errno);
}

int
xsc_watch(struct xsc *x, const char *path, const char *token)
{
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (!xs_watch(x->h, path, token))
		return fail(x, errno);
	return 0;
}

int
xsc_unwatch(struct xsc *x, const char *path, const char *token)
{
	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	if (!xs_unwatch(x->h, path, token))
		return fail(x, errno);
	return 0;
}

static void
copy_trunc(char *dst, size_t dstsz, const char *src)
{
	if (dstsz == 0)
		return;
	snprintf(dst, dstsz, "%s", src ? src : "");
}

int
xsc_read_watch(struct xsc *x, char *path, size_t pathsz, char *token,
    size_t tokensz)
{
	_cleanup_free_ char **ev = NULL;

	errno = 0;
	ev = xs_check_watch(x->h);
	if (!ev) {
		if (errno == EAGAIN)
			return 0;
		/*
		 * With nothing queued, EINVAL means the reader thread saw
		 * the connection close (or none was ever there).
		 */
		if (errno == EINVAL || lost_errno(errno)) {
			x->dead = true;
			return -ENOTCONN;
		}
		return -(errno ? errno : EIO);
	}
	copy_trunc(path, pathsz, ev[XS_WATCH_PATH]);
	copy_trunc(token, tokensz, ev[XS_WATCH_TOKEN]);
	return 1;
}

int
xsc_domain_path(struct xsc *x, unsigned int domid, char *buf, size_t bufsz)
{
	_cleanup_free_ char *p = NULL;
	size_t n;

	if (x->dead)
		return -ENOTCONN;
	errno = 0;
	p = xs_get_domain_path(x->h, domid);
	if (!p)
		return fail(x, errno);
	n = strlen(p);
	if (n >= bufsz)
		return -ENOBUFS;
	memcpy(buf, p, n + 1);
	return (int)n;
}
