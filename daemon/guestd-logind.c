// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * logind (org.freedesktop.login1, docs/INHIBITOR_LOCKS.md): a delay lock
 * on "sleep" held at all times but between PrepareForSleep(true), when
 * the pre-sleep work is done, and PrepareForSleep(false); a block lock on
 * "sleep" while hibernation cannot be safe, with a "why" that says what
 * to change. logind has no hibernate-only lock: "sleep" covers suspend
 * too (man page, block-unsafe). Every call is asynchronous; a lost bus
 * is reconnected with back-off, keeping the lock fds (they are pipes to
 * logind, not bus objects).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <event2/event.h>
#include <systemd/sd-bus.h>

#include "guestd-bus.h"
#include "guestd.h"
#include "log.h"
#include "util.h"

#define LOGIND_DEST "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_IFACE "org.freedesktop.login1.Manager"
#define INHIBIT_WHO "xen-handover"
#define DELAY_WHY "Recording the Xen state for the hibernation image"
#define CALL_TIMEOUT (25 * USEC_PER_SEC)

struct logind {
	struct guestd *g;
	sd_bus *bus;
	struct busev *bev;
	sd_bus_slot *match;
	sd_bus_slot *delay_call;
	sd_bus_slot *block_call;
	int delay_fd;
	int block_fd;
	char block_held[GUESTD_BLOCK_WHY_MAX];	/* why of block_fd */
	char block_want[GUESTD_BLOCK_WHY_MAX];	/* "" none */
	struct event *retry;
	uint64_t backoff;
	bool started;		/* startup step reported */
	int conn_error;		/* last connect failure, 0 */
	char error[160];	/* why we hold no delay lock, "" */
};

static void logind_connect(struct logind *l);
static void take_block(struct logind *l);

static void
startup_step(struct logind *l)
{
	if (l->started)
		return;
	l->started = true;
	guestd_startup_step(l->g);
}

static void
drop_bus(struct logind *l)
{
	l->match = sd_bus_slot_unref(l->match);
	l->delay_call = sd_bus_slot_unref(l->delay_call);
	l->block_call = sd_bus_slot_unref(l->block_call);
	busev_free(l->bev);
	l->bev = NULL;
	l->bus = sd_bus_flush_close_unref(l->bus);
}

static void
schedule_retry(struct logind *l)
{
	struct timeval tv;

	if (l->backoff == 0)
		l->backoff = l->g->opt.retry_min;
	tv.tv_sec = (time_t)(l->backoff / USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(l->backoff % USEC_PER_SEC);
	evtimer_add(l->retry, &tv);
	log_debug("logind: reconnecting in %llu ms",
	    (unsigned long long)(l->backoff / USEC_PER_MSEC));
	l->backoff = l->backoff * 2 > l->g->opt.retry_max ?
	    l->g->opt.retry_max : l->backoff * 2;
}

static void
bus_lost(void *userdata, int err)
{
	struct logind *l = userdata;

	log_error_errno(err, "the system bus connection failed: %m; "
	    "reconnecting");
	drop_bus(l);
	l->conn_error = err < 0 ? err : -ECONNRESET;
	guestd_fmt(l->error, sizeof(l->error), "no bus connection");
	schedule_retry(l);
	startup_step(l);
	guestd_update_status(l->g);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	logind_connect(arg);
}

static int
prepare_for_sleep_cb(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct logind *l = userdata;
	int start, r;

	(void)e;
	r = sd_bus_message_read(m, "b", &start);
	if (r < 0) {
		log_warning_errno(r, "logind: bad PrepareForSleep signal, "
		    "ignoring: %m");
		return 0;
	}
	if (start)
		guestd_pre_sleep(l->g);
	else
		guestd_post_sleep(l->g);
	return 0;
}

/* The fd from an Inhibit reply, ours to close; -errno on failure. */
static int
inhibit_reply_fd(sd_bus_message *m, char *err, size_t errsz)
{
	const sd_bus_error *e = sd_bus_message_get_error(m);
	int fd, r;

	if (e) {
		guestd_fmt(err, errsz, "%s", e->message ? e->message : e->name);
		r = sd_bus_message_get_errno(m);
		return r > 0 ? -r : -EIO;
	}
	r = sd_bus_message_read(m, "h", &fd);
	if (r < 0) {
		guestd_fmt(err, errsz, "bad Inhibit reply");
		return r;
	}
	fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		guestd_fmt(err, errsz, "cannot keep the lock: %s",
		    strerror(errno));
		return -errno;
	}
	return fd;
}

static int
delay_reply_cb(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct logind *l = userdata;
	char err[160];
	int fd;

	(void)e;
	l->delay_call = sd_bus_slot_unref(l->delay_call);
	fd = inhibit_reply_fd(m, err, sizeof(err));
	if (fd < 0) {
		log_warning("logind refused the delay lock, the record is "
		    "refreshed only at start-up: %s", err);
		guestd_fmt(l->error, sizeof(l->error), "no delay lock: %s",
		    err);
	} else if (l->g->in_sleep) {
		/* Sleep already started: nothing to delay any more. */
		close(fd);
	} else {
		if (l->delay_fd >= 0)
			close(l->delay_fd);
		l->delay_fd = fd;
		l->error[0] = '\0';
		log_debug("logind: delay lock taken (fd %d)", fd);
	}
	startup_step(l);
	guestd_update_status(l->g);
	return 0;
}

static int
block_reply_cb(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct logind *l = userdata;
	char err[160];
	int fd;

	(void)e;
	l->block_call = sd_bus_slot_unref(l->block_call);
	fd = inhibit_reply_fd(m, err, sizeof(err));
	if (fd < 0) {
		log_error("logind refused the block lock: %s; hibernation is "
		    "not blocked although it is not safe", err);
		return 0;
	}
	if (l->block_fd >= 0)
		close(l->block_fd);
	l->block_fd = fd;
	xh_strlcpy(l->block_held, l->block_want, sizeof(l->block_held));
	/* The wish changed while the call ran. */
	if (!streq(l->block_held, l->block_want))
		take_block(l);
	guestd_update_status(l->g);
	return 0;
}

static int
inhibit(struct logind *l, const char *why, const char *mode,
    sd_bus_message_handler_t cb, sd_bus_slot **slot)
{
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(l->bus, &m, LOGIND_DEST,
	    LOGIND_PATH, LOGIND_IFACE, "Inhibit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ssss", "sleep", INHIBIT_WHO, why,
		    mode);
	if (r >= 0)
		r = sd_bus_call_async(l->bus, slot, m, cb, l, CALL_TIMEOUT);
	sd_bus_message_unref(m);
	busev_kick(l->bev);
	return r;
}

void
logind_take_delay(struct logind *l)
{
	int r;

	if (!l->bus || l->delay_fd >= 0 || l->delay_call)
		return;
	r = inhibit(l, DELAY_WHY, "delay", delay_reply_cb, &l->delay_call);
	if (r < 0) {
		log_warning_errno(r, "cannot ask logind for a delay lock: %m");
		startup_step(l);
	}
}

static void
take_block(struct logind *l)
{
	int r;

	if (!l->bus || l->block_call)
		return;
	r = inhibit(l, l->block_want, "block", block_reply_cb,
	    &l->block_call);
	if (r < 0)
		log_warning_errno(r, "cannot ask logind for a block lock: %m");
}

void
logind_set_block(struct logind *l, const char *why)
{
	if (!why)
		why = "";
	xh_strlcpy(l->block_want, why, sizeof(l->block_want));
	if (!why[0]) {
		if (l->block_fd >= 0) {
			close(l->block_fd);
			l->block_fd = -1;
			log_info("hibernation is no longer blocked");
		}
		l->block_held[0] = '\0';
		return;
	}
	if (l->block_fd >= 0 && streq(l->block_held, why))
		return;
	take_block(l);
}

void
logind_release_delay(struct logind *l)
{
	if (l->delay_fd < 0)
		return;
	close(l->delay_fd);
	l->delay_fd = -1;
}

static void
logind_connect(struct logind *l)
{
	int r;

	r = busev_open(l->g->bus_address, &l->bus);
	if (r >= 0)
		r = busev_attach(l->g->base, l->bus, bus_lost, l, &l->bev);
	if (r >= 0)
		r = sd_bus_match_signal_async(l->bus, &l->match, LOGIND_DEST,
		    LOGIND_PATH, LOGIND_IFACE, "PrepareForSleep",
		    prepare_for_sleep_cb, NULL, l);
	if (r < 0) {
		if (r != l->conn_error)
			log_warning_errno(r, "cannot connect to the system "
			    "bus: %m; retrying");
		l->conn_error = r;
		guestd_fmt(l->error, sizeof(l->error), "no bus connection: %s",
		    strerror(-r));
		drop_bus(l);
		schedule_retry(l);
		startup_step(l);
		guestd_update_status(l->g);
		return;
	}
	l->backoff = 0;
	if (l->conn_error)
		log_info("connected to the system bus");
	l->conn_error = 0;
	log_debug("connected to the %s bus", l->g->bus_address ?
	    l->g->bus_address : "system");
	if (!l->g->in_sleep)
		logind_take_delay(l);
	else
		startup_step(l);
	if (l->block_want[0] && (l->block_fd < 0 ||
	    !streq(l->block_held, l->block_want)))
		take_block(l);
	busev_kick(l->bev);
}

void
logind_start(struct logind *l)
{
	logind_connect(l);
}

int
logind_new(struct guestd *g, struct logind **ret)
{
	struct logind *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->g = g;
	l->delay_fd = l->block_fd = -1;
	l->retry = evtimer_new(g->base, retry_cb, l);
	if (!l->retry) {
		free(l);
		return -ENOMEM;
	}
	*ret = l;
	return 0;
}

void
logind_free(struct logind *l)
{
	if (!l)
		return;
	drop_bus(l);
	if (l->delay_fd >= 0)
		close(l->delay_fd);
	if (l->block_fd >= 0)
		close(l->block_fd);
	event_free(l->retry);
	free(l);
}

void
logind_describe(const struct logind *l, char *buf, size_t sz)
{
	if (l->delay_fd >= 0)
		guestd_fmt(buf, sz, "delay lock held%s", l->block_fd >= 0 ?
		    ", hibernation blocked" : "");
	else if (l->g->in_sleep)
		guestd_fmt(buf, sz, "delay lock released for sleep");
	else
		guestd_fmt(buf, sz, "%s", l->error[0] ? l->error :
		    "taking the delay lock");
}
