/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen-handoverd, the guest daemon: its context and the calls between its
 * modules. One libevent loop with an explicit event_base drives
 * everything:
 *
 *   xen-handoverd.c     main, signals, state transitions, the pre-sleep
 *                       and post-resume sequences, sd_notify/watchdog
 *   guestd-record.c     probe, check_run(), the record in the swap header
 *   guestd-bus.c        sd-bus on libevent (fd, events, timeout)
 *   guestd-logind.c     delay and block inhibitors, PrepareForSleep
 *   guestd-xs.c         xenstore: connect with back-off, publish, ping
 *   guestd-resume.c     resume without logind: CLOCK_REALTIME timerfd
 *   guestd-conf.c       xen-handoverd.conf
 *   guestd-gatenote.c   what the resume gate did in this boot
 *
 * No polling timers: besides the watchdog, timers run only while
 * something is pending (a reconnect back-off, a ping deadline).
 */
#ifndef XH_GUESTD_H
#define XH_GUESTD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "conf.h"
#include "guestd-conf.h"
#include "probe.h"
#include "store.h"
#include "swaptarget.h"
#include "util.h"
#include "xsschema.h"

struct event;
struct event_base;
struct logind;
struct xspub;
struct resumewatch;

#define GUESTD_BLOCK_WHY_MAX 480

struct guestd {
	struct event_base *base;
	const char *root;		/* probe root, "/" */
	const char *bus_address;	/* NULL: the system bus */

	struct guestd_conf opt;		/* xen-handoverd.conf */
	struct conf cfg;		/* xen-handover.conf (check) */

	/* What we publish. */
	enum guest_state state;
	char detail[XSSCHEMA_DETAIL_MAX + 1];
	const char *gate;		/* this boot's gate verdict, "none" */
	char gate_detail[XSSCHEMA_DETAIL_MAX + 1];
	bool refused_last_boot;

	/* The record (guestd-record.c). */
	struct probe *probe;		/* NULL until probed */
	int probe_error;		/* 0 or -errno */
	struct blocker_list blockers;
	int nblockers;			/* LEVEL_BLOCKER entries */
	bool have_target;
	struct swap_target target;
	int store_error;		/* last write: 0 or -errno */
	int store_slot;			/* last slot written, -1 none */
	uint64_t stored_seq;		/* seq of the record on disk, 0 none */
	bool have_record;		/* probe->rec is worth publishing */
	char block_why[GUESTD_BLOCK_WHY_MAX];	/* "" hibernation may go */

	struct logind *logind;
	struct xspub *xs;
	struct resumewatch *rw;

	bool in_sleep;			/* PrepareForSleep(true) seen */
	bool checking;			/* a ping round trip runs */
	uint64_t last_check_boottime;	/* usec, CLOCK_BOOTTIME */

	/* sd_notify */
	bool ready;
	bool startup_done;		/* record written, first publish */
	bool logind_answered;		/* first Inhibit reply (or no bus) */
	bool watchdog_off;		/* --no-watchdog */
	struct event *watchdog;
	struct event *signals[5];
};

/* snprintf() that may cut: messages built from bounded parts. */
static inline void guestd_fmt(char *buf, size_t sz, const char *fmt, ...)
    _printf_(3, 4);

static inline void
guestd_fmt(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

/* --- xen-handoverd.c ---------------------------------------------------- */

/* Change state (edge logged), publish, update STATUS=. detail may be
 * NULL (keep the current one when the state does not change, else ""). */
void guestd_transition(struct guestd *g, enum guest_state s,
    const char *detail);
/* PrepareForSleep(true)/(false) from logind. */
void guestd_pre_sleep(struct guestd *g);
void guestd_post_sleep(struct guestd *g);
/* The clock jumped and CLOCK_BOOTTIME ran ahead of CLOCK_MONOTONIC. */
void guestd_resume_detected(struct guestd *g, uint64_t slept_usec);
/* The inhibitor the daemon asked for at start-up was answered. */
void guestd_startup_step(struct guestd *g);
/* Recompute STATUS= (also after a xenstore or bus change). */
void guestd_update_status(struct guestd *g);
/* XH_TEST_CRASH_AT=step: SIGKILL ourselves at that step. */
void guestd_crash_point(const char *step);
uint64_t guestd_now_usec(int clock);

/* --- guestd-record.c ---------------------------------------------------- */

/* Probe and check (g->probe, blockers, target, block_why). 0 or -errno. */
int record_probe(struct guestd *g);
/*
 * Write g->probe->rec with state st into the swap header (crash points
 * "store-pwrite" inside the write and "store-written" after it). Returns
 * the slot or -errno; updates store_error, stored_seq and block_why.
 */
int record_store(struct guestd *g, enum record_state st);
/* Why hibernation cannot be safe now, into g->block_why ("" if it can). */
void record_update_block(struct guestd *g);
/* One line for STATUS=: "record seq 3 in /dev/xvda2 slot B" or why not. */
void record_describe(const struct guestd *g, char *buf, size_t sz);

/* --- guestd-logind.c ---------------------------------------------------- */

int logind_new(struct guestd *g, struct logind **ret);
void logind_free(struct logind *l);
/* Connect (retry with back-off), watch PrepareForSleep, take the delay
 * lock; calls guestd_startup_step() once the first answer is in. */
void logind_start(struct logind *l);
/* Close the delay lock's fd (after the pre-sleep work). */
void logind_release_delay(struct logind *l);
/* Take the delay lock again (after PrepareForSleep(false)). */
void logind_take_delay(struct logind *l);
/* Hold a block lock with this why, or release it (NULL or ""). */
void logind_set_block(struct logind *l, const char *why);
/* "delay lock held, block lock held (...)" for STATUS=. */
void logind_describe(const struct logind *l, char *buf, size_t sz);

/* --- guestd-xs.c -------------------------------------------------------- */

int xspub_new(struct guestd *g, struct xspub **ret);
void xspub_free(struct xspub *x);
/* Connect now; on failure retry with back-off, publishing on success. */
void xspub_start(struct xspub *x);
/*
 * Publish g's state in one transaction (crash point "xs-tx" before its
 * end). 0 published; -ENOTCONN not connected (published once it is);
 * other -errno: failed, retried with back-off as "degraded".
 */
int xspub_publish(struct xspub *x);
/*
 * The ping round trip: done(g, 0) when the watch event for our nonce
 * came, -ETIMEDOUT, -ENOTCONN, or another -errno. done may run before
 * this returns.
 */
void xspub_ping(struct xspub *x, uint64_t timeout_usec,
    void (*done)(struct guestd *g, int result));
bool xspub_connected(const struct xspub *x);
void xspub_describe(const struct xspub *x, char *buf, size_t sz);

/* --- guestd-resume.c ---------------------------------------------------- */

int resumewatch_new(struct guestd *g, struct resumewatch **ret);
void resumewatch_free(struct resumewatch *rw);

#endif
