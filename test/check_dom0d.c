// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion daemon's engine (dom0d-loop.c) in this process,
 * through the REAL libxenstore against the xenstored test double test/xsd
 * (a child process; guests talk to it on their own sockets) and the
 * hypervisor fixture (hv-fixture.c, rewritten by each test):
 *   - a whole hibernation: running, hibernating (snapshot), poweroff,
 *     destroyed, daemon restarted, recreated under a new domid: the
 *     verdict appears in a dom0-owned node the guest reads but cannot
 *     write; the guest reports resumed and the entry closes;
 *   - vCPUs, memory and grant-table version changed; the grant check
 *     waits for the guest kernel, then settles;
 *   - dom0d in a domain other than 0; soft reset (the verdict is wiped
 *     and published again); a new UUID found by name; xenstored dropping
 *     every connection; READY=1 on NOTIFY_SOCKET;
 *   - hostile guests: oversize values, binary junk, newer schema, 10,000
 *     writes/s from one domain, a guest deleting and recreating its nodes
 *     in a loop: dom0d stays up, its memory does not grow, and the other
 *     domain's entry and verdict are untouched.
 * Waits are generous (2-core CI under ASan): no timing assertions.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dom0d-io.h"
#include "dom0d-loop.h"
#include "dom0d.h"
#include "hv.h"
#include "xs.h"
#include "xsd.h"

#define WAIT_MS 30000
#define U5 "6f0b2e1a-3344-4566-8788-99aabbccdd05"
#define U6 "6f0b2e1a-3344-4566-8788-99aabbccdd06"
#define U9 "6f0b2e1a-3344-4566-8788-99aabbccdd09"
#define HOST "xen 4.17.3\nfeatures 0x000c2805\nphyscaps hvm pv\n"
#define DOM0 "domain 0 uuid=00000000-0000-0000-0000-000000000000 " \
	"type=pv vcpus=4\n"
#define DOM(id, uuid, rest) "domain " #id " uuid=" uuid " type=hvm " \
	"vcpus=2 maxmem=2098176 " rest "\n"

static char dir[80], xs_sock[96], ctl_sock[96], fixture[96], state[96];
static char gsock[4][100];
static const unsigned int gids[4] = { 3, 5, 6, 9 };
static pid_t xsd_pid = -1;
static char reply[65536];

static struct event_base *base;
static struct hv *hv;
static struct dom0d *d;
static struct dom0d_opts opts;

/*
 * The double.
 */
/* One control command: the reply's data, or NULL for "ERR ...". */
static const char * __attribute__((format(printf, 1, 2)))
ctl(const char *fmt, ...)
{
	char cmd[XSD_CTL_LINE_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = xsd_ctl(ctl_sock, cmd, reply, sizeof(reply));
	if (r == -EREMOTEIO)
		return NULL;
	ck_assert_msg(r == 0, "control: %s: %s", cmd, strerror(-r));
	return reply[2] == ' ' ? reply + 3 : reply + 2;
}

static void
ctl_ok(const char *cmd)
{
	ck_assert_msg(ctl("%s", cmd) != NULL, "%s: %s", cmd, reply);
}

/* A node's value, or NULL when it has none. */
static const char *
peek(const char *path)
{
	return ctl("get %s", path);
}

static void
start_xsd(void)
{
	char pidfile[96], garg[4][128];
	int i;

	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	for (i = 0; i < 4; i++)
		snprintf(garg[i], sizeof(garg[i]), "%u:%.99s", gids[i],
		    gsock[i]);
	xsd_pid = xsd_spawn((const char *const[]){ "--socket", xs_sock,
	    "--control", ctl_sock, "--guest", garg[0], "--guest", garg[1],
	    "--guest", garg[2], "--guest", garg[3], "--pidfile", pidfile,
	    "--bare", NULL }, pidfile);
	ck_assert_msg(xsd_pid > 0, "xsd did not start: %s",
	    strerror((int)-xsd_pid));
}

static void
fixture_write(const char *text)
{
	char tmp[128];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", fixture);
	f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, fixture), 0);
}

static void
setup(void)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/d0d.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(xs_sock, sizeof(xs_sock), "%s/xs", dir);
	snprintf(ctl_sock, sizeof(ctl_sock), "%s/ctl", dir);
	snprintf(fixture, sizeof(fixture), "%s/hv", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	for (i = 0; i < 4; i++)
		snprintf(gsock[i], sizeof(gsock[i]), "%s/g%u", dir, gids[i]);
	setenv("XENSTORED_PATH", xs_sock, 1);
	start_xsd();
	dom0d_opts_init(&opts);
	opts.state_dir = state;
	opts.debounce_ms = 20;
	opts.settle_ms = 500;
	opts.poll_ms = 50;
	opts.rescan_ms = 1000;
	opts.save_ms = 100;
	opts.throttle_ms = 200;
	opts.notify = false;
	opts.signals = false;
}

static void
daemon_stop(void)
{
	dom0d_free(d);
	d = NULL;
	if (base)
		event_base_free(base);
	base = NULL;
	hv_free(hv);
	hv = NULL;
}

static void
teardown(void)
{
	char cmd[128];
	int status;

	daemon_stop();
	if (xsd_pid > 0) {
		if (xsd_ctl(ctl_sock, "quit", reply, sizeof(reply)) != 0)
			kill(xsd_pid, SIGTERM);
		ck_assert_int_eq(waitpid(xsd_pid, &status, 0), xsd_pid);
		xsd_pid = -1;
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "xsd ended with status 0x%x", status);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
daemon_start(void)
{
	char err[160];

	ck_assert_int_eq(hv_fixture_open(fixture, &hv, err, sizeof(err)), 0);
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(dom0d_new(base, hv, &opts, &d), 0);
	ck_assert_int_eq(dom0d_start(d), 0);
}

/* Run the daemon's loop (or just wait) for about ms. */
static void
spin(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	if (base) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	} else {
		nanosleep(&ts, NULL);
	}
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

#define WAIT(cond) do { \
	struct timespec t0_; \
	clock_gettime(CLOCK_MONOTONIC, &t0_); \
	while (!(cond)) { \
		ck_assert_msg(elapsed_ms(&t0_) < WAIT_MS, \
		    "timed out waiting for: %s", #cond); \
		spin(10); \
	} \
} while (0)

/*
 * Guests.
 */
static struct xsc *
guest_open(unsigned int domid)
{
	struct xsc *x = NULL;
	size_t i;

	for (i = 0; i < 4 && gids[i] != domid; i++)
		;
	ck_assert_uint_lt(i, 4);
	setenv("XENSTORED_PATH", gsock[i], 1);
	ck_assert_int_eq(xsc_open(&x), 0);
	setenv("XENSTORED_PATH", xs_sock, 1);
	return x;
}

static void
fill_record(struct record *r, uint64_t seq, int gnttab,
    enum record_state st)
{
	size_t i;

	record_init(r);
	r->seq = seq;
	r->created = 1732200000;
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	strcpy(r->xen_extra, ".3");
	r->has_xen_features = true;
	r->xen_features = 0x000c2705;
	strcpy(r->kernel_release, "6.1.0-28-amd64");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = gnttab;
	r->kaslr = KASLR_OFF;
	for (i = 0; i < 16; i++)
		r->cmdline_digest[i] = (uint8_t)(0xc0 + i);
	r->vcpus_possible = 2;
	r->ram_kib = 2096128;
	r->state = st;
}

/* Publish as the guest does: every node in one transaction. */
static void
publish(struct xsc *g, enum guest_state st, uint64_t seq, int gnttab)
{
	static struct xs_nodes nodes;
	struct record rec;
	char path[96];
	uint32_t tx;
	size_t i;
	int r, tries;

	fill_record(&rec, seq, gnttab, st == GUEST_STATE_HIBERNATING ?
	    RECORD_STATE_HIBERNATING : RECORD_STATE_RUNNING);
	ck_assert_int_gt(xsschema_guest_nodes(&rec, st,
	    1732200000 + (int64_t)seq, "test", "none", &nodes), 0);
	for (tries = 0; tries < 10; tries++) {
		ck_assert_int_eq(xsc_tx_start(g, &tx), 0);
		for (i = 0; i < nodes.n; i++) {
			snprintf(path, sizeof(path), "%s/%s",
			    XSSCHEMA_GUEST_DIR, nodes.node[i].name);
			ck_assert_int_eq(xsc_write(g, tx, path,
			    nodes.node[i].value), 0);
		}
		r = xsc_tx_end(g, tx, false);
		ck_assert_int_ge(r, 0);
		if (r == 0)
			return;
	}
	ck_abort_msg("publish: transaction kept conflicting");
}

static void
guest_write(struct xsc *g, const char *node, const char *value)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/%s", XSSCHEMA_GUEST_DIR, node);
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, path, value), 0);
}

static const struct dom0d_entry *
entry(uint32_t domid)
{
	return d ? dom0d_entry_of(d, domid) : NULL;
}

static bool
phase_is(uint32_t domid, enum dom0d_phase p)
{
	const struct dom0d_entry *e = entry(domid);

	return e && e->phase == p;
}

static bool
node_is(const char *path, const char *want)
{
	const char *v = peek(path);

	return v && strcmp(v, want) == 0;
}

/* The entry file for uuid, whole; "" when absent. */
static const char *
entry_file(const char *uuid)
{
	static char buf[DOM0D_ENTRY_MAX_SIZE + 1];
	char path[160];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/domains/%s", state, uuid);
	f = fopen(path, "r");
	if (!f)
		return "";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
file_has(const char *uuid, const char *line)
{
	return strstr(entry_file(uuid), line) != NULL;
}

/* Domain 5 (U5) hibernates and goes away; domain 9 (U5) is created. */
static void
hibernate_5(int gnttab)
{
	struct xsc *g;

	fixture_write(HOST DOM0 DOM(5, U5, "gnttab=1"));
	ctl_ok("introduce 5");
	daemon_start();
	g = guest_open(5);
	publish(g, GUEST_STATE_RUNNING, 1, gnttab);
	WAIT(phase_is(5, PHASE_RUNNING));
	WAIT(node_is("/local/domain/5/xen-handover/verdict", "unknown"));
	publish(g, GUEST_STATE_HIBERNATING, 2, gnttab);
	WAIT(phase_is(5, PHASE_HIBERNATING));
	WAIT(node_is("/local/domain/5/xen-handover/record-seq", "2"));
	xsc_close(g);
	fixture_write(HOST DOM0 DOM(5, U5, "gnttab=1 shutdown=poweroff"));
	ctl_ok("fire @releaseDomain");
	WAIT(phase_is(5, PHASE_HIBERNATED));
	fixture_write(HOST DOM0);
	ctl_ok("release 5");
	WAIT(entry(5) == NULL);
	ck_assert(file_has(U5, "phase=hibernated\n"));
}

START_TEST(test_cycle)
{
	const struct dom0d_counters *c;
	char buf[64];
	struct xsc *g;

	hibernate_5(1);
	ck_assert(file_has(U5, "snap-vcpus=2\n"));
	ck_assert(file_has(U5, "snap-max-pages=524544\n"));
	ck_assert(file_has(U5, "last-shutdown=poweroff\n"));
	/* A new dom0d: the state directory is all it has. */
	daemon_stop();
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1"));
	ctl_ok("introduce 9");
	daemon_start();
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "safe"));
	ck_assert(phase_is(9, PHASE_RESUMING));
	ck_assert(node_is("/local/domain/9/xen-handover/record-seq", "2"));
	ck_assert(node_is("/local/domain/9/xen-handover/schema", "1"));
	ck_assert(node_is("/local/domain/9/xen-handover/soft-reset", "1"));
	ck_assert(node_is("/local/domain/9/xen-handover/reason",
	    "host matches the record"));
	ck_assert_str_eq(ctl("perms /local/domain/9/xen-handover"), "n0 r9");
	ck_assert_str_eq(ctl("perms /local/domain/9/xen-handover/verdict"),
	    "n0 r9");

	/* The guest reads its verdict, relative, and cannot write it. */
	g = guest_open(9);
	ck_assert_int_eq(xsc_read(g, XS_NO_TX, "xen-handover/verdict", buf,
	    sizeof(buf)), 4);
	ck_assert_str_eq(buf, "safe");
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "xen-handover/verdict",
	    "unsafe"), -EACCES);
	ck_assert_int_eq(xsc_write(g, XS_NO_TX, "xen-handover/extra", "x"),
	    -EACCES);
	ck_assert_int_eq(xsc_rm(g, XS_NO_TX, "xen-handover"), -EACCES);
	ck_assert_int_eq(xsc_set_perms(g, XS_NO_TX, "xen-handover/verdict",
	    "b9"), -EACCES);
	/* Another guest cannot even read it. */
	{
		struct xsc *g6 = guest_open(6);

		ck_assert_int_eq(xsc_read(g6, XS_NO_TX,
		    "/local/domain/9/xen-handover/verdict", buf, sizeof(buf)),
		    -EACCES);
		xsc_close(g6);
	}

	/* Resumed: cross-checked and closed. */
	publish(g, GUEST_STATE_RESUMED, 3, 1);
	WAIT(phase_is(9, PHASE_CLOSED));
	ck_assert_int_eq(entry(9)->outcome, OUTCOME_RESUMED);
	ck_assert_uint_eq(entry(9)->resumes, 1);
	ck_assert(file_has(U5, "outcome=resumed\n"));
	ck_assert(file_has(U5, "phase=closed\n"));
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "unknown"));
	ck_assert_ptr_null(peek("/local/domain/9/xen-handover/record-seq"));
	c = dom0d_counters(d);
	ck_assert_uint_eq(c->rejected, 0);
	ck_assert_uint_ge(c->publishes, 2);
	xsc_close(g);
}
END_TEST

START_TEST(test_unsafe_domain)
{
	const char *fields;

	hibernate_5(1);
	/* Recreated with 4 vCPUs and more memory. */
	fixture_write(HOST DOM0 "domain 9 uuid=" U5 " type=hvm vcpus=4 "
	    "maxmem=4195328 gnttab=1\n");
	ctl_ok("introduce 9");
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "unsafe"));
	fields = peek("/local/domain/9/xen-handover/fields");
	ck_assert_ptr_nonnull(fields);
	ck_assert_str_eq(fields, "vcpus,ram");
	ck_assert(strstr(peek("/local/domain/9/xen-handover/reason"),
	    "vcpus: image 2, here 4") != NULL);
	WAIT(file_has(U5, "verdict=unsafe\n"));
	ck_assert(file_has(U5, "verdict-fields=vcpus,ram\n"));

	/* As PVH: no soft reset from the toolstack. */
	ctl_ok("release 9");
	fixture_write(HOST DOM0 "domain 10 uuid=" U5 " type=pvh vcpus=2 "
	    "maxmem=2098176\n");
	ctl_ok("introduce 10");
	WAIT(node_is("/local/domain/10/xen-handover/fields", "guest-type"));
	ck_assert(node_is("/local/domain/10/xen-handover/soft-reset", "0"));
}
END_TEST

START_TEST(test_gnttab_settles)
{
	opts.settle_ms = 60000;
	hibernate_5(2);
	/* Xen's initial v1 on a fresh domain: wait for the kernel. */
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1"));
	ctl_ok("introduce 9");
	WAIT(node_is("/local/domain/9/xen-handover/pending", "gnttab"));
	ck_assert(node_is("/local/domain/9/xen-handover/verdict", "unknown"));
	/* The kernel switched to v2: polled, safe. */
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=2"));
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "safe"));
	ck_assert_ptr_null(peek("/local/domain/9/xen-handover/pending"));
}
END_TEST

START_TEST(test_gnttab_unsafe_after_settle)
{
	hibernate_5(2);
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1"));
	ctl_ok("introduce 9");
	/* Still v1 once the settle time passed: the boot kernel chose it. */
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "unsafe"));
	ck_assert(node_is("/local/domain/9/xen-handover/fields", "gnttab"));
	ck_assert_ptr_null(peek("/local/domain/9/xen-handover/pending"));
}
END_TEST

START_TEST(test_not_domid_0)
{
	struct xsc *g;

	/* dom0d runs in domain 3 (a control domain), not 0. */
	opts.self_domid = 3;
	fixture_write(HOST "domain 3 uuid=00000000-0000-0000-0000-000000000003 "
	    "type=pvh\n" DOM(5, U5, ""));
	ctl_ok("introduce 3");
	ctl_ok("introduce 5");
	daemon_start();
	g = guest_open(5);
	publish(g, GUEST_STATE_HIBERNATING, 2, 1);
	WAIT(node_is("/local/domain/5/xen-handover/verdict", "safe"));
	ck_assert_str_eq(ctl("perms /local/domain/5/xen-handover/verdict"),
	    "n3 r5");
	/* Its own domain is not a guest to watch. */
	ck_assert_ptr_null(entry(3));
	ck_assert_ptr_null(ctl("get /local/domain/3/xen-handover/verdict"));
	ck_assert_uint_eq(dom0d_counters(d)->domains, 1);
	xsc_close(g);
}
END_TEST

START_TEST(test_soft_reset)
{
	uint64_t before;

	hibernate_5(1);
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1"));
	ctl_ok("introduce 9");
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "safe"));
	/* The gate repairs by kexec: SHUTDOWN_soft_reset... */
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1 shutdown=soft_reset"));
	ctl_ok("fire @releaseDomain");
	WAIT(entry(9) && entry(9)->soft_resets == 1);
	ck_assert(phase_is(9, PHASE_RESUMING));
	before = dom0d_counters(d)->publishes;
	/* ...then libxl rebuilds /local/domain/9: the verdict is gone. */
	fixture_write(HOST DOM0 DOM(9, U5, "gnttab=1"));
	ctl_ok("softreset 9");
	WAIT(dom0d_counters(d)->publishes > before);
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "safe"));
	ck_assert(node_is("/local/domain/9/xen-handover/record-seq", "2"));
	ck_assert_str_eq(ctl("perms /local/domain/9/xen-handover/verdict"),
	    "n0 r9");
	ck_assert(phase_is(9, PHASE_RESUMING));
	WAIT(file_has(U5, "soft-resets=1\n"));
}
END_TEST

START_TEST(test_new_uuid_by_name)
{
	hibernate_5(1);
	/* xl made a new UUID; the toolstack name is the same. */
	ctl_ok("set /local/domain/9/name guest5");
	fixture_write(HOST DOM0 DOM(9, U9, "gnttab=1"));
	ctl_ok("introduce 9");
	WAIT(node_is("/local/domain/9/xen-handover/verdict", "safe"));
	ck_assert(phase_is(9, PHASE_RESUMING));
	ck_assert(file_has(U9, "phase=resuming\n"));
	ck_assert_str_eq(entry_file(U5), "");	/* moved */
}
END_TEST

START_TEST(test_reconnect)
{
	struct xsc *g;

	fixture_write(HOST DOM0 DOM(5, U5, "") DOM(6, U6, ""));
	ctl_ok("introduce 5");
	ctl_ok("introduce 6");
	daemon_start();
	g = guest_open(5);
	publish(g, GUEST_STATE_RUNNING, 1, 1);
	WAIT(phase_is(5, PHASE_RUNNING));
	xsc_close(g);
	/* xenstored drops every connection (a restart, as seen by us). */
	ctl_ok("drop");
	WAIT(dom0d_counters(d)->reconnects >= 1);
	g = guest_open(6);
	publish(g, GUEST_STATE_HIBERNATING, 4, 1);
	WAIT(node_is("/local/domain/6/xen-handover/verdict", "safe"));
	ck_assert(phase_is(6, PHASE_HIBERNATING));
	xsc_close(g);
}
END_TEST

START_TEST(test_notify)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { 30, 0 };
	char path[128], msg[512];
	bool ready = false;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	strcpy(a.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setenv("NOTIFY_SOCKET", path, 1);
	opts.notify = true;
	fixture_write(HOST DOM0 DOM(5, U5, ""));
	ctl_ok("introduce 5");
	daemon_start();
	while (!ready && (n = recv(fd, msg, sizeof(msg) - 1, 0)) > 0) {
		msg[n] = '\0';
		ready = strstr(msg, "READY=1") != NULL;
	}
	ck_assert(ready);
	dom0d_stop(d);
	n = recv(fd, msg, sizeof(msg) - 1, 0);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	ck_assert(strstr(msg, "STOPPING=1") != NULL ||
	    strstr(msg, "STATUS=") != NULL);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}
END_TEST

/*
 * Hostile guests.
 */

/* Domain 6 is a well-behaved bystander with a hibernation pending. */
static void
bystander(void)
{
	struct xsc *g = guest_open(6);

	publish(g, GUEST_STATE_HIBERNATING, 7, 1);
	xsc_close(g);
	WAIT(node_is("/local/domain/6/xen-handover/verdict", "safe"));
	WAIT(file_has(U6, "report-updated=1732200007\n"));
}

/* A valid report with seq, taken; then junk, rejected; entry kept. */
static void
junk_after(struct xsc *g, uint64_t seq, const char *node, const char *value,
    const char *ctl_cmd)
{
	const struct dom0d_counters *c = dom0d_counters(d);
	uint64_t rejected;

	publish(g, GUEST_STATE_RUNNING, seq, 1);
	WAIT(entry(5) && entry(5)->report_seq == seq);
	rejected = c->rejected;
	if (ctl_cmd)
		ck_assert_msg(ctl("%s", ctl_cmd) != NULL, "%s", ctl_cmd);
	else
		guest_write(g, node, value);
	WAIT(c->rejected > rejected);
	spin(100);
	ck_assert(phase_is(5, PHASE_RUNNING));
	ck_assert_uint_eq(entry(5)->report_seq, seq);
}

START_TEST(test_hostile_values)
{
	char *big, before[DOM0D_ENTRY_MAX_SIZE + 1];
	struct xsc *g;

	fixture_write(HOST DOM0 DOM(5, U5, "") DOM(6, U6, ""));
	ctl_ok("introduce 5");
	ctl_ok("introduce 6");
	daemon_start();
	bystander();
	snprintf(before, sizeof(before), "%s", entry_file(U6));
	g = guest_open(5);

	/* Oversize: a 4000-byte record, a 300-byte detail. */
	big = malloc(4001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'A', 4000);
	big[4000] = '\0';
	junk_after(g, 1, "record", big, NULL);
	big[300] = '\0';
	junk_after(g, 2, "detail", big, NULL);
	free(big);
	/* Binary junk: a NUL inside the state, bytes above 0x7e. */
	junk_after(g, 3, NULL, NULL, "set /local/domain/5/data/xen-handover/"
	    "state run\\x00ning");
	junk_after(g, 4, "gate", "\xff\x01proceed", NULL);
	junk_after(g, 5, "record", "kr=x\n\x80\n", NULL);
	/* A newer schema, a seq with a leading zero, a lying enum. */
	junk_after(g, 6, "schema", "2", NULL);
	junk_after(g, 7, "seq", "007", NULL);
	junk_after(g, 8, "state", "Running", NULL);

	/* The bystander is untouched, and dom0d keeps serving. */
	ck_assert_str_eq(entry_file(U6), before);
	ck_assert(node_is("/local/domain/6/xen-handover/verdict", "safe"));
	publish(g, GUEST_STATE_HIBERNATING, 9, 1);
	WAIT(phase_is(5, PHASE_HIBERNATING));
	WAIT(node_is("/local/domain/5/xen-handover/verdict", "safe"));
	xsc_close(g);
}
END_TEST

/*
 * A guest in a child process, forked before dom0d starts its threads:
 * it waits for a byte on a pipe, then runs the loop for ms and reports
 * how many writes it made.
 */
enum abuse { FLOOD, CHURN };

struct child {
	pid_t pid;
	int go, done;
	unsigned long writes;
};

static unsigned long
child_loop(enum abuse what, unsigned int domid, int ms)
{
	struct timespec t0;
	struct xsc *g = guest_open(domid);
	unsigned long writes = 0, seq = 100;
	char path[96], v[32];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed_ms(&t0) < ms) {
		long due = (long)(writes / 10);	/* 10,000 writes/s at most */

		if (due > elapsed_ms(&t0)) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (what == FLOOD) {
			snprintf(v, sizeof(v), "junk%lu", writes);
			snprintf(path, sizeof(path), "%s/state",
			    XSSCHEMA_GUEST_DIR);
			if (xsc_write(g, XS_NO_TX, path, v) < 0)
				break;
			writes++;
			continue;
		}
		/* CHURN: delete everything, publish anew, sometimes half. */
		if (xsc_rm(g, XS_NO_TX, XSSCHEMA_GUEST_DIR) < 0)
			break;
		writes++;
		if (seq % 3 == 0) {
			guest_write(g, "schema", "1");
			writes++;
		} else {
			publish(g, GUEST_STATE_RUNNING, seq, 1);
			writes += 8;
		}
		seq++;
	}
	/* Leave one complete report, seq 1000. */
	if (what == CHURN)
		publish(g, GUEST_STATE_RUNNING, 1000, 1);
	xsc_close(g);
	printf("guest %u: %lu writes in %d ms\n", domid, writes, ms);
	fflush(stdout);
	return writes;
}

static struct child
child_fork(enum abuse what, unsigned int domid, int ms)
{
	struct child c;
	int go[2], done[2];
	char b;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(done), 0);
	c.pid = fork();
	ck_assert_int_ge(c.pid, 0);
	if (c.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(done[0]);
		unsigned long n = 0;

		if (read(go[0], &b, 1) == 1)
			n = child_loop(what, domid, ms);
		(void)!write(done[1], &n, sizeof(n));
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	c.go = go[1];
	c.done = done[0];
	c.writes = 0;
	return c;
}

static bool
child_done(struct child *c)
{
	struct timeval tv = { 0, 0 };
	fd_set s;

	FD_ZERO(&s);
	FD_SET(c->done, &s);
	return select(c->done + 1, &s, NULL, NULL, &tv) > 0;
}

static void
child_reap(struct child *c)
{
	int status;

	ck_assert_int_eq(read(c->done, &c->writes, sizeof(c->writes)),
	    (ssize_t)sizeof(c->writes));
	ck_assert_int_eq(waitpid(c->pid, &status, 0), c->pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(c->go);
	close(c->done);
}

static void
abuse(enum abuse what)
{
	const struct dom0d_counters *c;
	char before[DOM0D_ENTRY_MAX_SIZE + 1], verdict_before[64];
	struct child ch;
	uint64_t mem;
	struct xsc *g;

	ch = child_fork(what, 5, 2000);
	fixture_write(HOST DOM0 DOM(5, U5, "") DOM(6, U6, ""));
	ctl_ok("introduce 5");
	ctl_ok("introduce 6");
	daemon_start();
	c = dom0d_counters(d);
	bystander();
	g = guest_open(5);
	publish(g, GUEST_STATE_RUNNING, 1, 1);
	xsc_close(g);
	WAIT(phase_is(5, PHASE_RUNNING));
	snprintf(before, sizeof(before), "%s", entry_file(U6));
	snprintf(verdict_before, sizeof(verdict_before), "%s",
	    peek("/local/domain/6/xen-handover/record-seq"));
	mem = c->mem_bytes;

	ck_assert_int_eq(write(ch.go, "g", 1), 1);
	WAIT(child_done(&ch));
	child_reap(&ch);

	/* The bystander's entry and verdict are untouched. */
	ck_assert_str_eq(entry_file(U6), before);
	ck_assert_str_eq(peek("/local/domain/6/xen-handover/record-seq"),
	    verdict_before);
	/* Memory: the same two domains with the same two entries. */
	ck_assert_uint_eq(dom0d_counters(d)->mem_bytes, mem);
	ck_assert_uint_eq(dom0d_counters(d)->domains, 2);
	/* dom0d kept up: it serves the other domain right away. */
	g = guest_open(6);
	publish(g, GUEST_STATE_HIBERNATING, 8, 1);
	xsc_close(g);
	WAIT(node_is("/local/domain/6/xen-handover/record-seq", "8"));
	if (what == FLOOD) {
		/* More events than the bucket holds and refills (256 + 64/s
		 * for 2 s and then some): the domain was throttled. A CI
		 * machine too slow to flood that hard proves nothing. */
		if (ch.writes > 256 + 64 * 4)
			ck_assert_uint_ge(dom0d_counters(d)->throttled, 1);
		/* Junk states were rejected, never taken. */
		ck_assert(phase_is(5, PHASE_RUNNING));
		ck_assert_uint_eq(entry(5)->report_seq, 1);
	} else {
		/* The last complete report wins once the churn stops. */
		WAIT(entry(5) && entry(5)->report_seq == 1000);
		ck_assert(phase_is(5, PHASE_RUNNING));
	}
	ck_assert_uint_eq(c->publish_errors, 0);
	ck_assert_uint_eq(c->save_errors, 0);
}

START_TEST(test_hostile_flood)
{
	abuse(FLOOD);
}
END_TEST

START_TEST(test_hostile_churn)
{
	abuse(CHURN);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("dom0d");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_unsafe_domain);
	tcase_add_test(tc, test_gnttab_settles);
	tcase_add_test(tc, test_gnttab_unsafe_after_settle);
	tcase_add_test(tc, test_not_domid_0);
	tcase_add_test(tc, test_soft_reset);
	tcase_add_test(tc, test_new_uuid_by_name);
	tcase_add_test(tc, test_reconnect);
	tcase_add_test(tc, test_notify);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_hostile_values);
	tcase_add_test(tc, test_hostile_flood);
	tcase_add_test(tc, test_hostile_churn);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
