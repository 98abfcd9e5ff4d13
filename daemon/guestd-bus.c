// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sd-bus integrated into libevent (guestd-bus.h). sd-bus never blocks
 * here: the loop waits on its fd and its timeout, and every callback
 * drains sd_bus_process() and re-arms all three events.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <event2/event.h>

#include "guestd-bus.h"
#include "util.h"

struct busev {
	struct event_base *base;
	sd_bus *bus;
	struct event *rd;	/* persistent EV_READ */
	struct event *wr;	/* EV_WRITE while POLLOUT is asked for */
	struct event *tmo;	/* sd_bus_get_timeout() */
	struct event *kick;	/* zero timeout: drain soon */
	struct event *lostev;	/* deliver lost() outside sd_bus_process */
	void (*lost)(void *userdata, int err);
	void *userdata;
	int err;
	bool dead;
};

static void busev_drain(struct busev *b);

int
busev_open(const char *address, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	if (!address) {
		r = sd_bus_open_system(&bus);
		if (r < 0)
			return r;
		*ret = bus;
		return 0;
	}
	if ((r = sd_bus_new(&bus)) < 0)
		return r;
	if ((r = sd_bus_set_address(bus, address)) < 0 ||
	    (r = sd_bus_set_bus_client(bus, 1)) < 0 ||
	    (r = sd_bus_negotiate_fds(bus, 1)) < 0 ||
	    (r = sd_bus_set_description(bus, "xen-handoverd")) < 0 ||
	    (r = sd_bus_start(bus)) < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

static void
busev_fail(struct busev *b, int err)
{
	struct timeval zero = { 0, 0 };

	if (b->dead)
		return;
	b->dead = true;
	b->err = err;
	event_del(b->rd);
	event_del(b->wr);
	event_del(b->tmo);
	event_add(b->lostev, &zero);
}

static void
busev_rearm(struct busev *b)
{
	struct timeval tv;
	struct timespec ts;
	uint64_t until, now;
	int ev;

	if (b->dead)
		return;
	ev = sd_bus_get_events(b->bus);
	if (ev < 0) {
		busev_fail(b, ev);
		return;
	}
	if (ev & POLLOUT)
		event_add(b->wr, NULL);
	else
		event_del(b->wr);
	if (sd_bus_get_timeout(b->bus, &until) < 0 || until == UINT64_MAX) {
		event_del(b->tmo);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	until = until > now ? until - now : 0;
	tv.tv_sec = (time_t)(until / 1000000u);
	tv.tv_usec = (suseconds_t)(until % 1000000u);
	event_add(b->tmo, &tv);
}

static void
busev_drain(struct busev *b)
{
	int r;

	if (b->dead)
		return;
	do {
		r = sd_bus_process(b->bus, NULL);
	} while (r > 0 && !b->dead);
	if (r < 0) {
		busev_fail(b, r);
		return;
	}
	busev_rearm(b);
}

static void
busev_io_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	busev_drain(arg);
}

static void
busev_lost_cb(evutil_socket_t fd, short what, void *arg)
{
	struct busev *b = arg;

	(void)fd;
	(void)what;
	b->lost(b->userdata, b->err);
}

int
busev_attach(struct event_base *base, sd_bus *bus,
    void (*lost)(void *userdata, int err), void *userdata,
    struct busev **ret)
{
	struct busev *b;
	int fd;

	fd = sd_bus_get_fd(bus);
	if (fd < 0)
		return fd;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->base = base;
	b->bus = bus;
	b->lost = lost;
	b->userdata = userdata;
	b->rd = event_new(base, fd, EV_READ | EV_PERSIST, busev_io_cb, b);
	b->wr = event_new(base, fd, EV_WRITE, busev_io_cb, b);
	b->tmo = evtimer_new(base, busev_io_cb, b);
	b->kick = evtimer_new(base, busev_io_cb, b);
	b->lostev = evtimer_new(base, busev_lost_cb, b);
	if (!b->rd || !b->wr || !b->tmo || !b->kick || !b->lostev) {
		busev_free(b);
		return -ENOMEM;
	}
	event_add(b->rd, NULL);
	busev_kick(b);
	*ret = b;
	return 0;
}

void
busev_kick(struct busev *b)
{
	struct timeval zero = { 0, 0 };

	if (b && !b->dead && !evtimer_pending(b->kick, NULL))
		event_add(b->kick, &zero);
}

void
busev_free(struct busev *b)
{
	if (!b)
		return;
	if (b->rd)
		event_free(b->rd);
	if (b->wr)
		event_free(b->wr);
	if (b->tmo)
		event_free(b->tmo);
	if (b->kick)
		event_free(b->kick);
	if (b->lostev)
		event_free(b->lostev);
	free(b);
}
