/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration: "key = value" lines, '#' comments, in
 * /etc/xen-handover/xen-handover.conf and then
 * /etc/xen-handover/xen-handover.conf.d/ *.conf in lexical order (later
 * wins). Unknown keys are warnings, bad values errors. Parsing is pure;
 * conf_load() does the file reading under a root.
 */
#ifndef XH_CONF_H
#define XH_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"
#include "verdict.h"

#define CONF_PATH "/etc/xen-handover/xen-handover.conf"
#define CONF_DROPIN_DIR "/etc/xen-handover/xen-handover.conf.d"
#define CONF_MAX_SIZE 65536

struct conf {
	/* Does this kernel restore its Xen devices after hibernation?
	 * TRI_UNKNOWN = auto (probe), TRI_YES/TRI_NO = operator override. */
	enum tristate xen_pm_restore;
	struct policy policy;
	bool allow_kaslr;	/* operator accepts KASLR (e.g. PVH boot) */
};

void conf_init(struct conf *c);

/*
 * Parse one file's text. name is used in messages. Returns 0, or
 * -EINVAL with a message "name:line: ..." in err.
 */
int conf_parse(struct conf *c, const char *text, size_t len,
    const char *name, char *err, size_t errsz);

/* Load CONF_PATH and drop-ins under root; absent files are fine. */
int conf_load(struct conf *c, const char *root, char *err, size_t errsz);

#endif
