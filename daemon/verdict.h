/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verdict engine: compare what a hibernation image expects (its
 * record) with what this boot kernel set up (a record built from a
 * probe), then decide by policy. Pure: data in, data out, no I/O.
 */
#ifndef XH_VERDICT_H
#define XH_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

enum field {
	FIELD_GUEST_TYPE = 0,
	FIELD_EVTCHN,
	FIELD_GNTTAB,
	FIELD_KASLR,
	FIELD_BUILD_ID,
	FIELD_KERNEL_RELEASE,
	FIELD_CMDLINE,
	FIELD_VCPUS,
	FIELD_RAM,
	FIELD_MEMMAP,
	FIELD_XEN_VERSION,
	FIELD_XEN_FEATURES,
	FIELD_DOMAIN_UUID,
	FIELD_SWAP,
	_FIELD_MAX,
};

enum severity {
	SEV_INFO = 0,	/* worth showing, never blocks */
	SEV_WARN,	/* cannot prove safety; blocks only under "strict" */
	SEV_CRITICAL,	/* resuming would corrupt, hang or lose the image */
};

struct difference {
	enum field field;
	enum severity severity;
	/* A kexec soft reset into the image's kernel with the image's Xen
	 * knobs on the command line makes the boot side match. */
	bool fixable;
	char expected[96];	/* the image's value */
	char found[96];		/* this boot kernel's value */
	char detail[160];	/* one sentence for the user */
};

struct diff_list {
	size_t n;
	struct difference d[_FIELD_MAX];
};

/* Compare image against boot. Returns the number of differences. */
int verdict_compare(const struct record *image, const struct record *boot,
    struct diff_list *out);

enum policy_mode {
	POLICY_AUTO = 0,	/* repair when allowed and possible, else refuse */
	POLICY_STRICT,		/* as auto, and warnings count as mismatches */
	POLICY_REFUSE,		/* never repair: refuse on any mismatch */
	POLICY_FORCE,		/* resume whatever differs (explicit opt-in) */
	_POLICY_MAX,
};

enum unknown_image_action {
	UNKNOWN_IMAGE_PROCEED = 0,	/* as today, with a warning */
	UNKNOWN_IMAGE_REFUSE,
	_UNKNOWN_IMAGE_MAX,
};

struct policy {
	enum policy_mode mode;
	enum unknown_image_action unknown_image;
	/* Repair by kexec (soft reset) is allowed: opt-in, because on Linux
	 * 6.1 HVM a repaired resume hung in the lab (test/lab/RESULTS.md,
	 * s9). Off: a fixable mismatch is refused with the command line
	 * that resumes. */
	bool repair_kexec;
};

struct capabilities {
	enum guest_type guest_type;	/* of this boot */
	unsigned int xen_major, xen_minor;	/* 0.0 when unknown */
	bool kexec;			/* kexec can load and execute here */
	bool image_kernel;		/* the image's kernel file is at hand */
	/* The toolstack turns SHUTDOWN_soft_reset into a soft reset for
	 * this guest: xl does for HVM; PVH only with a dom0 verdict. */
	bool toolstack_soft_reset;
	bool repaired;			/* xen_handover.repaired=1 present */
};

enum verdict {
	VERDICT_PROCEED = 0,
	VERDICT_REPAIR,
	VERDICT_REFUSE,
	VERDICT_FORCE,
	_VERDICT_MAX,
};

struct decision {
	enum verdict verdict;
	char reason[768];	/* what happened and what the user can do */
	/* Knobs the boot command line needs to match the image (for repair,
	 * and for the "boot with ..." advice on refuse). KNOB_UNSET: leave. */
	int set_fifo_events;
	int set_gnttab_version;
	bool set_nokaslr;
};

/*
 * Decide. image may be NULL (no valid record: the unknown-image policy).
 * Returns 0; -EINVAL on out-of-range inputs.
 */
int verdict_decide(const struct policy *pol, const struct record *image,
    const struct diff_list *diffs, const struct capabilities *caps,
    struct decision *out);

const char *field_to_string(enum field f);
const char *severity_to_string(enum severity s);
const char *verdict_to_string(enum verdict v);
const char *policy_mode_to_string(enum policy_mode m);
int policy_mode_from_string(const char *s);	/* -EINVAL if bad */
const char *unknown_image_to_string(enum unknown_image_action a);
int unknown_image_from_string(const char *s);	/* -EINVAL if bad */

#endif
