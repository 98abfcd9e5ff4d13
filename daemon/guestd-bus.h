/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sd-bus on a libevent loop: one persistent EV_READ on sd_bus_get_fd(),
 * an EV_WRITE while sd_bus_get_events() asks for POLLOUT, and a timer at
 * sd_bus_get_timeout() (an absolute CLOCK_MONOTONIC time in usec,
 * UINT64_MAX for none), all re-armed after every sd_bus_process() drain.
 * Code that sends outside a bus callback calls busev_kick(). When the
 * connection fails, lost() runs from the loop (never from inside
 * sd_bus_process()); the owner then frees the busev and the bus.
 */
#ifndef XH_GUESTD_BUS_H
#define XH_GUESTD_BUS_H

#include <systemd/sd-bus.h>

struct event_base;
struct busev;

/*
 * Open the bus at address (NULL: the system bus, which honours
 * DBUS_SYSTEM_BUS_ADDRESS) and start connecting. 0 or -errno.
 */
int busev_open(const char *address, sd_bus **ret);

int busev_attach(struct event_base *base, sd_bus *bus,
    void (*lost)(void *userdata, int err), void *userdata,
    struct busev **ret);
void busev_free(struct busev *b);

/* Process and re-arm from the loop soon (coalesced). */
void busev_kick(struct busev *b);

#endif
