/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dom0 companion daemon's engine (xen-handover-dom0d(8)): a libevent
 * loop over one xenstore connection (watches @introduceDomain,
 * @releaseDomain, each domain's data/xen-handover and dom0d's own verdict
 * node) and the hypervisor seam. The program is a thin main() around it;
 * tests and the benchmark run it in-process against the xenstored test
 * double and the hypervisor fixture.
 */
#ifndef XH_DOM0D_LOOP_H
#define XH_DOM0D_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dom0d-io.h"
#include "dom0d.h"
#include "hv.h"

struct event_base;

enum dom0d_soft_reset {
	SOFT_RESET_AUTO = 0,	/* HVM on Xen >= 4.7: xl's default */
	SOFT_RESET_YES,
	SOFT_RESET_NO,
};

struct dom0d_opts {
	const char *state_dir;		/* DOM0D_STATE_DIR */
	const char *prometheus;		/* text file to keep, NULL: none */
	unsigned int prometheus_ms;	/* at most one rewrite per: 5000 */
	unsigned int debounce_ms;	/* one read per domain per: 1000 */
	unsigned int settle_ms;		/* grant-table settle time: 30000 */
	unsigned int poll_ms;		/* grant-table poll meanwhile: 1000 */
	unsigned int rescan_ms;		/* periodic rescan: 30000 */
	unsigned int save_ms;		/* coalesce saves without a phase
					   change: 10000 */
	unsigned int event_burst;	/* watch events per domain: 256 */
	unsigned int event_rate;	/* refilled per second: 64 */
	unsigned int throttle_ms;	/* first penalty: 5000 (doubles to
					   60000 while the flood goes on) */
	int self_domid;			/* -1: xenstore's "domid", else 0 */
	enum dom0d_soft_reset soft_reset;
	bool match_name;		/* a new UUID finds a pending entry
					   by the toolstack's domain name */
	bool notify;			/* sd_notify(3) READY, WATCHDOG... */
	bool signals;			/* SIGTERM/SIGINT stop, SIGHUP reload */
};

void dom0d_opts_init(struct dom0d_opts *o);

struct dom0d;

/* hv stays the caller's. 0 or -errno. */
int dom0d_new(struct event_base *base, struct hv *hv,
    const struct dom0d_opts *o, struct dom0d **ret);

/*
 * Open the state directory, connect to xenstored, watch, scan every
 * domain, then READY=1. -errno (and nothing is left running).
 */
int dom0d_start(struct dom0d *d);

/* Dispatch until dom0d_stop() (or a stop signal). 0 or -errno. */
int dom0d_run(struct dom0d *d);

/* Flush coalesced saves, STOPPING=1, leave dom0d_run(). */
void dom0d_stop(struct dom0d *d);

void dom0d_free(struct dom0d *d);

/* Ask for a rescan of the domain list (as on @introduceDomain). */
void dom0d_rescan(struct dom0d *d);

const struct dom0d_counters *dom0d_counters(struct dom0d *d);

/* The entry held for a live domain, NULL when it has none. */
const struct dom0d_entry *dom0d_entry_of(struct dom0d *d, uint32_t domid);

/* Bytes dom0d holds for one live domain, and for one entry. */
size_t dom0d_domain_bytes(void);
size_t dom0d_entry_bytes(void);

#endif
