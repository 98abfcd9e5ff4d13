/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The note the resume gate leaves in /run/xen-handover/gate.json
 * (gate.h, gate_write_json()) when it does not resume: what it decided
 * in this boot's initramfs and why. xen-handoverd reports it in xenstore
 * (state refused-last-boot, gate, detail). A resumed image never sees
 * the note: the boot kernel's /run is gone with its memory. Parsing is
 * pure and bounded: only top-level members are looked at, nesting is
 * skipped up to a depth, strings are cut to their fields.
 */
#ifndef XH_GUESTD_GATENOTE_H
#define XH_GUESTD_GATENOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsschema.h"

#define GATENOTE_PATH "/run/xen-handover/gate.json"
#define GATENOTE_MAX 65536	/* bytes read at most */

struct gate_note {
	char outcome[32];	/* "refuse", "no-image", "resume", ... */
	char verdict[16];	/* "proceed", "repair", "refuse", "force",
				   "" when the gate decided nothing */
	char reason[XSSCHEMA_DETAIL_MAX + 1];	/* printable ASCII */
	char note[XSSCHEMA_DETAIL_MAX + 1];
	char cmdline[XSSCHEMA_DETAIL_MAX + 1];	/* the advice, cut */
	bool has_time;
	int64_t time;
	bool dry_run;
};

/*
 * Parse the note. Returns 0, or -EBADMSG (not a JSON object, or nesting
 * deeper than 16), -EINVAL (outcome missing). Non-ASCII and control
 * characters in strings become '?'. out is reset first.
 */
int gatenote_parse(const char *text, size_t len, struct gate_note *out);

/* Read and parse root/GATENOTE_PATH: 1 loaded, 0 absent, -errno. */
int gatenote_load(const char *root, struct gate_note *out);

/*
 * What to publish for it: *state (GUEST_STATE_REFUSED_LAST_BOOT after a
 * refusal, else GUEST_STATE_RUNNING), the gate node ("proceed",
 * "repair", "refuse", "force" or "none") and a sentence for detail.
 */
void gatenote_summary(const struct gate_note *n, enum guest_state *state,
    const char **gate, char *detail, size_t detailsz);

#endif
