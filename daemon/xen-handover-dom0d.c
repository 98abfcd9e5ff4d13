// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handover-dom0d: the dom0 companion daemon (xen-handover-dom0d(8)).
 * Options and setup; the work is in dom0d-loop.c.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0d-loop.h"
#include "hv.h"
#include "log.h"
#include "util.h"

static const char usage[] =
"Usage: xen-handover-dom0d [OPTION]...\n"
"\n"
"The dom0 companion of xen-handover: keeps the last hibernation record of\n"
"every domain UUID, validates this host against it when the domain is\n"
"created again, and publishes the verdict in xenstore for the guest.\n"
"\n"
"  --state-dir DIR        entries under DIR/domains (" DOM0D_STATE_DIR ")\n"
"  --prometheus FILE      keep a Prometheus text file up to date\n"
"  --hv-fixture FILE      take domains and host facts from FILE instead of\n"
"                         libxenctrl (tests, demos)\n"
"  --self-domid N         dom0d's own domain id (default: xenstore's\n"
"                         \"domid\", else 0)\n"
"  --soft-reset MODE      auto (HVM on Xen >= 4.7), yes or no: what the\n"
"                         soft-reset node tells the guest\n"
"  --no-match-name        do not find a pending image by domain name when\n"
"                         a domain comes back with a new UUID\n"
"  --debounce-ms N        read a domain's report at most once per N ms\n"
"                         (1000)\n"
"  --settle-ms N          wait up to N ms for a new guest kernel to set its\n"
"                         grant table up (30000)\n"
"  --rescan-ms N          rescan the domain list every N ms (30000)\n"
"  --save-ms N            coalesce entry saves without a phase change (10000)\n"
"  --event-burst N        watch events a domain may burst (256)\n"
"  --event-rate N         and sustain per second (64) before it is ignored\n"
"  --throttle-ms N        for N ms, doubling while it floods (5000)\n"
"  -v, --verbose          debug messages\n"
"  -h, --help             this text\n"
"      --version          the version\n";

enum {
	OPT_STATE_DIR = 256,
	OPT_PROMETHEUS,
	OPT_HV_FIXTURE,
	OPT_SELF_DOMID,
	OPT_SOFT_RESET,
	OPT_NO_MATCH_NAME,
	OPT_DEBOUNCE,
	OPT_SETTLE,
	OPT_RESCAN,
	OPT_SAVE,
	OPT_BURST,
	OPT_RATE,
	OPT_THROTTLE,
	OPT_VERSION,
};

static int
parse_ms(const char *name, const char *s, unsigned int max, unsigned int *ret)
{
	unsigned long long v;

	if (xh_parse_u64(s, 10, &v) < 0 || v > max) {
		log_error("%s: expected a number 0..%u, got \"%s\"", name, max,
		    s);
		return -EINVAL;
	}
	*ret = (unsigned int)v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
		{ "hv-fixture", required_argument, NULL, OPT_HV_FIXTURE },
		{ "self-domid", required_argument, NULL, OPT_SELF_DOMID },
		{ "soft-reset", required_argument, NULL, OPT_SOFT_RESET },
		{ "no-match-name", no_argument, NULL, OPT_NO_MATCH_NAME },
		{ "debounce-ms", required_argument, NULL, OPT_DEBOUNCE },
		{ "settle-ms", required_argument, NULL, OPT_SETTLE },
		{ "rescan-ms", required_argument, NULL, OPT_RESCAN },
		{ "save-ms", required_argument, NULL, OPT_SAVE },
		{ "event-burst", required_argument, NULL, OPT_BURST },
		{ "event-rate", required_argument, NULL, OPT_RATE },
		{ "throttle-ms", required_argument, NULL, OPT_THROTTLE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct dom0d_opts o;
	const char *fixture = NULL;
	struct event_base *base = NULL;
	struct dom0d *d = NULL;
	struct hv *hv = NULL;
	unsigned int v;
	char err[192];
	int c, r, ret = EXIT_FAILURE;

	log_init("xen-handover-dom0d", LOG_INFO);
	dom0d_opts_init(&o);
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		r = 0;
		switch (c) {
		case OPT_STATE_DIR:
			o.state_dir = optarg;
			break;
		case OPT_PROMETHEUS:
			o.prometheus = optarg;
			break;
		case OPT_HV_FIXTURE:
			fixture = optarg;
			break;
		case OPT_SELF_DOMID:
			r = parse_ms("--self-domid", optarg,
			    HV_DOMID_LIMIT - 1, &v);
			o.self_domid = (int)v;
			break;
		case OPT_SOFT_RESET:
			if (streq(optarg, "auto"))
				o.soft_reset = SOFT_RESET_AUTO;
			else if (streq(optarg, "yes"))
				o.soft_reset = SOFT_RESET_YES;
			else if (streq(optarg, "no"))
				o.soft_reset = SOFT_RESET_NO;
			else
				r = log_error_errno(EINVAL, "--soft-reset: "
				    "auto, yes or no");
			break;
		case OPT_NO_MATCH_NAME:
			o.match_name = false;
			break;
		case OPT_DEBOUNCE:
			r = parse_ms("--debounce-ms", optarg, 3600000,
			    &o.debounce_ms);
			break;
		case OPT_SETTLE:
			r = parse_ms("--settle-ms", optarg, 3600000,
			    &o.settle_ms);
			break;
		case OPT_RESCAN:
			r = parse_ms("--rescan-ms", optarg, 3600000,
			    &o.rescan_ms);
			if (r == 0 && o.rescan_ms < 100)
				r = log_error_errno(EINVAL, "--rescan-ms: at "
				    "least 100");
			break;
		case OPT_SAVE:
			r = parse_ms("--save-ms", optarg, 3600000, &o.save_ms);
			break;
		case OPT_BURST:
			r = parse_ms("--event-burst", optarg, 1000000,
			    &o.event_burst);
			break;
		case OPT_RATE:
			r = parse_ms("--event-rate", optarg, 1000000,
			    &o.event_rate);
			break;
		case OPT_THROTTLE:
			r = parse_ms("--throttle-ms", optarg, 3600000,
			    &o.throttle_ms);
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_SUCCESS;
		case OPT_VERSION:
			printf("xen-handover-dom0d %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			fputs(usage, stderr);
			return 2;
		}
		if (r < 0)
			return 2;
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	if (fixture)
		r = hv_fixture_open(fixture, &hv, err, sizeof(err));
	else
		r = hv_xenctrl_open(&hv);
	if (r < 0) {
		if (fixture)
			log_error("%s: %s", fixture, err);
		else
			log_error_errno(r, "cannot open libxenctrl (is this "
			    "dom0, with /dev/xen/privcmd?): %m");
		goto out;
	}
	base = event_base_new();
	if (!base) {
		log_error("cannot create the event loop");
		goto out;
	}
	r = dom0d_new(base, hv, &o, &d);
	if (r < 0) {
		log_error_errno(r, "cannot set up: %m");
		goto out;
	}
	if (dom0d_start(d) < 0)
		goto out;
	r = dom0d_run(d);
	if (r < 0)
		log_error_errno(r, "event loop failed: %m");
	else
		ret = EXIT_SUCCESS;
out:
	dom0d_free(d);
	if (base)
		event_base_free(base);
	hv_free(hv);
	return ret;
}
