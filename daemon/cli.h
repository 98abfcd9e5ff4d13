/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the xen-handover commands: exit codes (documented in
 * xen-handover(8)) and the entry points of commands that parse their own
 * options. main() hands such a command the whole argument vector minus
 * the command word, so --root, -v and --json work wherever they stand.
 */
#ifndef XH_CLI_H
#define XH_CLI_H

enum {
	EXIT_OK = 0,
	EXIT_BLOCKED = 1,	/* check: blockers; verdict/gate: refuse */
	EXIT_USAGE = 2,
	EXIT_NOT_XEN = 3,
	EXIT_SYSTEM = 4,
	EXIT_BAD_RECORD = 5,
	EXIT_REPAIR = 6,
	EXIT_FORCE = 7,
};

/* xen-handover gate: the resume gate (daemon/gate-cli.c). */
int gate_main(int argc, char **argv);

/* xen-handover setup: boot configuration (daemon/setup.c). */
int setup_main(int argc, char **argv);

#endif
