// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xenstore seam (daemon/xs.c) through the REAL libxenstore, against
 * the xenstored test double test/xsd run as a separate process for each
 * test (XENSTORED_PATH points libxenstore at its sockets): reads and
 * bounds, writes, directories, permissions as a guest, transactions and
 * conflicts, watches, refused requests, dropped connections, soft reset.
 * test/xsd is found through $XSD, $top_builddir/test/xsd, or next to
 * this program.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "xs.h"
#include "xsd.h"

#define GUEST 5
#define GDIR "/local/domain/5"

/* Unix socket paths are short (108 bytes): keep the directory short. */
static char dir[80];
static char guest_sock[96], dom0_sock[96], ctl_sock[96];
static pid_t xsd_pid = -1;
static char reply[65536];

/* One control command; the reply line is left in reply[]. */
static int __attribute__((format(printf, 1, 2)))
ctl(const char *fmt, ...)
{
	char cmd[XSD_CTL_LINE_MAX];
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < sizeof(cmd));
	r = xsd_ctl(ctl_sock, cmd, reply, sizeof(reply));
	if (r == -EREMOTEIO)
		return -1;
	ck_assert_msg(r == 0, "control: %s: %s", cmd, strerror(-r));
	return 0;
}

static void
ctl_ok(const char *cmd)
{
	ck_assert_msg(ctl("%s", cmd) == 0, "%s: %s", cmd, reply);
}

/* The value of PATH in the double, or NULL when it has no such node. */
static const char *
peek(const char *path)
{
	if (ctl("get %s", path) != 0)
		return NULL;
	return reply + 3;
}

static void
start_xsd(void)
{
	char pidfile[96];

	snprintf(dir, sizeof(dir), "%s/xs-check.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(guest_sock, sizeof(guest_sock), "%s/guest", dir);
	snprintf(dom0_sock, sizeof(dom0_sock), "%s/dom0", dir);
	snprintf(ctl_sock, sizeof(ctl_sock), "%s/ctl", dir);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	xsd_pid = xsd_spawn((const char *const[]){ "--socket", guest_sock,
	    "--domid", "5", "--dom0-socket", dom0_sock, "--control", ctl_sock,
	    "--pidfile", pidfile, NULL }, pidfile);
	ck_assert_msg(xsd_pid > 0, "xsd did not start: %s",
	    strerror((int)-xsd_pid));
}

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	start_xsd();
}

static void
teardown(void)
{
	int status;

	if (xsd_pid > 0) {
		if (ctl("quit") != 0)
			kill(xsd_pid, SIGTERM);
		ck_assert_int_eq(waitpid(xsd_pid, &status, 0), xsd_pid);
		xsd_pid = -1;
		/* The double itself ran clean (sanitizers exit non-zero). */
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "xsd ended with status 0x%x", status);
	}
	unlink(guest_sock);
	unlink(dom0_sock);
	unlink(ctl_sock);
	rmdir(dir);
}

/* A connection as dom0 or as guest 5. */
static struct xsc *
open_as(bool guest)
{
	struct xsc *x = NULL;

	setenv("XENSTORED_PATH", guest ? guest_sock : dom0_sock, 1);
	ck_assert_int_eq(xsc_open(&x), 0);
	ck_assert_ptr_nonnull(x);
	return x;
}

/* The next watch event within ms, or 0. */
static int
next_event(struct xsc *x, char *path, size_t pathsz, char *token,
    size_t tokensz, int ms)
{
	struct timespec t0, t;
	int fd = xsc_fd(x);

	ck_assert_int_ge(fd, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = xsc_read_watch(x, path, pathsz, token, tokensz);
		long spent;

		if (r != 0)
			return r;
		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= ms)
			return 0;
		poll(&p, 1, (int)(ms - spent));
	}
}

static void
expect_event(struct xsc *x, const char *path, const char *token)
{
	char p[256], t[64];

	ck_assert_int_eq(next_event(x, p, sizeof(p), t, sizeof(t), 3000), 1);
	ck_assert_str_eq(p, path);
	ck_assert_str_eq(t, token);
}

static void
expect_no_event(struct xsc *x, int ms)
{
	char p[256], t[64];
	int r = next_event(x, p, sizeof(p), t, sizeof(t), ms);

	ck_assert_msg(r == 0, "unexpected event %d %s %s", r, r > 0 ? p : "",
	    r > 0 ? t : "");
}

/*
 * Reads, writes, directories.
 */

START_TEST(test_read_write_rm)
{
	struct xsc *x = open_as(false);
	char buf[64];

	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/data/a", "v1"), 0);
	ck_assert_str_eq(peek(GDIR "/data/a"), "v1");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/a", buf,
	    sizeof(buf)), 2);
	ck_assert_str_eq(buf, "v1");
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/data/a", ""), 0);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/a", buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/none", buf,
	    sizeof(buf)), -ENOENT);
	ck_assert_int_eq(xsc_mkdir(x, XS_NO_TX, GDIR "/data/d/e"), 0);
	ck_assert_str_eq(peek(GDIR "/data/d/e"), "");
	ck_assert_int_eq(xsc_mkdir(x, XS_NO_TX, GDIR "/data/d/e"), 0);
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, GDIR "/data/d"), 0);
	ck_assert_ptr_null(peek(GDIR "/data/d/e"));
	ck_assert_ptr_null(peek(GDIR "/data/d"));
	/* Removing what is not there is fine while the parent exists. */
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, GDIR "/data/d"), 0);
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, GDIR "/nope/d"), -ENOENT);
	/* Paths xenstored refuses. */
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/data/", "x"),
	    -EINVAL);
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "//data", "x"),
	    -EINVAL);
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/da ta", "x"),
	    -EINVAL);
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, "/"), -EINVAL);
	xsc_close(x);
}
END_TEST

START_TEST(test_read_bounds)
{
	struct xsc *x = open_as(false);
	char value[101], buf[128];

	memset(value, 'v', 100);
	value[100] = '\0';
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/data/big", value), 0);
	/* The value and its terminator must fit: nothing copied if not. */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/big", buf, 100),
	    -EFBIG);
	ck_assert_int_eq(buf[0], '#');
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/big", buf, 0),
	    -EFBIG);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/big", buf, 101),
	    100);
	ck_assert_int_eq(buf[100], '\0');
	ck_assert_mem_eq(buf, value, 100);
	xsc_close(x);
}
END_TEST

/* A guest may put any bytes in its nodes: they arrive bounded, intact. */
START_TEST(test_read_junk)
{
	struct xsc *x = open_as(false);
	char buf[16];

	ctl_ok("set " GDIR "/data/junk a\\x00b\\x01\\xff\\n");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/junk", buf,
	    sizeof(buf)), 6);
	ck_assert_mem_eq(buf, "a\0b\x01\xff\n", 7);
	ck_assert_uint_eq(strlen(buf), 1);	/* callers use the length */
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, GDIR "/data/junk", buf, 6),
	    -EFBIG);
	xsc_close(x);
}
END_TEST

/* A whole payload: path, NUL and value at most 4096 bytes. */
START_TEST(test_write_bound)
{
	struct xsc *x = open_as(false);
	const char *path = GDIR "/data/w";
	size_t n = XS_VALUE_MAX - strlen(path) - 1;
	char *v = malloc(XS_VALUE_MAX + 2), *buf = malloc(XS_VALUE_MAX + 1);

	memset(v, 'x', n + 1);
	v[n] = '\0';
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, path, v), 0);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, path, buf, XS_VALUE_MAX + 1),
	    (int)n);
	v[n] = 'x';
	v[n + 1] = '\0';
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, path, v), -E2BIG);
	/* Refused by libxenstore before sending: the connection is fine. */
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, path, buf, XS_VALUE_MAX + 1),
	    (int)n);
	free(v);
	free(buf);
	xsc_close(x);
}
END_TEST

START_TEST(test_directory)
{
	struct xsc *x = open_as(false);
	char **names = NULL;
	int i;

	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/dir", 10,
	    &names), -ENOENT);
	for (i = 0; i < 5; i++) {
		char p[64];

		snprintf(p, sizeof(p), GDIR "/data/dir/n%d", i);
		ck_assert_int_eq(xsc_write(x, XS_NO_TX, p, "1"), 0);
	}
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/dir", 5,
	    &names), 5);
	for (i = 0; i < 5; i++) {
		char n[16];

		snprintf(n, sizeof(n), "n%d", i);
		ck_assert_str_eq(names[i], n);
	}
	free(names);
	names = NULL;
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/dir", 4,
	    &names), -E2BIG);
	ck_assert_ptr_null(names);
	ck_assert_int_eq(xsc_mkdir(x, XS_NO_TX, GDIR "/data/empty"), 0);
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/empty", 4,
	    &names), 0);
	free(names);
	xsc_close(x);
}
END_TEST

/*
 * A listing larger than one payload: xenstored answers E2BIG to
 * DIRECTORY and libxenstore pages through DIRECTORY_PART.
 */
START_TEST(test_directory_large)
{
	struct xsc *x = open_as(false);
	char **names = NULL;
	int i;

	for (i = 0; i < 300; i++) {
		char p[96];

		snprintf(p, sizeof(p), GDIR "/data/big/name-%015d", i);
		ck_assert_int_eq(xsc_mkdir(x, XS_NO_TX, p), 0);
	}
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/big", 1000,
	    &names), 300);
	for (i = 0; i < 300; i++) {
		char n[32];

		snprintf(n, sizeof(n), "name-%015d", i);
		ck_assert_str_eq(names[i], n);
	}
	free(names);
	names = NULL;
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, GDIR "/data/big", 299,
	    &names), -E2BIG);
	xsc_close(x);
}
END_TEST

START_TEST(test_domain_path)
{
	struct xsc *x = open_as(true);
	char buf[32];

	ck_assert_int_eq(xsc_domain_path(x, GUEST, buf, sizeof(buf)),
	    (int)strlen(GDIR));
	ck_assert_str_eq(buf, GDIR);
	ck_assert_int_eq(xsc_domain_path(x, 123, buf, sizeof(buf)), 17);
	ck_assert_str_eq(buf, "/local/domain/123");
	ck_assert_int_eq(xsc_domain_path(x, GUEST, buf, strlen(GDIR)),
	    -ENOBUFS);
	xsc_close(x);
}
END_TEST

START_TEST(test_open_fails)
{
	struct xsc *x = NULL;
	char path[96];

	snprintf(path, sizeof(path), "%s/none", dir);
	setenv("XENSTORED_PATH", path, 1);
	ck_assert_int_eq(xsc_open(&x), -ENOENT);
	ck_assert_ptr_null(x);
}
END_TEST

/*
 * Permissions, as guest 5 on its own socket.
 */

START_TEST(test_guest_relative)
{
	struct xsc *g = open_as(true);
	char buf[64];

	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "data/xen-handover/state",
	    "running"), 0);
	ck_assert_str_eq(peek(GDIR "/data/xen-handover/state"), "running");
	/* A node a guest creates is its own. */
	ck_assert_int_eq(ctl("perms " GDIR "/data/xen-handover/state"), 0);
	ck_assert_str_eq(reply, "OK n5");
	ck_assert_int_eq(xsc_get_perms(g, XS_NO_TX, "data/xen-handover",
	    buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "n5");
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, GDIR "/name", buf,
	    sizeof(buf)), 6);
	ck_assert_str_eq(buf, "guest5");
	xsc_close(g);
}
END_TEST

START_TEST(test_guest_perms)
{
	struct xsc *d0 = open_as(false), *g = open_as(true);
	char buf[64];

	/* dom0's verdict node: dom0-owned, guest-readable. */
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX, GDIR "/xen-handover/verdict",
	    "safe"), 0);
	ck_assert_int_eq(xsc_set_perms(d0, XS_NO_TX, GDIR "/xen-handover",
	    "n0 r5"), 0);
	ck_assert_int_eq(xsc_set_perms(d0, XS_NO_TX,
	    GDIR "/xen-handover/verdict", "n0 r5"), 0);
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "xen-handover/verdict", buf,
	    sizeof(buf)), 4);
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "xen-handover/verdict",
	    "unsafe"), -EACCES);
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "xen-handover/other", "x"),
	    -EACCES);
	ck_assert_int_eq(xsc_rm(g, XS_NO_TX, "xen-handover/verdict"),
	    -EACCES);
	ck_assert_int_eq(xsc_set_perms(g, XS_NO_TX, "xen-handover/verdict",
	    "n5"), -EACCES);
	ck_assert_str_eq(peek(GDIR "/xen-handover/verdict"), "safe");
	ck_assert_int_eq(xsc_get_perms(g, XS_NO_TX, "xen-handover/verdict",
	    buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "n0 r5");
	ck_assert_int_eq(xsc_get_perms(g, XS_NO_TX, "xen-handover/verdict",
	    buf, 5), -ENOBUFS);
	/* Other domains' nodes: no access, and no telling what exists. */
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "/local/domain/0/name", buf,
	    sizeof(buf)), -EACCES);
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "/local/domain/0/none", buf,
	    sizeof(buf)), -EACCES);
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "data/none", buf,
	    sizeof(buf)), -ENOENT);
	/* Its own node: it may share it, but not give it away. */
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "data/mine", "1"), 0);
	ck_assert_int_eq(xsc_set_perms(g, XS_NO_TX, "data/mine", "n0"),
	    -EPERM);
	ck_assert_int_eq(xsc_set_perms(g, XS_NO_TX, "data/mine", "n5 r0 b7"),
	    0);
	ck_assert_int_eq(xsc_get_perms(d0, XS_NO_TX, GDIR "/data/mine", buf,
	    sizeof(buf)), 8);
	ck_assert_str_eq(buf, "n5 r0 b7");
	xsc_close(g);
	xsc_close(d0);
}
END_TEST

START_TEST(test_perms_text)
{
	static const char *const bad[] = {
		"", " ", "x5", "r", "r05", "r-1", "r70000", "r5x", "n0,r5",
		"R5", "r 5",
	};
	struct xsc *x = open_as(false);
	char buf[64];
	size_t i;

	ck_assert_int_eq(xsc_write(x, XS_NO_TX, GDIR "/data/p", "1"), 0);
	ck_assert_int_eq(ctl("stats"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(xsc_set_perms(x, XS_NO_TX, GDIR "/data/p",
		    bad[i]) == -EINVAL, "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(xsc_get_perms(x, XS_NO_TX, GDIR "/data/p", buf,
	    sizeof(buf)), 2);
	ck_assert_str_eq(buf, "n5");
	ck_assert_int_eq(xsc_set_perms(x, XS_NO_TX, GDIR "/data/p",
	    "  b65535  n0 "), 0);
	ck_assert_int_eq(xsc_get_perms(x, XS_NO_TX, GDIR "/data/p", buf,
	    sizeof(buf)), 9);
	ck_assert_str_eq(buf, "b65535 n0");
	xsc_close(x);
}
END_TEST

/*
 * Transactions.
 */

START_TEST(test_tx_commit_abort)
{
	struct xsc *g = open_as(true);
	uint32_t tx;
	char buf[16];

	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_uint_ne(tx, XS_NO_TX);
	ck_assert_int_eq(xsc_write(g, tx, "data/t/a", "1"), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/t/b", "2"), 0);
	ck_assert_int_eq(xsc_read(g, tx, "data/t/a", buf, sizeof(buf)), 1);
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "data/t/a", buf, sizeof(buf)),
	    -ENOENT);
	ck_assert_ptr_null(peek(GDIR "/data/t/a"));
	ck_assert_int_eq(xsc_tx_end(g, tx, false), 0);
	ck_assert_str_eq(peek(GDIR "/data/t/a"), "1");
	ck_assert_str_eq(peek(GDIR "/data/t/b"), "2");
	/* Ended: the id is gone. */
	ck_assert_int_eq(xsc_write(g, tx, "data/t/c", "3"), -ENOENT);

	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/t/a", "changed"), 0);
	ck_assert_int_eq(xsc_rm(g, tx, "data/t/b"), 0);
	ck_assert_int_eq(xsc_tx_end(g, tx, true), 0);
	ck_assert_str_eq(peek(GDIR "/data/t/a"), "1");
	ck_assert_str_eq(peek(GDIR "/data/t/b"), "2");
	xsc_close(g);
}
END_TEST

START_TEST(test_tx_conflict)
{
	struct xsc *g = open_as(true);
	uint32_t tx;
	char buf[16];
	int r, tries = 0;

	ctl_ok("set " GDIR "/data/seq 1");
	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_read(g, tx, "data/seq", buf, sizeof(buf)), 1);
	ck_assert_int_eq(xsc_write(g, tx, "data/derived", "from-1"), 0);
	ctl_ok("set " GDIR "/data/seq 2");	/* someone else, meanwhile */
	ck_assert_int_eq(xsc_tx_end(g, tx, false), 1);
	ck_assert_ptr_null(peek(GDIR "/data/derived"));
	/* The usual retry loop then succeeds. */
	do {
		char v[32];

		ck_assert_int_lt(tries++, 3);
		ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
		ck_assert_int_eq(xsc_read(g, tx, "data/seq", buf,
		    sizeof(buf)), 1);
		snprintf(v, sizeof(v), "from-%s", buf);
		ck_assert_int_eq(xsc_write(g, tx, "data/derived", v), 0);
		r = xsc_tx_end(g, tx, false);
		ck_assert_int_ge(r, 0);
	} while (r == 1);
	ck_assert_str_eq(peek(GDIR "/data/derived"), "from-2");
	xsc_close(g);
}
END_TEST

/* dom0 writing its own nodes does not disturb the guest's transaction. */
START_TEST(test_tx_unrelated)
{
	struct xsc *g = open_as(true), *d0 = open_as(false);
	uint32_t tx;

	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/xen-handover/state",
	    "running"), 0);
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX,
	    GDIR "/xen-handover/verdict", "unknown"), 0);
	ck_assert_int_eq(xsc_tx_end(g, tx, false), 0);
	ck_assert_str_eq(peek(GDIR "/data/xen-handover/state"), "running");
	/* Nor do changes beside the nodes the transaction used. */
	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/xen-handover/state",
	    "hibernating"), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/xen-handover/seq", "2"), 0);
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX, GDIR "/data/other", "x"),
	    0);
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX,
	    GDIR "/xen-handover/verdict", "safe"), 0);
	ck_assert_int_eq(xsc_tx_end(g, tx, false), 0);
	ck_assert_str_eq(peek(GDIR "/data/xen-handover/seq"), "2");
	/*
	 * But a change to a node it used does: here data/, whose children
	 * both add to (as xenstored, which compares node generations).
	 */
	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_write(g, tx, "data/new/a", "1"), 0);
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX, GDIR "/data/new2", "x"), 0);
	ck_assert_int_eq(xsc_tx_end(g, tx, false), 1);
	xsc_close(d0);
	xsc_close(g);
}
END_TEST

START_TEST(test_tx_forced_eagain)
{
	struct xsc *g = open_as(true);
	uint32_t tx;
	int tries = 0, r;

	ctl_ok("refuse TRANSACTION_END EAGAIN 1");
	do {
		tries++;
		ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
		ck_assert_int_eq(xsc_write(g, tx, "data/x", "1"), 0);
		r = xsc_tx_end(g, tx, false);
		ck_assert_int_ge(r, 0);
		if (r == 1)
			ck_assert_ptr_null(peek(GDIR "/data/x"));
	} while (r == 1 && tries < 5);
	ck_assert_int_eq(tries, 2);
	ck_assert_str_eq(peek(GDIR "/data/x"), "1");
	/* Other refusals of the end are errors, not "retry". */
	ctl_ok("refuse TRANSACTION_END EIO 1");
	ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
	ck_assert_int_eq(xsc_tx_end(g, tx, false), -EIO);
	ctl_ok("refuse TRANSACTION_START ENOSPC 1");
	ck_assert_int_eq(xsc_tx_start(g, &tx), -ENOSPC);
	xsc_close(g);
}
END_TEST

/*
 * Watches.
 */

START_TEST(test_watch_fire)
{
	struct xsc *g = open_as(true), *d0 = open_as(false);
	char p[64], t[64];

	/* Nothing pending, nothing set: 0 at once. */
	ck_assert_int_eq(xsc_read_watch(g, p, sizeof(p), t, sizeof(t)), 0);
	ck_assert_int_eq(xsc_watch(g, "data/xen-handover", "tok"), 0);
	expect_event(g, "data/xen-handover", "tok");	/* once when set */
	ck_assert_int_eq(xsc_read_watch(g, p, sizeof(p), t, sizeof(t)), 0);
	ck_assert_int_eq(xsc_watch(d0, GDIR "/data", "d0"), 0);
	expect_event(d0, GDIR "/data", "d0");

	ctl_ok("set " GDIR "/data/xen-handover/state running");
	expect_event(g, "data/xen-handover/state", "tok");	/* relative */
	expect_event(d0, GDIR "/data/xen-handover/state", "d0");
	/* Not below the watch: nothing. */
	ctl_ok("set " GDIR "/data/elsewhere 1");
	expect_event(d0, GDIR "/data/elsewhere", "d0");
	expect_no_event(g, 200);
	/* Duplicates are refused; unwatch stops events. */
	ck_assert_int_eq(xsc_watch(g, "data/xen-handover", "tok"), -EEXIST);
	ck_assert_int_eq(xsc_unwatch(g, "data/xen-handover", "tok"), 0);
	ck_assert_int_eq(xsc_unwatch(g, "data/xen-handover", "tok"),
	    -ENOENT);
	ctl_ok("set " GDIR "/data/xen-handover/state resumed");
	expect_event(d0, GDIR "/data/xen-handover/state", "d0");
	expect_no_event(g, 200);
	xsc_close(d0);
	xsc_close(g);
}
END_TEST

START_TEST(test_watch_truncates)
{
	struct xsc *g = open_as(true);
	char p[8], t[4];

	ck_assert_int_eq(xsc_watch(g, "data/xen-handover", "long-token"), 0);
	ck_assert_int_eq(next_event(g, p, sizeof(p), t, sizeof(t), 3000), 1);
	ck_assert_str_eq(p, "data/xe");
	ck_assert_str_eq(t, "lon");
	xsc_close(g);
}
END_TEST

/* Events only for nodes the watcher may read; RM fires below. */
START_TEST(test_watch_perms_rm)
{
	struct xsc *g = open_as(true);

	ck_assert_int_eq(xsc_watch(g, "/local/domain/0", "other"), 0);
	expect_event(g, "/local/domain/0", "other");
	ck_assert_int_eq(xsc_watch(g, "data/a/b", "deep"), 0);
	expect_event(g, "data/a/b", "deep");
	ctl_ok("set /local/domain/0/secret 1");
	expect_no_event(g, 200);
	ctl_ok("set " GDIR "/data/a/b/c 1");
	expect_event(g, "data/a/b/c", "deep");
	ctl_ok("rm " GDIR "/data/a");
	expect_event(g, "data/a/b", "deep");
	expect_no_event(g, 100);
	xsc_close(g);
}
END_TEST

START_TEST(test_watch_special)
{
	struct xsc *d0 = open_as(false), *g = open_as(true);

	ck_assert_int_eq(xsc_watch(d0, "@releaseDomain", "rel"), 0);
	ck_assert_int_eq(xsc_watch(d0, "@introduceDomain", "intro"), 0);
	ck_assert_int_eq(xsc_watch(g, "@introduceDomain", "g"), 0);
	expect_event(d0, "@releaseDomain", "rel");
	expect_event(d0, "@introduceDomain", "intro");
	expect_event(g, "@introduceDomain", "g");
	ctl_ok("introduce 7");
	expect_event(d0, "@introduceDomain", "intro");
	ck_assert_str_eq(peek("/local/domain/7/name"), "guest7");
	expect_no_event(g, 200);	/* only the privileged hear it */
	ctl_ok("release 7");
	expect_event(d0, "@releaseDomain", "rel");
	xsc_close(g);
	xsc_close(d0);
}
END_TEST

START_TEST(test_watch_held)
{
	struct xsc *g = open_as(true);

	ck_assert_int_eq(xsc_watch(g, "data", "t"), 0);
	expect_event(g, "data", "t");
	ctl_ok("hold-watches on");
	ctl_ok("set " GDIR "/data/x 1");
	expect_no_event(g, 200);
	ck_assert_int_eq(ctl("hold-watches off"), 0);
	ck_assert_str_eq(reply, "OK 1");
	expect_event(g, "data/x", "t");
	/* Lost delivery: the event never arrives. */
	ctl_ok("hold-watches on");
	ctl_ok("set " GDIR "/data/y 1");
	ck_assert_int_eq(ctl("hold-watches discard"), 0);
	ck_assert_str_eq(reply, "OK 1");
	expect_no_event(g, 200);
	/* A spurious event, by path or by token. */
	ck_assert_int_eq(ctl("fire " GDIR "/data/xen-handover/ping"), 0);
	ck_assert_str_eq(reply, "OK 1");
	expect_event(g, "data/xen-handover/ping", "t");
	ck_assert_int_eq(ctl("fire /elsewhere t"), 0);
	expect_event(g, "/elsewhere", "t");
	xsc_close(g);
}
END_TEST

/*
 * Failures.
 */

START_TEST(test_refused)
{
	struct xsc *x = open_as(true);
	char buf[16], **names = NULL;

	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/r", "1"), 0);
	ctl_ok("refuse WRITE EACCES 2");
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/r", "2"), -EACCES);
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/r", "3"), -EACCES);
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/r", "4"), 0);
	ck_assert_str_eq(peek(GDIR "/data/r"), "4");
	ctl_ok("refuse READ EIO");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/r", buf, sizeof(buf)),
	    -EIO);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/r", buf, sizeof(buf)),
	    -EIO);
	ctl_ok("refuse READ off");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/r", buf, sizeof(buf)),
	    1);
	ctl_ok("refuse MKDIR EPERM");
	ctl_ok("refuse RM EBUSY");
	ctl_ok("refuse WATCH ENOSPC");
	ctl_ok("refuse SET_PERMS EROFS");
	ctl_ok("refuse DIRECTORY ENOMEM");
	ck_assert_int_eq(xsc_mkdir(x, XS_NO_TX, "data/m"), -EPERM);
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, "data/r"), -EBUSY);
	ck_assert_int_eq(xsc_watch(x, "data", "t"), -ENOSPC);
	ck_assert_int_eq(xsc_set_perms(x, XS_NO_TX, "data/r", "n5"), -EROFS);
	ck_assert_int_eq(xsc_directory(x, XS_NO_TX, "data", 10, &names),
	    -ENOMEM);
	ctl_ok("refuse off");
	ck_assert_int_eq(xsc_rm(x, XS_NO_TX, "data/r"), 0);
	ck_assert_int_eq(ctl("refuse WRITE ENOTREAL"), -1);
	ck_assert_int_eq(ctl("refuse NOSUCHOP EIO"), -1);
	ck_assert_int_eq(ctl("refuse WRITE EIO 0"), -1);
	xsc_close(x);
}
END_TEST

START_TEST(test_dropped)
{
	struct xsc *x = open_as(true);
	char buf[16], p[16], t[16];

	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/d", "1"), 0);
	ck_assert_int_eq(ctl("drop"), 0);
	ck_assert_str_eq(reply, "OK 1");
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/d", buf, sizeof(buf)),
	    -ENOTCONN);
	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/d", "2"), -ENOTCONN);
	ck_assert_int_eq(xsc_read_watch(x, p, sizeof(p), t, sizeof(t)),
	    -ENOTCONN);
	xsc_close(x);
	/* Reopened, it works again. */
	x = open_as(true);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/d", buf, sizeof(buf)),
	    1);
	xsc_close(x);
}
END_TEST

/* With a watch set, libxenstore's reader thread sees the close first. */
START_TEST(test_dropped_watching)
{
	struct xsc *x = open_as(true);
	char buf[16], p[32], t[16];
	int r, i;

	ck_assert_int_eq(xsc_watch(x, "data", "t"), 0);
	expect_event(x, "data", "t");
	ctl_ok("set " GDIR "/data/e 1");
	ck_assert_int_eq(ctl("drop 5"), 0);
	ck_assert_str_eq(reply, "OK 1");
	/* What was delivered before still comes out, then the error. */
	for (i = 0; i < 100; i++) {
		r = next_event(x, p, sizeof(p), t, sizeof(t), 50);
		if (r < 0)
			break;
		if (r == 1)
			ck_assert_str_eq(p, "data/e");
	}
	ck_assert_int_eq(r, -ENOTCONN);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/e", buf, sizeof(buf)),
	    -ENOTCONN);
	xsc_close(x);
}
END_TEST

/* xenstored going away in the middle of a request. */
START_TEST(test_dropped_midrequest)
{
	struct xsc *x = open_as(true);
	uint32_t tx;

	ck_assert_int_eq(xsc_tx_start(x, &tx), 0);
	ck_assert_int_eq(xsc_write(x, tx, "data/m", "1"), 0);
	ctl_ok("refuse TRANSACTION_END DROP 1");
	ck_assert_int_eq(xsc_tx_end(x, tx, false), -ENOTCONN);
	ck_assert_int_eq(xsc_tx_start(x, &tx), -ENOTCONN);
	ck_assert_ptr_null(peek(GDIR "/data/m"));
	xsc_close(x);
}
END_TEST

/* A payload over 4096 bytes: the double drops the client, as xenstored. */
START_TEST(test_oversize_request)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct xsd_sockmsg h = { .type = XS_READ, .len = 4097 };
	char c;
	int fd;

	strcpy(a.sun_path, guest_sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(write(fd, &h, sizeof(h)), (int)sizeof(h));
	ck_assert_int_eq(read(fd, &c, 1), 0);
	close(fd);
	ck_assert_int_eq(ctl("stats"), 0);
	ck_assert_ptr_nonnull(strstr(reply, " dropped=1 "));
}
END_TEST

START_TEST(test_delay)
{
	struct xsc *x = open_as(true);
	struct timespec t0, t1;
	char buf[16];
	long ms;

	ck_assert_int_eq(xsc_write(x, XS_NO_TX, "data/s", "1"), 0);
	ctl_ok("delay 300");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(xsc_read(x, XS_NO_TX, "data/s", buf, sizeof(buf)),
	    1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 280);
	ctl_ok("delay 0");
	xsc_close(x);
}
END_TEST

/* What a soft reset leaves (xen.md 4.3): ~/data gone, layout rebuilt. */
START_TEST(test_soft_reset)
{
	struct xsc *d0 = open_as(false), *g = open_as(true);
	char buf[16];

	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "data/xen-handover/state",
	    "hibernating"), 0);
	ck_assert_int_eq(xsc_write(d0, XS_NO_TX, GDIR "/xen-handover/verdict",
	    "safe"), 0);
	ck_assert_int_eq(xsc_watch(d0, "@releaseDomain", "rel"), 0);
	ck_assert_int_eq(xsc_watch(d0, "@introduceDomain", "intro"), 0);
	expect_event(d0, "@releaseDomain", "rel");
	expect_event(d0, "@introduceDomain", "intro");
	ctl_ok("softreset 5");
	expect_event(d0, "@releaseDomain", "rel");
	expect_event(d0, "@releaseDomain", "rel");
	expect_event(d0, "@introduceDomain", "intro");
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "data/xen-handover/state",
	    buf, sizeof(buf)), -ENOTCONN);
	ck_assert_ptr_null(peek(GDIR "/data/xen-handover/state"));
	ck_assert_ptr_null(peek(GDIR "/xen-handover/verdict"));
	ck_assert_str_eq(peek(GDIR "/data"), "");
	ck_assert_int_eq(ctl("perms " GDIR "/data"), 0);
	ck_assert_str_eq(reply, "OK n5");
	xsc_close(g);
	xsc_close(d0);
}
END_TEST

static Suite *
xs_suite(void)
{
	Suite *s = suite_create("xs");
	TCase *tc;

	tc = tcase_create("rw");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_read_write_rm);
	tcase_add_test(tc, test_read_bounds);
	tcase_add_test(tc, test_read_junk);
	tcase_add_test(tc, test_write_bound);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_directory_large);
	tcase_add_test(tc, test_domain_path);
	tcase_add_test(tc, test_open_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("perms");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_guest_relative);
	tcase_add_test(tc, test_guest_perms);
	tcase_add_test(tc, test_perms_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("tx");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tx_commit_abort);
	tcase_add_test(tc, test_tx_conflict);
	tcase_add_test(tc, test_tx_unrelated);
	tcase_add_test(tc, test_tx_forced_eagain);
	suite_add_tcase(s, tc);

	tc = tcase_create("watch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_watch_fire);
	tcase_add_test(tc, test_watch_truncates);
	tcase_add_test(tc, test_watch_perms_rm);
	tcase_add_test(tc, test_watch_special);
	tcase_add_test(tc, test_watch_held);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_dropped);
	tcase_add_test(tc, test_dropped_watching);
	tcase_add_test(tc, test_dropped_midrequest);
	tcase_add_test(tc, test_oversize_request);
	tcase_add_test(tc, test_delay);
	tcase_add_test(tc, test_soft_reset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xs_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
