/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen-handover setup: make the boot configuration hand the resume step to
 * the initramfs gate (resume= becomes xen_handover.resume=) and pin the
 * next boot kernel's Xen knobs to those of the running kernel
 * (xen.fifo_events=, grant_table.version=, nokaslr).
 *
 * The boot configuration is GRUB's defaults: /etc/default/grub, then
 * /etc/default/grub.d/ *.cfg in C-locale order (the Debian grub-mkconfig
 * sources them in that order; upstream grub-mkconfig ignores grub.d).
 * Only GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT are read, with
 * the shell's quoting rules; every other byte is kept as it was.
 * What setup changed is kept in SETUP_STATE_PATH so --undo reverts
 * exactly that.
 */
#ifndef XH_SETUP_H
#define XH_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SETUP_GRUB_PATH "/etc/default/grub"
#define SETUP_GRUB_DROPIN_DIR "/etc/default/grub.d"
#define SETUP_STATE_PATH "/etc/xen-handover/setup.state"
#define SETUP_BACKUP_SUFFIX ".xen-handover.bak"
#define SETUP_ITRD_RESUME_PATH "/etc/initramfs-tools/conf.d/resume"
#define SETUP_FILE_MAX 65536	/* bytes per configuration file */
#define SETUP_DROPINS_MAX 64

struct setup_opts {
	const char *root;	/* NULL or "" = "/" */
	bool dry_run;		/* show, write nothing, run nothing */
	bool undo;		/* revert what the state file lists */
	bool force;		/* replace conflicting knob values */
	bool no_update;		/* never run update-grub */
	bool grub;		/* edit GRUB although the running kernel was
				   not started by it (no BOOT_IMAGE=) */
	bool json;
};

/*
 * Run setup (or --undo) over opts->root, printing the report to out.
 * Returns an exit code from cli.h: EXIT_OK (done, or nothing to change),
 * EXIT_BLOCKED (something is left for the operator: no GRUB inside the
 * guest, a PV guest, a conflicting knob without --force, an unknown
 * event-channel ABI), EXIT_NOT_XEN, EXIT_SYSTEM (I/O errors, or
 * update-grub failed). Errors are logged to stderr.
 */
int setup_run(const struct setup_opts *opts, FILE *out);

/*
 * Pure: the values GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT end
 * up with after a shell sources texts[0..n-1] in order (references to
 * either variable expanded; other expansions kept as written). Returns 0,
 * -EINVAL on an unterminated quote, -E2BIG when a value does not fit.
 */
int setup_grub_eval(const char *const *texts, const size_t *lens, size_t n,
    char *linux_out, char *default_out, size_t outsz);

/*
 * Pure: the xl `extra=` string for a guest whose command line comes from
 * dom0: cmdline with BOOT_IMAGE= dropped, resume=X turned into
 * xen_handover.resume=X and each word of `add` (NULL-terminated) appended.
 * Same return values as cmdline_rewrite().
 */
int setup_xl_extra(const char *cmdline, const char *const *add,
    const char *const *replace_names, char *out, size_t outsz);

#endif
