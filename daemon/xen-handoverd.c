// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handoverd: the guest daemon. It records the running kernel's Xen
 * state at start-up and again on logind's PrepareForSleep(true) (under a
 * delay lock), publishes its state in xenstore for dom0, holds a block
 * lock while hibernation cannot be safe, and after every resume proves
 * with a xenstore watch round trip that event delivery still works.
 * Module map: guestd.h.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "cli.h"
#include "guestd-gatenote.h"
#include "guestd.h"
#include "log.h"
#include "util.h"

#define RESUME_DEBOUNCE (10 * USEC_PER_SEC)
#define STATUS_MAX 1024

static const char *arg_root = "/";
static const char *arg_bus;
static bool arg_no_watchdog;
static bool arg_verbose;

/* XH_TEST_CRASH_AT: armed only during the pre-sleep sequence. */
static const char *crash_at;
static bool crash_armed;

static void
help(void)
{
	printf("Usage: xen-handoverd [OPTIONS]\n"
	    "\n"
	    "Record the Xen state of this guest at start-up and before every "
	    "sleep,\nblock hibernation while it cannot be safe, publish the "
	    "state in xenstore\nand check event delivery after every resume.\n"
	    "\n"
	    "  -r, --root DIR     probe the system under DIR (tests)\n"
	    "  -b, --bus ADDRESS  D-Bus address of the system bus (default: "
	    "$DBUS_SYSTEM_BUS_ADDRESS\n"
	    "                     or the system bus)\n"
	    "      --foreground   accepted for compatibility: the daemon "
	    "never forks\n"
	    "      --no-watchdog  do not send WATCHDOG=1 even if asked to\n"
	    "  -v, --verbose      debug messages\n"
	    "  -h, --help         this help\n"
	    "      --version      the version\n"
	    "\n"
	    "Configuration: %s and %s/*.conf; see xen-handoverd(8).\n",
	    GUESTD_CONF_PATH, GUESTD_CONF_DROPIN_DIR);
}

static int
parse_argv(int argc, char **argv)
{
	enum { ARG_VERSION = 0x100, ARG_FOREGROUND, ARG_NO_WATCHDOG };
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "bus", required_argument, NULL, 'b' },
		{ "foreground", no_argument, NULL, ARG_FOREGROUND },
		{ "no-watchdog", no_argument, NULL, ARG_NO_WATCHDOG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:b:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			arg_root = optarg;
			break;
		case 'b':
			arg_bus = optarg;
			break;
		case ARG_FOREGROUND:
			break;
		case ARG_NO_WATCHDOG:
			arg_no_watchdog = true;
			break;
		case 'v':
			arg_verbose = true;
			break;
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("xen-handoverd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 1;
}

uint64_t
guestd_now_usec(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC +
	    (uint64_t)ts.tv_nsec / 1000u;
}

void
guestd_crash_point(const char *step)
{
	if (!crash_armed || !crash_at || !streq(crash_at, step))
		return;
	log_notice("XH_TEST_CRASH_AT=%s: killing myself", step);
	raise(SIGKILL);
}

/* Printable ASCII only: xenstore's detail and STATUS= both want it. */
static void
copy_printable(char *dst, size_t dstsz, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < dstsz; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

void
guestd_update_status(struct guestd *g)
{
	static char last[STATUS_MAX];
	char st[STATUS_MAX], rec[300], xs[128], li[128];
	const char *detail;

	record_describe(g, rec, sizeof(rec));
	xspub_describe(g->xs, xs, sizeof(xs));
	logind_describe(g->logind, li, sizeof(li));
	/* The detail often is the block reason: say it once, last. */
	detail = streq(g->detail, g->block_why) ? "" : g->detail;
	guestd_fmt(st, sizeof(st), "%s%s%s%s%s; %s; %s; %s",
	    guest_state_to_string(g->state), detail[0] ? ": " : "", detail,
	    g->block_why[0] ? (g->opt.block_unsafe ? "; BLOCKED: " :
	    "; NOT SAFE: ") : "", g->block_why, rec, xs, li);
	if (streq(st, last))
		return;
	xh_strlcpy(last, st, sizeof(last));
	sd_notifyf(0, "STATUS=%s", st);
}

static void
maybe_ready(struct guestd *g)
{
	if (g->ready || !g->startup_done || !g->logind_answered)
		return;
	g->ready = true;
	guestd_update_status(g);
	sd_notify(0, "READY=1");
	log_info("ready: %s", guest_state_to_string(g->state));
}

void
guestd_startup_step(struct guestd *g)
{
	g->logind_answered = true;
	maybe_ready(g);
}

void
guestd_transition(struct guestd *g, enum guest_state s, const char *detail)
{
	enum guest_state old = g->state;

	if (detail)
		copy_printable(g->detail, sizeof(g->detail), detail);
	else if (s != old)
		g->detail[0] = '\0';
	g->state = s;
	if (s != old || !g->startup_done) {
		if (s == GUEST_STATE_DEGRADED)
			log_error("state %s -> %s: %s",
			    guest_state_to_string(old),
			    guest_state_to_string(s), g->detail);
		else
			log_info("state %s -> %s%s%s",
			    guest_state_to_string(old),
			    guest_state_to_string(s), g->detail[0] ? ": " : "",
			    g->detail);
	}
	if (g->startup_done)
		(void)xspub_publish(g->xs);
	guestd_update_status(g);
}

static void
apply_block(struct guestd *g)
{
	static char last[GUESTD_BLOCK_WHY_MAX];

	if (!streq(last, g->block_why)) {
		if (g->block_why[0])
			log_warning("%s%s", g->block_why,
			    g->opt.block_unsafe ? "" :
			    " (block-unsafe = no: not blocking)");
		xh_strlcpy(last, g->block_why, sizeof(last));
	}
	logind_set_block(g->logind, g->opt.block_unsafe ? g->block_why :
	    NULL);
}

/* The state and detail after a (re)probe and start-up record. */
static void
settle_state(struct guestd *g, int store_result)
{
	char detail[XSSCHEMA_DETAIL_MAX + 1], rec[300];

	if (!g->have_record) {
		guestd_fmt(detail, sizeof(detail), "cannot probe this guest: "
		    "%s", g->probe_error ? strerror(-g->probe_error) :
		    "not a Xen guest");
		guestd_transition(g, GUEST_STATE_DEGRADED, detail);
		return;
	}
	if (g->refused_last_boot) {
		guestd_transition(g, GUEST_STATE_REFUSED_LAST_BOOT,
		    g->gate_detail);
		return;
	}
	if (store_result < 0) {
		record_describe(g, rec, sizeof(rec));
		guestd_transition(g, GUEST_STATE_DEGRADED, rec);
		return;
	}
	if (g->block_why[0])
		guestd_fmt(detail, sizeof(detail), "%s", g->block_why);
	else
		guestd_fmt(detail, sizeof(detail), "%s", g->gate_detail);
	guestd_transition(g, GUEST_STATE_RUNNING, detail);
}

static void
check_done(struct guestd *g, int result)
{
	char detail[XSSCHEMA_DETAIL_MAX + 1];

	g->checking = false;
	if (result == 0) {
		guestd_transition(g, GUEST_STATE_RESUMED, "resumed: xenstore "
		    "requests and watch events work (ping round trip)");
		return;
	}
	if (result == -ECANCELED)
		return;
	if (result == -ETIMEDOUT)
		guestd_fmt(detail, sizeof(detail), "after resume the xenstore "
		    "watch event did not arrive within %" PRIu64 " ms: event "
		    "delivery is broken", g->opt.ping_timeout / USEC_PER_MSEC);
	else
		guestd_fmt(detail, sizeof(detail), "after resume the xenstore "
		    "ping round trip failed: %s", strerror(-result));
	guestd_transition(g, GUEST_STATE_DEGRADED, detail);
}

static void
start_check(struct guestd *g)
{
	if (!g->opt.resume_check || !g->opt.xenstore) {
		guestd_transition(g, GUEST_STATE_RESUMED, "resumed (event "
		    "delivery not checked: resume-check or xenstore off)");
		return;
	}
	if (g->checking)
		return;
	g->checking = true;
	g->last_check_boottime = guestd_now_usec(CLOCK_BOOTTIME);
	xspub_ping(g->xs, g->opt.ping_timeout, check_done);
}

void
guestd_pre_sleep(struct guestd *g)
{
	char detail[XSSCHEMA_DETAIL_MAX + 1], rec[300];
	enum guest_state s = GUEST_STATE_HIBERNATING;
	int r;

	crash_armed = true;
	guestd_crash_point("signal");
	log_info("logind: preparing for sleep");
	g->in_sleep = true;
	r = record_store(g, RECORD_STATE_HIBERNATING);
	if (r >= 0) {
		guestd_fmt(detail, sizeof(detail), "record seq %" PRIu64 " for "
		    "the image in %s slot %s", g->stored_seq, g->target.path,
		    swapslot_name((unsigned int)r));
	} else {
		record_describe(g, rec, sizeof(rec));
		guestd_fmt(detail, sizeof(detail), "the record was not "
		    "refreshed: %s", rec);
		if (!g->stored_seq)
			s = GUEST_STATE_DEGRADED;
	}
	guestd_transition(g, s, detail);
	logind_release_delay(g->logind);
	guestd_crash_point("released");
	crash_armed = false;
	apply_block(g);
	guestd_update_status(g);
}

void
guestd_post_sleep(struct guestd *g)
{
	log_info("logind: back from sleep");
	g->in_sleep = false;
	logind_take_delay(g->logind);
	start_check(g);
}

void
guestd_resume_detected(struct guestd *g, uint64_t slept_usec)
{
	uint64_t now = guestd_now_usec(CLOCK_BOOTTIME);

	if (g->in_sleep || g->checking || (g->last_check_boottime &&
	    now - g->last_check_boottime < RESUME_DEBOUNCE))
		return;
	log_notice("resumed without logind (slept %" PRIu64 " s): checking",
	    slept_usec / USEC_PER_SEC);
	start_check(g);
}

static int
load_config(struct guestd *g)
{
	char err[1024], *line, *save = NULL;
	int r;

	guestd_conf_init(&g->opt);
	r = guestd_conf_load(&g->opt, g->root, err, sizeof(err));
	if (r < 0)
		return log_error("%s", err), r;
	for (line = strtok_r(err, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		log_warning("%s", line);
	conf_init(&g->cfg);
	r = conf_load(&g->cfg, g->root, err, sizeof(err));
	if (r < 0)
		return log_error("%s", err), r;
	for (line = strtok_r(err, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		log_warning("%s", line);
	return 0;
}

static void
read_gate_note(struct guestd *g)
{
	struct gate_note n;
	enum guest_state s;
	int r;

	g->gate = "none";
	g->gate_detail[0] = '\0';
	g->refused_last_boot = false;
	r = gatenote_load(g->root, &n);
	if (r == 0)
		return;
	if (r < 0) {
		log_warning_errno(r, "cannot read the gate's note %s, "
		    "ignoring: %m", GATENOTE_PATH);
		return;
	}
	gatenote_summary(&n, &s, &g->gate, g->gate_detail,
	    sizeof(g->gate_detail));
	g->refused_last_boot = s == GUEST_STATE_REFUSED_LAST_BOOT;
	if (g->refused_last_boot)
		log_warning("%s", g->gate_detail);
	else
		log_info("%s", g->gate_detail);
}

/* Probe, check and write the running record; the state follows. */
static void
record_and_settle(struct guestd *g)
{
	int r;

	r = record_probe(g);
	if (r == -ENOMEM)
		log_error_errno(r, "cannot probe: %m");
	r = r < 0 ? r : record_store(g, RECORD_STATE_RUNNING);
	record_update_block(g);
	settle_state(g, r);
	apply_block(g);
}

static void
reload(struct guestd *g)
{
	struct guestd_conf old = g->opt;

	log_info("reloading the configuration and probing again");
	if (load_config(g) < 0) {
		g->opt = old;
		log_error("keeping the previous configuration");
	}
	if (g->in_sleep)
		return;
	record_and_settle(g);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct guestd *g = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("stopping on signal %d", (int)sig);
		sd_notify(0, "STOPPING=1");
		event_base_loopbreak(g->base);
		break;
	case SIGHUP:
		sd_notify(0, "RELOADING=1");
		reload(g);
		sd_notify(0, "READY=1");
		break;
	default:
		break;
	}
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

static int
setup_watchdog(struct guestd *g)
{
	struct timeval tv;
	uint64_t usec = 0;

	if (arg_no_watchdog || sd_watchdog_enabled(0, &usec) <= 0 || !usec)
		return 0;
	usec /= 2;
	g->watchdog = event_new(g->base, -1, EV_PERSIST, watchdog_cb, g);
	if (!g->watchdog)
		return -ENOMEM;
	tv.tv_sec = (time_t)(usec / USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(usec % USEC_PER_SEC);
	event_add(g->watchdog, &tv);
	sd_notify(0, "WATCHDOG=1");
	log_debug("watchdog: every %" PRIu64 " ms", usec / USEC_PER_MSEC);
	return 0;
}

static int
setup_signals(struct guestd *g)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		g->signals[i] = evsignal_new(g->base, sigs[i], signal_cb, g);
		if (!g->signals[i] || evsignal_add(g->signals[i], NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void
guestd_done(struct guestd *g)
{
	size_t i;

	resumewatch_free(g->rw);
	xspub_free(g->xs);
	logind_free(g->logind);
	for (i = 0; i < ARRAY_SIZE(g->signals); i++)
		if (g->signals[i])
			event_free(g->signals[i]);
	if (g->watchdog)
		event_free(g->watchdog);
	free(g->probe);
	if (g->base)
		event_base_free(g->base);
}

int
main(int argc, char **argv)
{
	struct guestd g = { .store_slot = -1 };
	int r;

	log_init("xen-handoverd", LOG_INFO);
	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_OK;
	if (arg_verbose)
		log_set_max_level(LOG_DEBUG);
	crash_at = getenv("XH_TEST_CRASH_AT");
	g.root = arg_root;
	g.bus_address = arg_bus;
	g.gate = "none";
	log_info("xen-handoverd %s starting (root %s, bus %s, xenstore %s)",
	    PACKAGE_VERSION, g.root, arg_bus ? arg_bus :
	    getenv("DBUS_SYSTEM_BUS_ADDRESS") ? getenv(
	    "DBUS_SYSTEM_BUS_ADDRESS") : "system", getenv("XENSTORED_PATH") ?
	    getenv("XENSTORED_PATH") : "default");
	if (load_config(&g) < 0)
		return EXIT_USAGE;

	g.base = event_base_new();
	if (!g.base) {
		log_error("cannot create the event loop");
		return EXIT_SYSTEM;
	}
	if ((r = setup_signals(&g)) < 0 ||
	    (r = xspub_new(&g, &g.xs)) < 0 ||
	    (r = logind_new(&g, &g.logind)) < 0) {
		log_error_errno(r, "cannot set up: %m");
		guestd_done(&g);
		return EXIT_SYSTEM;
	}
	r = resumewatch_new(&g, &g.rw);
	if (r < 0)
		log_warning_errno(r, "cannot watch the clock for a resume "
		    "without logind, ignoring: %m");
	sd_notify(0, "STATUS=Probing the Xen state");

	read_gate_note(&g);
	/* Before anything can sleep: the delay lock. */
	logind_start(g.logind);
	r = record_probe(&g);
	if (r == -ENODEV && g.probe && !g.probe->is_xen) {
		log_error("%s is not a Xen guest: nothing to do", g.root);
		guestd_done(&g);
		return EXIT_NOT_XEN;
	}
	r = r < 0 ? r : record_store(&g, RECORD_STATE_RUNNING);
	record_update_block(&g);
	xspub_start(g.xs);
	g.startup_done = true;
	settle_state(&g, r);
	apply_block(&g);
	if ((r = setup_watchdog(&g)) < 0) {
		log_error_errno(r, "cannot set up the watchdog: %m");
		guestd_done(&g);
		return EXIT_SYSTEM;
	}
	maybe_ready(&g);

	r = event_base_dispatch(g.base);
	if (r < 0)
		log_error("the event loop failed");
	guestd_done(&g);
	return r < 0 ? EXIT_SYSTEM : EXIT_OK;
}
