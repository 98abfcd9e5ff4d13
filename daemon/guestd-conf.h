/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen-handoverd's own options: "key = value" lines, '#' comments, in
 * /etc/xen-handover/xen-handoverd.conf and then
 * /etc/xen-handover/xen-handoverd.conf.d/ *.conf in lexical order (later
 * wins), all under the probe root. Unknown keys are warnings (an older
 * daemon accepts a newer file), bad values errors. Parsing is pure.
 * What hibernation needs to be safe (xen-pm-restore, policy...) stays
 * in xen-handover.conf (conf.h), shared with the CLI and the gate.
 */
#ifndef XH_GUESTD_CONF_H
#define XH_GUESTD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUESTD_CONF_PATH "/etc/xen-handover/xen-handoverd.conf"
#define GUESTD_CONF_DROPIN_DIR "/etc/xen-handover/xen-handoverd.conf.d"

#define USEC_PER_MSEC ((uint64_t)1000)
#define USEC_PER_SEC ((uint64_t)1000000)
#define GUESTD_DURATION_MAX (24 * 3600 * USEC_PER_SEC)

struct guestd_conf {
	bool block_unsafe;	/* "block-unsafe": block inhibitor when
				   hibernation cannot be safe */
	bool xenstore;		/* "xenstore": publish there */
	bool resume_check;	/* "resume-check": ping after resume */
	uint64_t ping_timeout;	/* "ping-timeout", usec */
	uint64_t retry_min;	/* "retry-min": first reconnect delay */
	uint64_t retry_max;	/* "retry-max": back-off ceiling */
};

void guestd_conf_init(struct guestd_conf *c);

/*
 * Parse one file's text over c. Returns 0 (err may then hold warnings,
 * one per line: unknown keys), or -EINVAL with "name:line: reason" in err
 * and c unchanged.
 */
int guestd_conf_parse(struct guestd_conf *c, const char *text, size_t len,
    const char *name, char *err, size_t errsz);

/* The main file and the drop-ins under root; absent files are fine. */
int guestd_conf_load(struct guestd_conf *c, const char *root, char *err,
    size_t errsz);

/*
 * A duration: a decimal number with an optional unit "us", "ms", "s"
 * (default), "min", e.g. "500ms", "2s", "1.5s", "5min". 0 or -EINVAL
 * (also above GUESTD_DURATION_MAX).
 */
int guestd_parse_duration(const char *s, uint64_t *ret_usec);

/* yes/no/true/false/on/off/1/0: 1, 0, or -EINVAL. */
int guestd_parse_bool(const char *s);

#endif
