/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore seam: a thin wrapper over the real libxenstore that turns
 * bool/NULL+errno results into -errno and bounds every value read. Tests
 * run the real libxenstore against a xenstored test double on a unix
 * socket (XENSTORED_PATH), never a fake of this file. Logs nothing.
 */
#ifndef XH_XS_H
#define XH_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_NO_TX 0u		/* XBT_NULL */
#define XS_VALUE_MAX 4096	/* XENSTORE_PAYLOAD_MAX */

struct xsc;			/* one connection (struct xs_handle) */

/*
 * Errors: every call returns -errno as xenstored sent it (-ENOENT,
 * -EACCES, -EINVAL, -EAGAIN, -E2BIG, -EPERM, ...), except that a lost
 * connection (xenstored closed it, died, or sent garbage) is always
 * -ENOTCONN: xsc_close() and xsc_open() again. Once a call returned
 * -ENOTCONN every later call on the same connection does too (pending
 * watch events are still handed out first by xsc_read_watch()).
 */

/* xs_open(0): socket at XENSTORED_PATH / the rundir, else the device. */
int xsc_open(struct xsc **ret);
void xsc_close(struct xsc *x);
/*
 * For the event loop (EV_READ): libxenstore's watch pipe, readable while
 * watch events are pending. It does NOT become readable when the
 * connection drops: notice that by a request failing with -ENOTCONN
 * (e.g. a periodic read). -errno if the pipe cannot be made.
 */
int xsc_fd(const struct xsc *x);

/*
 * Read path into buf (terminated). Returns the value's length, -ENOENT,
 * -EACCES, -EFBIG when longer than bufsz - 1 (nothing copied), -errno.
 * Values may hold any bytes: callers validate.
 */
int xsc_read(struct xsc *x, uint32_t tx, const char *path, char *buf,
    size_t bufsz);
int xsc_write(struct xsc *x, uint32_t tx, const char *path,
    const char *value);
int xsc_mkdir(struct xsc *x, uint32_t tx, const char *path);
int xsc_rm(struct xsc *x, uint32_t tx, const char *path);

/*
 * Directory listing: at most max names; *ret_names is one malloc()ed
 * block (free() it) holding the array and the strings. Returns the
 * count, -ENOENT, -E2BIG when there are more than max, -errno.
 */
int xsc_directory(struct xsc *x, uint32_t tx, const char *path,
    unsigned int max, char ***ret_names);

/*
 * Permissions in xenstore's text form, one entry per word, e.g.
 * "n0 r5" (owner dom0 with no access for others, read for domain 5).
 */
int xsc_set_perms(struct xsc *x, uint32_t tx, const char *path,
    const char *perms);
/*
 * The same text form back (entries joined by one space). Words are
 * [nrwb]<domid 0..65535>; xsc_set_perms() refuses anything else with
 * -EINVAL without asking xenstored. get: -ENOBUFS when bufsz is short.
 */
int xsc_get_perms(struct xsc *x, uint32_t tx, const char *path, char *buf,
    size_t bufsz);

/* Transactions: end returns 0, 1 when the caller must retry (EAGAIN). */
int xsc_tx_start(struct xsc *x, uint32_t *ret_tx);
int xsc_tx_end(struct xsc *x, uint32_t tx, bool abort);

int xsc_watch(struct xsc *x, const char *path, const char *token);
int xsc_unwatch(struct xsc *x, const char *path, const char *token);

/*
 * One pending watch event, without blocking: 1 and the event's path
 * and token copied (truncated to their buffers, terminated), 0 when none
 * is pending, -errno when the connection failed (reopen it).
 */
int xsc_read_watch(struct xsc *x, char *path, size_t pathsz, char *token,
    size_t tokensz);

/* "/local/domain/<domid>" for domid; -ENOBUFS when bufsz is short. */
int xsc_domain_path(struct xsc *x, unsigned int domid, char *buf,
    size_t bufsz);

#endif
