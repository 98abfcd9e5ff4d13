// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handover gate: the resume gate's command line (daemon/gate.c does
 * the work). main() hands over the arguments without the word "gate".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "gate.h"
#include "log.h"
#include "util.h"

static void
gate_help(void)
{
	printf("Usage: xen-handover gate [OPTIONS]\n"
	    "\n"
	    "The resume gate, run in the initramfs before anything resumes: "
	    "find the\n"
	    "resume device, check the hibernation image's record against this "
	    "boot\n"
	    "kernel, then resume, repair (kexec; only with repair = kexec in "
	    "gate.conf\nor xen_handover.repair=kexec), or refuse and keep "
	    "the image.\n"
	    "\n"
	    "Options:\n"
	    "  -r, --root DIR        act on the tree under DIR (default /)\n"
	    "  -j, --json            print the event as JSON\n"
	    "      --dry-run         decide and print, act on nothing\n"
	    "      --timeout SECONDS wait this long for the device (default: "
	    "gate.conf,\n"
	    "                        else %d)\n"
	    "  -p, --policy P        auto|strict|refuse|force\n"
	    "      --resume DEV      the resume device (default: "
	    "xen_handover.resume=,\n"
	    "                        resume=, then resume in gate.conf)\n"
	    "      --resume-offset N its header page (swap files)\n"
	    "      --kexec PATH      the kexec binary (default /usr/sbin/kexec "
	    "or /sbin/kexec)\n"
	    "      --dom0-soft-reset the toolstack soft-resets this PVH guest\n"
	    "  -v, --verbose         also print the kernel log's messages\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Exit codes: 0 resumed or nothing to resume, 1 refused (image "
	    "kept), 2 usage,\n"
	    "4 system error, 6 repair handed to kexec, 7 forced.\n",
	    GATE_TIMEOUT_DEFAULT);
}

int
gate_main(int argc, char **argv)
{
	enum {
		ARG_DRY_RUN = 0x100,
		ARG_TIMEOUT,
		ARG_KEXEC,
		ARG_DOM0_SOFT_RESET,
		ARG_RESUME,
		ARG_RESUME_OFFSET,
	};
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, ARG_DRY_RUN },
		{ "timeout", required_argument, NULL, ARG_TIMEOUT },
		{ "policy", required_argument, NULL, 'p' },
		{ "kexec", required_argument, NULL, ARG_KEXEC },
		{ "resume", required_argument, NULL, ARG_RESUME },
		{ "resume-offset", required_argument, NULL,
		    ARG_RESUME_OFFSET },
		{ "dom0-soft-reset", no_argument, NULL, ARG_DOM0_SOFT_RESET },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct gate *g;
	unsigned long long v;
	bool json = false;
	int c, r;

	g = malloc(sizeof(*g));
	if (!g)
		return log_error_errno(-ENOMEM, "%m"), EXIT_SYSTEM;
	gate_init(g);
	/* The console shows the gate's message; the kernel log gets every
	 * decision. -v puts those on stderr too. */
	log_set_max_level(LOG_WARNING);
	optind = 0;
	while ((c = getopt_long(argc, argv, "r:jp:vh", options, NULL)) >= 0) {
		switch (c) {
		case 'r':
			g->root = optarg;
			break;
		case 'j':
			json = true;
			break;
		case ARG_DRY_RUN:
			g->dry_run = true;
			break;
		case ARG_TIMEOUT:
			if (xh_parse_u64(optarg, 10, &v) < 0 ||
			    v > CONF_TIMEOUT_MAX) {
				log_error("bad --timeout '%s' (whole seconds, "
				    "0 to %d)", optarg, CONF_TIMEOUT_MAX);
				r = EXIT_USAGE;
				goto out;
			}
			g->timeout = (int)v;
			break;
		case 'p':
			if (policy_mode_from_string(optarg) < 0) {
				log_error("unknown policy '%s' (auto, strict, "
				    "refuse, force)", optarg);
				r = EXIT_USAGE;
				goto out;
			}
			g->policy_arg = optarg;
			break;
		case ARG_KEXEC:
			g->kexec_arg = optarg;
			break;
		case ARG_RESUME:
			g->resume_arg = optarg;
			break;
		case ARG_RESUME_OFFSET:
			if (xh_parse_u64(optarg, 10, &v) < 0) {
				log_error("bad --resume-offset '%s' (pages)",
				    optarg);
				r = EXIT_USAGE;
				goto out;
			}
			g->has_offset_arg = true;
			g->offset_arg = v;
			break;
		case ARG_DOM0_SOFT_RESET:
			g->dom0_soft_reset = true;
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			gate_help();
			r = EXIT_OK;
			goto out;
		default:
			r = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		log_error("gate: unexpected argument '%s'", argv[optind]);
		r = EXIT_USAGE;
		goto out;
	}
	g->console = json ? stderr : stdout;
	r = gate_run(g);
	if (json)
		gate_write_json(g, stdout);
out:
	gate_free(g);
	free(g);
	return r;
}
