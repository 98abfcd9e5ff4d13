/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Can this guest hibernate safely?" Pure: takes a probe and the
 * configuration, returns blockers, each with the fix.
 */
#ifndef XH_CHECK_H
#define XH_CHECK_H

#include <stddef.h>

#include "conf.h"
#include "probe.h"

enum blocker_id {
	BLOCK_NOT_XEN = 0,
	BLOCK_PV_GUEST,
	BLOCK_NO_XEN_PM,	/* kernel cannot re-establish Xen devices */
	BLOCK_HIBERNATION_OFF,	/* nohibernate, or not in /sys/power/state */
	BLOCK_LOCKDOWN,
	BLOCK_KASLR,
	BLOCK_EVTCHN_UNPINNED,
	BLOCK_EVTCHN_UNKNOWN,
	BLOCK_GNTTAB_UNPINNED,
	BLOCK_NO_RESUME_SWAP,
	BLOCK_SWAP_NOT_SWAP,	/* resume device carries no swap header */
	BLOCK_SWAP_TOO_SMALL,
	BLOCK_RESUME_ON_CMDLINE,/* kernel may resume before the gate */
	BLOCK_NO_KEXEC,
	_BLOCK_MAX,
};

enum blocker_level {
	LEVEL_WARNING = 0,	/* hibernation may work; repair is limited */
	LEVEL_BLOCKER,		/* hibernation cannot be made safe */
};

struct blocker {
	enum blocker_id id;
	enum blocker_level level;
	char what[200];
	char fix[300];
};

struct blocker_list {
	size_t n;
	struct blocker b[_BLOCK_MAX];
};

/* Returns the number of LEVEL_BLOCKER entries (0: safe to hibernate). */
int check_run(const struct probe *p, const struct conf *cfg,
    struct blocker_list *out);

const char *blocker_id_to_string(enum blocker_id id);	/* "pv-guest" */
const char *blocker_level_to_string(enum blocker_level l);

#endif
