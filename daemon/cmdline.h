/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line, parsed with the kernel's own rules (lib/cmdline.c
 * next_arg(), kernel/params.c parse_args() and parameq(), lib/kstrtox.c
 * kstrtobool()): double quotes, "--" ending the kernel's part, '-' and
 * '_' equal in parameter names, last occurrence wins. Pure, no I/O.
 */
#ifndef XH_CMDLINE_H
#define XH_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX 4096	/* COMMAND_LINE_SIZE is 2048 on x86 */
#define CMDLINE_MAX_ARGS 256

struct cmdline_arg {
	const char *param;	/* points into cmdline.buf */
	const char *val;	/* NULL when the word had no '=' */
};

struct cmdline {
	char buf[CMDLINE_MAX];
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	size_t nargs;		/* kernel parameters, before "--" */
	size_t ninit;		/* words after "--" (init's), not in args */
};

/*
 * Parse s. -E2BIG when longer than CMDLINE_MAX - 1 or more than
 * CMDLINE_MAX_ARGS words, -EILSEQ on control characters other than
 * whitespace. Never reads past the terminator.
 */
int cmdline_parse(const char *s, struct cmdline *c);

/* Last value of param (names compared as the kernel does). */
bool cmdline_has(const struct cmdline *c, const char *param);
const char *cmdline_get(const struct cmdline *c, const char *param);

/* kstrtobool(): 1 true, 0 false, -EINVAL not a boolean. NULL means true,
 * as for a bool kernel parameter given without a value. */
int cmdline_parse_bool(const char *val);

/*
 * The value of a bool kernel parameter as the kernel ends up with it:
 * KNOB_UNSET (-1) when absent or when every occurrence was invalid (the
 * kernel keeps its default), else 0/1 from the last valid occurrence.
 */
int cmdline_get_bool(const struct cmdline *c, const char *param);

/* Same for an unsigned int parameter (kstrtouint): -1 unset/invalid. */
long cmdline_get_uint(const struct cmdline *c, const char *param);

/*
 * Build a new command line from `in`: drop every occurrence of each
 * parameter named in `remove` (NULL-terminated; names compared as the
 * kernel does), then append each word of `append` (NULL-terminated, e.g.
 * "xen.fifo_events=0") before any "--" part, which is kept as it was.
 * Words holding spaces keep or get their quotes. Returns the length
 * written; -E2BIG if out is too small, -EINVAL for an appended word the
 * kernel cannot take whole (empty, "--", holding '"') or an append after
 * a kept word with an unclosed quote, or errors from cmdline_parse().
 */
int cmdline_rewrite(const char *in, const char *const *remove,
    const char *const *append, char *out, size_t outsz);

/*
 * Do two command lines give the same kernel layout? Compares the kernel
 * parameters in order (names as the kernel compares them, values
 * exactly), leaving out those that do not move memory or that the
 * verdict compares on their own: BOOT_IMAGE, initrd, resume,
 * resume_offset, noresume, xen.fifo_events, grant_table.version,
 * nokaslr and xen_handover.*. 1 equal, 0 different.
 */
int cmdline_layout_equal(const struct cmdline *a, const struct cmdline *b);

/*
 * The record's command-line digest: SHA-256 over the parameters
 * cmdline_layout_equal() compares, each as "name" or "name=value" (names
 * with '-' as '_') followed by '\n', truncated to outsz (<= 32) bytes.
 * Two lines with equal layout have equal digests.
 */
int cmdline_layout_digest(const struct cmdline *c, uint8_t *out,
    size_t outsz);

#endif
