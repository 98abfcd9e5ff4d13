/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xsd: a xenstored test double. It speaks the xenstore wire protocol
 * (xen/io/xs_wire.h) on unix sockets, so the real libxenstore reaches it
 * through XENSTORED_PATH, and it keeps an in-memory tree with xenstored's
 * permission model, transactions and watches. A line-based control
 * channel lets tests act as dom0 and inject failures. The program
 * test/xsd wraps this engine; the control protocol and the command line
 * are documented in test/xsd-main.c (usage) and proto/XENSTORE.md
 * section 8.
 *
 * Single-threaded: everything happens inside xsd_run_once(). A failed
 * allocation aborts (it is a test tool).
 */
#ifndef XH_XSD_H
#define XH_XSD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define XSD_CTL_LINE_MAX 8192	/* a control command line, without '\n' */

struct xsd;

/* An empty store: /, /local/domain/0 (name "Domain-0"), dom0 introduced. */
struct xsd *xsd_new(void);

/* Close every socket; unlink the listening ones this process created. */
void xsd_free(struct xsd *d);

/*
 * Listen on a unix socket at path (an existing socket file is replaced).
 * Every connection accepted there acts as domain domid: 0 is dom0
 * (privileged, no permission checks); any other id is a guest whose
 * relative paths resolve against /local/domain/<domid> and whose every
 * access is checked against node permissions. 0 or -errno.
 */
int xsd_listen(struct xsd *d, const char *path, unsigned int domid);

/* Listen for control connections (one command line, one reply line). */
int xsd_listen_control(struct xsd *d, const char *path);

/*
 * Build /local/domain/<domid> as libxl does (dom0-owned and guest
 * readable, with guest-owned data/, control/shutdown, ...), plus
 * /vm/<uuid>, and mark the domain introduced. Fires no watch. -errno.
 */
int xsd_add_domain(struct xsd *d, unsigned int domid);

/*
 * Serve for at most timeout_ms (-1: until something happened): one
 * poll() round. 0, 1 once a "quit" command was served, -errno.
 */
int xsd_run_once(struct xsd *d, int timeout_ms);

/* Serve until "quit" or until *stop (may be NULL) becomes nonzero. */
int xsd_run(struct xsd *d, volatile sig_atomic_t *stop);

/*
 * Run one control command in this process, as if it came from a control
 * connection. The reply line (no newline) goes to reply, truncated to
 * replysz. Returns 0 for "OK ...", -errno for "ERR ...".
 */
int xsd_command(struct xsd *d, const char *line, char *reply,
    size_t replysz);

/*
 * Fork a child that serves d until "quit" (or SIGTERM) and exits. In the
 * parent d keeps its sockets open but will not unlink them: free it
 * with xsd_free() once done. Returns the child's pid or -errno.
 */
pid_t xsd_fork(struct xsd *d);

/*
 * Client side, for tests and scripts in another process: connect to the
 * control socket at ctl_path, send cmd, read one reply line into reply
 * (without its newline). 0 for "OK ...", -EREMOTEIO for "ERR ...",
 * other -errno when the control socket failed.
 */
int xsd_ctl(const char *ctl_path, const char *cmd, char *reply,
    size_t replysz);

/*
 * Start the test/xsd program with args (after argv[0], NULL-terminated;
 * they should include "--pidfile" pidfile) and wait up to 10 s for
 * pidfile. The program is $XSD, else $top_builddir/test/xsd, else xsd
 * beside this executable. The child gets SIGTERM when the caller dies.
 * Returns its pid, or -errno (-ETIMEDOUT: no pidfile).
 */
pid_t xsd_spawn(const char *const *args, const char *pidfile);

/*
 * The escaping used by get, set and dump: "\\", "\t", "\n", "\r" and
 * "\xNN" for any other byte outside 0x20..0x7e. escape returns the
 * length it needed (output truncated and terminated at outsz); unescape
 * returns the decoded length or -EINVAL on a bad escape, -ENOBUFS when
 * outsz is too small.
 */
size_t xsd_escape(const char *in, size_t len, char *out, size_t outsz);
int xsd_unescape(const char *in, char *out, size_t outsz);

#endif
