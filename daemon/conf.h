/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration: "key = value" lines, '#' comments, in
 * /etc/xen-handover/xen-handover.conf and then
 * /etc/xen-handover/xen-handover.conf.d/ *.conf in lexical order (later
 * wins). The resume gate reads /etc/xen-handover/gate.conf (copied into
 * the initramfs) last. Unknown keys are warnings, bad values errors.
 * Parsing is pure; conf_load() does the file reading under a root.
 */
#ifndef XH_CONF_H
#define XH_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"
#include "resume.h"
#include "verdict.h"

#define CONF_PATH "/etc/xen-handover/xen-handover.conf"
#define CONF_DROPIN_DIR "/etc/xen-handover/xen-handover.conf.d"
#define CONF_GATE_PATH "/etc/xen-handover/gate.conf"
#define CONF_MAX_SIZE 65536
#define CONF_TIMEOUT_MAX 3600	/* seconds */

struct conf {
	/* Does this kernel restore its Xen devices after hibernation?
	 * TRI_UNKNOWN = auto (probe), TRI_YES/TRI_NO = operator override. */
	enum tristate xen_pm_restore;
	struct policy policy;
	bool allow_kaslr;	/* operator accepts KASLR (e.g. PVH boot) */

	/* For the resume gate (gate.conf, accepted in every file). */
	char resume[RESUME_PARAM_MAX];	/* "resume": the device, as
					   resume= takes it; "" none. The
					   value keeps its case. */
	bool has_resume_offset;
	uint64_t resume_offset;		/* "resume-offset", pages */
	int timeout;			/* "timeout": seconds to wait for the
					   device, 0..CONF_TIMEOUT_MAX; -1
					   unset */
};

void conf_init(struct conf *c);

/* The "repair" value: "kexec" 1, "no" or "off" 0, else -EINVAL. */
int repair_from_string(const char *v);

/*
 * Parse one file's text. name is used in messages. Returns 0, or
 * -EINVAL with a message "name:line: ..." in err.
 */
int conf_parse(struct conf *c, const char *text, size_t len,
    const char *name, char *err, size_t errsz);

/* Load CONF_PATH and drop-ins under root; absent files are fine. */
int conf_load(struct conf *c, const char *root, char *err, size_t errsz);

/*
 * Load one more file (e.g. CONF_GATE_PATH) under root over c; an absent
 * file is fine. Same returns and messages as conf_load().
 */
int conf_load_file(struct conf *c, const char *root, const char *path,
    char *err, size_t errsz);

#endif
