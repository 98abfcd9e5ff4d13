// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xenstore for xen-handoverd (proto/XENSTORE.md section 2): publish the
 * guest's state under its own relative data/xen-handover/ in one
 * transaction, and prove event delivery after a resume with a watch
 * round trip on data/xen-handover/ping.
 *
 * xenstore may be missing at start (dom0less guests get it late) or go
 * away: connect with exponential back-off (a timer that runs only while
 * disconnected) and publish once connected; never fail the service for
 * it. libxenstore's watch fd does not tell a dropped connection
 * (daemon/xs.h): a request failing with -ENOTCONN does. Requests block
 * the loop while xenstored answers (libxenstore has no timeouts).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <event2/event.h>

#include "guestd.h"
#include "log.h"
#include "util.h"
#include "xs.h"

#define PING_PATH XSSCHEMA_GUEST_DIR "/" XSSCHEMA_PING
#define PING_TOKEN "xen-handoverd-ping"
#define TX_RETRIES 3		/* XENSTORE.md 2.1: redo at most 3 times */

/* Nodes of this schema a publication may leave out (rm them then). */
static const char *const optional_nodes[] = {
	"seq", "updated", "record", "detail", "gate",
};

struct xspub {
	struct guestd *g;
	struct xsc *xs;
	struct event *rd;		/* libxenstore's watch pipe */
	struct event *reconnect;	/* back-off while disconnected */
	struct event *republish;	/* back-off after a failed publish */
	struct event *ping_timer;	/* the round trip's deadline */
	uint64_t backoff, pub_backoff;
	int conn_error;			/* last connect failure */
	int pub_error;			/* last publish failure, 0 */
	unsigned int pub_failures;
	bool pending;			/* publish once connected */
	bool ever_connected;
	uint64_t published;		/* successful publications */
	uint64_t nonce;
	bool ping_pending;
	void (*ping_done)(struct guestd *g, int result);
};

static void schedule(struct event *ev, uint64_t *backoff, uint64_t min,
    uint64_t max);

bool
xspub_connected(const struct xspub *x)
{
	return x->xs != NULL;
}

static void
ping_finish(struct xspub *x, int result)
{
	void (*done)(struct guestd *, int) = x->ping_done;

	if (!x->ping_pending)
		return;
	x->ping_pending = false;
	x->ping_done = NULL;
	evtimer_del(x->ping_timer);
	if (done)
		done(x->g, result);
}

static void
disconnect(struct xspub *x)
{
	if (x->rd) {
		event_free(x->rd);
		x->rd = NULL;
	}
	xsc_close(x->xs);
	x->xs = NULL;
}

/* The connection dropped: reconnect with back-off, publish then. */
static void
lost(struct xspub *x)
{
	log_error("the xenstore connection was lost; reconnecting");
	disconnect(x);
	x->pending = true;
	x->backoff = 0;
	schedule(x->reconnect, &x->backoff, x->g->opt.retry_min,
	    x->g->opt.retry_max);
	ping_finish(x, -ENOTCONN);
	guestd_update_status(x->g);
}

static void
schedule(struct event *ev, uint64_t *backoff, uint64_t min, uint64_t max)
{
	struct timeval tv;

	if (*backoff == 0)
		*backoff = min;
	tv.tv_sec = (time_t)(*backoff / USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(*backoff % USEC_PER_SEC);
	evtimer_add(ev, &tv);
	*backoff = *backoff * 2 > max ? max : *backoff * 2;
}

static void
read_ping(struct xspub *x)
{
	char val[32];
	uint64_t v;
	int r;

	r = xsc_read(x->xs, XS_NO_TX, PING_PATH, val, sizeof(val));
	if (r == -ENOTCONN) {
		lost(x);
		return;
	}
	if (r < 0 || xsschema_parse_ping(val, &v) < 0) {
		log_debug("xenstore: ping unreadable (%d), ignoring", r);
		return;
	}
	if (v == x->nonce)
		ping_finish(x, 0);
}

static void
watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xspub *x = arg;
	char path[256], token[64];
	int r;

	(void)fd;
	(void)what;
	while (x->xs) {
		r = xsc_read_watch(x->xs, path, sizeof(path), token,
		    sizeof(token));
		if (r == 0)
			break;
		if (r < 0) {
			lost(x);
			break;
		}
		if (streq(token, PING_TOKEN) && x->ping_pending)
			read_ping(x);
	}
}

static int
connect_once(struct xspub *x)
{
	int fd, r;

	r = xsc_open(&x->xs);
	if (r < 0) {
		x->xs = NULL;
		return r;
	}
	fd = xsc_fd(x->xs);
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	x->rd = event_new(x->g->base, fd, EV_READ | EV_PERSIST, watch_cb, x);
	if (!x->rd) {
		r = -ENOMEM;
		goto fail;
	}
	event_add(x->rd, NULL);
	/* Fires once now (consumed, no ping pending), then on each write. */
	r = xsc_watch(x->xs, PING_PATH, PING_TOKEN);
	if (r < 0)
		goto fail;
	x->conn_error = 0;
	x->backoff = 0;
	if (!x->ever_connected || x->pending)
		log_info("connected to xenstore");
	x->ever_connected = true;
	return 0;
fail:
	disconnect(x);
	return r;
}

static int
publish_once(struct xspub *x, bool degraded)
{
	struct guestd *g = x->g;
	struct xs_nodes nodes;
	char detail[XSSCHEMA_DETAIL_MAX + 1], path[128];
	enum guest_state st = g->state;
	uint32_t tx;
	size_t i, j;
	int attempt, r;

	xh_strlcpy(detail, g->detail, sizeof(detail));
	if (degraded) {
		guestd_fmt(detail, sizeof(detail), "publishing '%s' failed %u "
		    "times: %s", guest_state_to_string(g->state),
		    x->pub_failures, strerror(-x->pub_error));
		st = GUEST_STATE_DEGRADED;
	}
	r = xsschema_guest_nodes(g->have_record ? &g->probe->rec : NULL, st,
	    (int64_t)time(NULL), detail, g->gate, &nodes);
	if (r < 0)
		return r;
	for (attempt = 0; attempt <= TX_RETRIES; attempt++) {
		if ((r = xsc_tx_start(x->xs, &tx)) < 0)
			return r;
		for (i = 0; i < nodes.n && r >= 0; i++) {
			guestd_fmt(path, sizeof(path), "%s/%s",
			    XSSCHEMA_GUEST_DIR, nodes.node[i].name);
			r = xsc_write(x->xs, tx, path, nodes.node[i].value);
		}
		for (j = 0; j < ARRAY_SIZE(optional_nodes) && r >= 0; j++) {
			for (i = 0; i < nodes.n; i++)
				if (streq(nodes.node[i].name,
				    optional_nodes[j]))
					break;
			if (i < nodes.n)
				continue;
			guestd_fmt(path, sizeof(path), "%s/%s",
			    XSSCHEMA_GUEST_DIR, optional_nodes[j]);
			r = xsc_rm(x->xs, tx, path);
			if (r == -ENOENT)
				r = 0;
		}
		if (r < 0) {
			if (r != -ENOTCONN)
				(void)xsc_tx_end(x->xs, tx, true);
			return r;
		}
		guestd_crash_point("xs-tx");
		r = xsc_tx_end(x->xs, tx, false);
		if (r <= 0)
			return r;
		log_debug("xenstore: transaction conflict, again");
	}
	return -EAGAIN;
}

static int
publish(struct xspub *x, bool degraded)
{
	int r;

	if (!x->g->opt.xenstore)
		return 0;
	if (!x->xs) {
		/* Worth one immediate try: this may be the pre-sleep write. */
		if (connect_once(x) < 0) {
			x->pending = true;
			return -ENOTCONN;
		}
		evtimer_del(x->reconnect);
	}
	r = publish_once(x, degraded);
	if (r == -ENOTCONN) {
		/* Dropped since the last request: one immediate reconnect. */
		log_warning("the xenstore connection was lost; reconnecting");
		disconnect(x);
		r = connect_once(x);
		if (r == 0)
			r = publish_once(x, degraded);
		if (r == -ENOTCONN || !x->xs) {
			if (x->xs)
				disconnect(x);
			x->pending = true;
			x->backoff = 0;
			schedule(x->reconnect, &x->backoff,
			    x->g->opt.retry_min, x->g->opt.retry_max);
			guestd_update_status(x->g);
			return -ENOTCONN;
		}
	}
	if (r < 0) {
		x->pub_error = r;
		x->pub_failures++;
		log_warning_errno(r, "cannot publish state '%s' in xenstore: "
		    "%m; retrying as degraded",
		    guest_state_to_string(x->g->state));
		schedule(x->republish, &x->pub_backoff, x->g->opt.retry_min,
		    x->g->opt.retry_max);
		return r;
	}
	x->pending = false;
	if (!degraded) {
		x->pub_error = 0;
		x->pub_failures = 0;
		x->pub_backoff = 0;
		evtimer_del(x->republish);
	}
	x->published++;
	log_debug("xenstore: published state %s%s",
	    guest_state_to_string(x->g->state), degraded ? " (degraded)" :
	    "");
	guestd_crash_point("published");
	return 0;
}

int
xspub_publish(struct xspub *x)
{
	return publish(x, false);
}

static void
reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xspub *x = arg;
	int r;

	(void)fd;
	(void)what;
	r = connect_once(x);
	if (r < 0) {
		if (r != x->conn_error)
			log_info("xenstore is not available yet (%s); "
			    "retrying", strerror(-r));
		x->conn_error = r;
		schedule(x->reconnect, &x->backoff, x->g->opt.retry_min,
		    x->g->opt.retry_max);
		return;
	}
	if (x->pending)
		publish(x, false);
	guestd_update_status(x->g);
}

static void
republish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xspub *x = arg;

	(void)fd;
	(void)what;
	if (x->pub_error && x->xs)
		publish(x, true);
}

static void
ping_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ping_finish(arg, -ETIMEDOUT);
}

void
xspub_ping(struct xspub *x, uint64_t timeout_usec,
    void (*done)(struct guestd *g, int result))
{
	struct timeval tv;
	char val[32];
	int r;

	if (x->ping_pending)
		ping_finish(x, -ECANCELED);
	if (!x->xs) {
		done(x->g, -ENOTCONN);
		return;
	}
	x->nonce++;
	x->ping_pending = true;
	x->ping_done = done;
	tv.tv_sec = (time_t)(timeout_usec / USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(timeout_usec % USEC_PER_SEC);
	evtimer_add(x->ping_timer, &tv);
	guestd_fmt(val, sizeof(val), "%" PRIu64, x->nonce);
	r = xsc_write(x->xs, XS_NO_TX, PING_PATH, val);
	if (r == -ENOTCONN) {
		lost(x);	/* finishes the ping */
		return;
	}
	if (r < 0)
		ping_finish(x, r);
}

void
xspub_start(struct xspub *x)
{
	int r;

	if (!x->g->opt.xenstore)
		return;
	x->pending = true;
	r = connect_once(x);
	if (r < 0) {
		x->conn_error = r;
		log_info("xenstore is not available (%s); starting without "
		    "it, retrying", strerror(-r));
		schedule(x->reconnect, &x->backoff, x->g->opt.retry_min,
		    x->g->opt.retry_max);
	}
}

int
xspub_new(struct guestd *g, struct xspub **ret)
{
	struct xspub *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->g = g;
	x->reconnect = evtimer_new(g->base, reconnect_cb, x);
	x->republish = evtimer_new(g->base, republish_cb, x);
	x->ping_timer = evtimer_new(g->base, ping_timer_cb, x);
	if (!x->reconnect || !x->republish || !x->ping_timer) {
		xspub_free(x);
		return -ENOMEM;
	}
	*ret = x;
	return 0;
}

void
xspub_free(struct xspub *x)
{
	if (!x)
		return;
	x->ping_pending = false;
	disconnect(x);
	if (x->reconnect)
		event_free(x->reconnect);
	if (x->republish)
		event_free(x->republish);
	if (x->ping_timer)
		event_free(x->ping_timer);
	free(x);
}

void
xspub_describe(const struct xspub *x, char *buf, size_t sz)
{
	if (!x->g->opt.xenstore)
		guestd_fmt(buf, sz, "xenstore off");
	else if (!x->xs)
		guestd_fmt(buf, sz, "xenstore not connected (%s), retrying",
		    strerror(x->conn_error ? -x->conn_error : ENOTCONN));
	else if (x->pub_error)
		guestd_fmt(buf, sz, "xenstore publish failing: %s",
		    strerror(-x->pub_error));
	else if (x->pending || !x->published)
		guestd_fmt(buf, sz, "xenstore connected");
	else
		guestd_fmt(buf, sz, "published in xenstore");
}
