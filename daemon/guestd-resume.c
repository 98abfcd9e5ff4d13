// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resume without logind (`echo disk > /sys/power/state`, or a sleep that
 * logind did not start): a CLOCK_REALTIME timerfd armed far in the
 * future with TFD_TIMER_CANCEL_ON_SET reads ECANCELED whenever the clock
 * is set, and the kernel's timekeeping_resume() sets it after every
 * suspend or hibernation. A clock step alone (NTP, date -s) also cancels
 * it: what tells a resume is CLOCK_BOOTTIME running ahead of
 * CLOCK_MONOTONIC (the sleep time is injected into the former only).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <event2/event.h>

#include "guestd.h"
#include "log.h"
#include "util.h"

#define SLEPT_MIN (1 * USEC_PER_SEC)	/* less is not a sleep */

struct resumewatch {
	struct guestd *g;
	int fd;
	struct event *ev;
	int64_t offset;		/* CLOCK_BOOTTIME - CLOCK_MONOTONIC */
	bool assume_sleep;	/* XH_TEST_ASSUME_SLEEP: any step is one */
};

static int64_t
boot_offset(void)
{
	return (int64_t)guestd_now_usec(CLOCK_BOOTTIME) -
	    (int64_t)guestd_now_usec(CLOCK_MONOTONIC);
}

static int
arm(struct resumewatch *rw)
{
	/* Far in the future: it never expires, it only gets cancelled. */
	struct itimerspec its = { .it_value = { .tv_sec = INT32_MAX - 1 } };

	if (timerfd_settime(rw->fd, TFD_TIMER_ABSTIME |
	    TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -errno;
	return 0;
}

static void
clock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct resumewatch *rw = arg;
	int64_t now_off, slept;
	uint64_t v;
	ssize_t n;

	(void)what;
	n = read(fd, &v, sizeof(v));
	if (n < 0 && errno != ECANCELED && errno != EAGAIN)
		log_warning_errno(errno, "timerfd read failed, ignoring: %m");
	if (arm(rw) < 0)
		log_warning_errno(errno, "cannot re-arm the clock watch: %m");
	now_off = boot_offset();
	slept = now_off - rw->offset;
	rw->offset = now_off;
	if (slept >= (int64_t)SLEPT_MIN || rw->assume_sleep) {
		guestd_resume_detected(rw->g, slept > 0 ? (uint64_t)slept : 0);
		return;
	}
	log_debug("the clock was set (no sleep)");
}

int
resumewatch_new(struct guestd *g, struct resumewatch **ret)
{
	struct resumewatch *rw = calloc(1, sizeof(*rw));
	int r;

	if (!rw)
		return -ENOMEM;
	rw->g = g;
	rw->assume_sleep = getenv("XH_TEST_ASSUME_SLEEP") != NULL;
	rw->fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (rw->fd < 0) {
		r = -errno;
		free(rw);
		return r;
	}
	if ((r = arm(rw)) < 0) {
		resumewatch_free(rw);
		return r;
	}
	rw->offset = boot_offset();
	rw->ev = event_new(g->base, rw->fd, EV_READ | EV_PERSIST, clock_cb,
	    rw);
	if (!rw->ev) {
		resumewatch_free(rw);
		return -ENOMEM;
	}
	event_add(rw->ev, NULL);
	*ret = rw;
	return 0;
}

void
resumewatch_free(struct resumewatch *rw)
{
	if (!rw)
		return;
	if (rw->ev)
		event_free(rw->ev);
	if (rw->fd >= 0)
		close(rw->fd);
	free(rw);
}
