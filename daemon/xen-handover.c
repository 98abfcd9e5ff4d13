// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handover: the command-line tool. Tells what the running kernel set up
 * with Xen (status), whether hibernation can be safe (check), what record
 * it would write (record), and what the resume gate would decide for a
 * record (verdict). Runs in the initramfs too: it links no libevent and
 * no sd-bus.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cli.h"
#include "cmdline.h"
#include "conf.h"
#include "fileio.h"
#include "gate.h"
#include "json.h"
#include "log.h"
#include "probe.h"
#include "record.h"
#include "store.h"
#include "swaptarget.h"
#include "util.h"
#include "verdict.h"


static const char *arg_root = "/";
static bool arg_json;
static bool arg_dry_run;
static const char *arg_output;
static const char *arg_record;
static const char *arg_device;
static uint64_t arg_offset;
static bool arg_has_offset;
static const char *arg_policy;
static const char *arg_state;
static uint64_t arg_seq = 1;
static int64_t arg_now = -1;
static bool arg_dom0_soft_reset;

static void
help(void)
{
	printf("Usage: xen-handover [OPTIONS] COMMAND [ARGS]\n"
	    "\n"
	    "Make hibernation safe for Linux guests on Xen.\n"
	    "\n"
	    "Commands:\n"
	    "  status              what the running kernel set up with Xen, "
	    "and where\n"
	    "                      each fact came from\n"
	    "  check               can this guest hibernate safely? one line "
	    "per blocker\n"
	    "  record              write this kernel's record into the resume "
	    "swap area's\n"
	    "                      header (slots A/B)\n"
	    "  record --dry-run    print the record this kernel would write\n"
	    "  record --output F   write the encoded record to file F instead\n"
	    "  show-slots [DEV]    dump both record slots of a swap area "
	    "(default: the\n"
	    "                      resume swap area)\n"
	    "  show-record F       decode and print a record file\n"
	    "  setup [--dry-run|--undo]\n"
	    "                      hand resume to the gate and pin the boot "
	    "command line\n"
	    "                      to this kernel's Xen knobs (GRUB)\n"
	    "  gate                the resume gate (initramfs); see "
	    "xen-handover(8)\n"
	    "  verdict [--record F]\n"
	    "                      compare this boot kernel with the image's "
	    "record (from\n"
	    "                      the resume swap area, or file F); print "
	    "the verdict\n"
	    "                      and the action the gate would take\n"
	    "\n"
	    "Options:\n"
	    "  -r, --root DIR      read /proc, /sys, /dev under DIR "
	    "(default /)\n"
	    "  -j, --json          machine-readable output\n"
	    "  -p, --policy P      auto|strict|refuse|force (verdict; "
	    "overrides config\n"
	    "                      and xen_handover.policy=)\n"
	    "      --state S       running|hibernating (record)\n"
	    "      --seq N         sequence number (record; default 1)\n"
	    "      --now SECONDS   creation time (record; default: now)\n"
	    "      --device DEV    swap area for record/show-slots (default: "
	    "the resume\n"
	    "                      device); --offset N its header page\n"
	    "      --dom0-soft-reset\n"
	    "                      the toolstack soft-resets this PVH guest "
	    "(verdict)\n"
	    "  -v, --verbose       debug messages\n"
	    "  -h, --help          this help\n"
	    "      --version       print the version\n"
	    "\n"
	    "Exit codes: 0 ok/safe/proceed, 1 blockers/refuse, 2 usage, "
	    "3 not a Xen guest,\n"
	    "4 system error, 5 invalid record, 6 repair, 7 force. "
	    "See xen-handover(8).\n");
}

static int
parse_argv(int argc, char **argv)
{
	enum {
		ARG_VERSION = 0x100,
		ARG_STATE,
		ARG_SEQ,
		ARG_NOW,
		ARG_DRY_RUN,
		ARG_DOM0_SOFT_RESET,
		ARG_DEVICE,
		ARG_OFFSET,
	};
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "record", required_argument, NULL, 'R' },
		{ "state", required_argument, NULL, ARG_STATE },
		{ "seq", required_argument, NULL, ARG_SEQ },
		{ "now", required_argument, NULL, ARG_NOW },
		{ "dry-run", no_argument, NULL, ARG_DRY_RUN },
		{ "dom0-soft-reset", no_argument, NULL, ARG_DOM0_SOFT_RESET },
		{ "device", required_argument, NULL, ARG_DEVICE },
		{ "offset", required_argument, NULL, ARG_OFFSET },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{}
	};
	unsigned long long v;
	int c;

	/* Options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "r:jp:o:R:vh", options,
	    NULL)) >= 0) {
		switch (c) {
		case 'r':
			arg_root = optarg;
			break;
		case 'j':
			arg_json = true;
			break;
		case 'p':
			if (policy_mode_from_string(optarg) < 0)
				return log_error("unknown policy '%s' (auto, "
				    "strict, refuse, force)", optarg), -EINVAL;
			arg_policy = optarg;
			break;
		case 'o':
			arg_output = optarg;
			break;
		case 'R':
			arg_record = optarg;
			break;
		case ARG_STATE:
			if (record_state_from_string(optarg) < 0)
				return log_error("unknown state '%s' (running,"
				    " hibernating)", optarg), -EINVAL;
			arg_state = optarg;
			break;
		case ARG_SEQ:
			if (xh_parse_u64(optarg, 10, &v) < 0)
				return log_error("bad --seq '%s'", optarg),
				    -EINVAL;
			arg_seq = v;
			break;
		case ARG_NOW:
			if (xh_parse_u64(optarg, 10, &v) < 0 || v > INT64_MAX)
				return log_error("bad --now '%s'", optarg),
				    -EINVAL;
			arg_now = (int64_t)v;
			break;
		case ARG_DRY_RUN:
			arg_dry_run = true;
			break;
		case ARG_DOM0_SOFT_RESET:
			arg_dom0_soft_reset = true;
			break;
		case ARG_DEVICE:
			arg_device = optarg;
			break;
		case ARG_OFFSET:
			if (xh_parse_u64(optarg, 10, &v) < 0)
				return log_error("bad --offset '%s' (pages)",
				    optarg), -EINVAL;
			arg_offset = v;
			arg_has_offset = true;
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("xen-handover %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return -EINVAL;
		}
	}
	return 1;
}

/* --- formatting helpers --------------------------------------------- */

static const char *
knob_str(int knob, char *buf, size_t sz)
{
	if (knob == KNOB_UNSET)
		return "unset";
	snprintf(buf, sz, "%d", knob);
	return buf;
}

static void
fmt_time(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(buf, sz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, sz, "%" PRId64, t);
}

static void
fmt_gnttab(int v, char *buf, size_t sz)
{
	if (v <= 0)
		snprintf(buf, sz, "unknown");
	else
		snprintf(buf, sz, "v%d", v);
}

static void
fmt_xen_version(const struct record *r, char *buf, size_t sz)
{
	if (!r->has_xen_version)
		snprintf(buf, sz, "unknown");
	else
		snprintf(buf, sz, "%u.%u%s", r->xen_major, r->xen_minor,
		    r->xen_extra);
}

/* --- probing --------------------------------------------------------- */

static int64_t
now_seconds(void)
{
	return arg_now >= 0 ? arg_now : (int64_t)time(NULL);
}

static int
probe_or_fail(struct probe *p)
{
	int r = probe_run(arg_root, now_seconds(), p);

	if (r < 0)
		return log_error_errno(r, "cannot probe %s: %m", arg_root);
	return 0;
}

static int
not_xen(const struct probe *p)
{
	if (arg_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_bool(&j, "xen", false);
		json_string(&j, "error", "not a Xen guest");
		json_end_object(&j);
		json_finish(&j);
	}
	log_error("%s is not a Xen guest (no /sys/hypervisor/type = xen): "
	    "nothing to do", streq(arg_root, "/") ? "this system" : arg_root);
	return EXIT_NOT_XEN;
}

/*
 * Allocate and run the probe for a command that needs a Xen guest.
 * EXIT_OK with *ret set (free() it), else the exit code, already said.
 */
static int
probe_guest(struct probe **ret)
{
	struct probe *p = calloc(1, sizeof(*p));

	if (!p)
		return log_error_errno(-ENOMEM, "%m"), EXIT_SYSTEM;
	if (probe_or_fail(p) < 0) {
		free(p);
		return EXIT_SYSTEM;
	}
	if (!p->is_xen) {
		free(p);
		return not_xen(NULL);
	}
	*ret = p;
	return EXIT_OK;
}

/* --- status ---------------------------------------------------------- */

static void
status_json(const struct probe *p)
{
	const struct record *r = &p->rec;
	char buf[128], uuid[37];
	struct json j;

	json_init(&j, stdout, true);
	json_begin_object(&j, NULL);
	json_bool(&j, "xen", p->is_xen);
	json_string(&j, "root", arg_root);

	json_begin_object(&j, "guest_type");
	json_string(&j, "value", guest_type_to_string(r->guest_type));
	json_string(&j, "source", fact_source_to_string(p->guest_src));
	json_end_object(&j);

	json_begin_object(&j, "xen_version");
	if (r->has_xen_version) {
		json_uint(&j, "major", r->xen_major);
		json_uint(&j, "minor", r->xen_minor);
		json_string(&j, "extra", r->xen_extra);
	}
	json_string(&j, "source", fact_source_to_string(p->xen_version_src));
	json_end_object(&j);

	json_begin_object(&j, "xen_features");
	if (r->has_xen_features) {
		snprintf(buf, sizeof(buf), "%08" PRIx32, r->xen_features);
		json_string(&j, "value", buf);
	} else {
		json_null(&j, "value");
	}
	json_string(&j, "source", fact_source_to_string(p->features_src));
	json_end_object(&j);

	if (r->has_domain_uuid) {
		xh_format_uuid(r->domain_uuid, uuid);
		json_string(&j, "domain_uuid", uuid);
	} else {
		json_null(&j, "domain_uuid");
	}
	if (r->has_boot_id) {
		xh_format_uuid(r->boot_id, uuid);
		json_string(&j, "boot_id", uuid);
	} else {
		json_null(&j, "boot_id");
	}

	json_begin_object(&j, "kernel");
	json_string(&j, "release", r->kernel_release);
	if (r->build_id_len) {
		char hex[2 * RECORD_BUILD_ID_MAX + 1];

		xh_hex(r->build_id, r->build_id_len, hex);
		json_string(&j, "build_id", hex);
	} else {
		json_null(&j, "build_id");
	}
	json_string(&j, "build_id_source",
	    fact_source_to_string(p->build_id_src));
	json_string(&j, "cmdline", p->cmdline_raw);
	xh_hex(r->cmdline_digest, RECORD_DIGEST_SIZE, buf);
	json_string(&j, "cmdline_digest", buf);
	json_end_object(&j);

	json_begin_object(&j, "evtchn");
	json_string(&j, "abi", evtchn_abi_to_string(r->evtchn));
	json_string(&j, "source", fact_source_to_string(p->evtchn_src));
	json_end_object(&j);

	json_begin_object(&j, "gnttab");
	if (r->gnttab_version > 0)
		json_int(&j, "version", r->gnttab_version);
	else
		json_null(&j, "version");
	json_string(&j, "source", fact_source_to_string(p->gnttab_src));
	json_end_object(&j);

	json_begin_object(&j, "knobs");
	if (r->knob_fifo_events == KNOB_UNSET)
		json_null(&j, "xen.fifo_events");
	else
		json_int(&j, "xen.fifo_events", r->knob_fifo_events);
	if (r->knob_gnttab_version == KNOB_UNSET)
		json_null(&j, "grant_table.version");
	else
		json_int(&j, "grant_table.version", r->knob_gnttab_version);
	json_end_object(&j);

	json_begin_object(&j, "kaslr");
	json_string(&j, "state", kaslr_state_to_string(r->kaslr));
	json_string(&j, "source", fact_source_to_string(p->kaslr_src));
	json_end_object(&j);

	json_begin_object(&j, "vcpus_possible");
	json_uint(&j, "value", r->vcpus_possible);
	json_string(&j, "source", fact_source_to_string(p->vcpus_src));
	json_end_object(&j);

	json_begin_object(&j, "ram_kib");
	json_uint(&j, "value", r->ram_kib);
	json_string(&j, "source", fact_source_to_string(p->ram_src));
	json_end_object(&j);

	json_begin_object(&j, "memmap");
	if (r->has_memmap_digest) {
		xh_hex(r->memmap_digest, RECORD_DIGEST_SIZE, buf);
		json_string(&j, "digest", buf);
	} else {
		json_null(&j, "digest");
	}
	json_string(&j, "source", fact_source_to_string(p->memmap_src));
	json_end_object(&j);

	json_begin_object(&j, "kmsg");
	json_bool(&j, "readable", p->kmsg_readable);
	json_bool(&j, "wrapped", p->kmsg.wrapped);
	json_uint(&j, "first_seq", p->kmsg.first_seq);
	json_end_object(&j);

	json_begin_object(&j, "resume_swap");
	json_string(&j, "resume_param", p->swap.resume_param);
	if (p->swap.has_resume_dev) {
		snprintf(buf, sizeof(buf), "%" PRIu32 ":%" PRIu32,
		    p->swap.resume_major, p->swap.resume_minor);
		json_string(&j, "device_number", buf);
	} else {
		json_null(&j, "device_number");
	}
	json_string(&j, "device", p->swap.device);
	json_uint(&j, "offset", p->swap.resume_offset);
	json_bool(&j, "is_swap", p->swap.is_swap);
	json_bool(&j, "has_image", p->swap.is_image);
	if (p->swap.has_uuid) {
		xh_format_uuid(p->swap.uuid, uuid);
		json_string(&j, "uuid", uuid);
	} else {
		json_null(&j, "uuid");
	}
	json_bool(&j, "active", p->swap.active);
	json_uint(&j, "size_kib", p->swap.size_kib);
	json_end_object(&j);

	json_begin_object(&j, "system");
	json_bool(&j, "hibernation_available", p->hibernation_available);
	json_string(&j, "lockdown", lockdown_mode_to_string(p->lockdown));
	json_bool(&j, "kexec_supported", p->kexec_supported);
	json_bool(&j, "kexec_load_disabled", p->kexec_load_disabled);
	json_bool(&j, "kexec_tool", p->kexec_tool);
	json_string(&j, "xen_pm_restore", p->xen_pm_restore == TRI_YES ?
	    "yes" : p->xen_pm_restore == TRI_NO ? "no" : "unknown");
	json_string(&j, "xen_pm_restore_signal", p->xen_pm_signal);
	json_string(&j, "xen_pm_restore_source",
	    fact_source_to_string(p->xen_pm_src));
	json_end_object(&j);

	json_end_object(&j);
	json_finish(&j);
}

#define ROW "  %-18s "

static void
status_text(const struct probe *p)
{
	const struct record *r = &p->rec;
	char buf[128], buf2[32], uuid[37];

	fmt_xen_version(r, buf, sizeof(buf));
	printf(ROW "%s guest on Xen %s (%s)\n", "Guest:",
	    guest_type_to_string(r->guest_type), buf,
	    fact_source_to_string(p->guest_src));
	if (r->has_xen_features)
		printf(ROW "%08" PRIx32 " (%s)\n", "Xen features:",
		    r->xen_features, fact_source_to_string(p->features_src));
	if (r->has_domain_uuid) {
		xh_format_uuid(r->domain_uuid, uuid);
		printf(ROW "%s\n", "Domain UUID:", uuid);
	}
	printf(ROW "%s\n", "Kernel:", r->kernel_release[0] ?
	    r->kernel_release : "unknown");
	if (r->build_id_len) {
		char hex[2 * RECORD_BUILD_ID_MAX + 1];

		xh_hex(r->build_id, r->build_id_len, hex);
		printf(ROW "%s (%s)\n", "Build-id:", hex,
		    fact_source_to_string(p->build_id_src));
	} else {
		printf(ROW "unknown\n", "Build-id:");
	}
	printf(ROW "%s (%s)\n", "Event channels:",
	    evtchn_abi_to_string(r->evtchn),
	    fact_source_to_string(p->evtchn_src));
	fmt_gnttab(r->gnttab_version, buf, sizeof(buf));
	printf(ROW "%s (%s)\n", "Grant tables:", buf,
	    fact_source_to_string(p->gnttab_src));
	printf(ROW "xen.fifo_events=%s grant_table.version=%s\n", "Knobs:",
	    knob_str(r->knob_fifo_events, buf, sizeof(buf)),
	    knob_str(r->knob_gnttab_version, buf2, sizeof(buf2)));
	printf(ROW "%s (%s)\n", "KASLR:", kaslr_state_to_string(r->kaslr),
	    fact_source_to_string(p->kaslr_src));
	printf(ROW "%u (%s)\n", "vCPUs possible:", r->vcpus_possible,
	    fact_source_to_string(p->vcpus_src));
	printf(ROW "%" PRIu64 " KiB (%s)\n", "RAM:", r->ram_kib,
	    fact_source_to_string(p->ram_src));
	if (r->has_memmap_digest) {
		xh_hex(r->memmap_digest, RECORD_DIGEST_SIZE, buf);
		printf(ROW "digest %s (%s)\n", "Memory map:", buf,
		    fact_source_to_string(p->memmap_src));
	} else {
		printf(ROW "unknown\n", "Memory map:");
	}
	if (p->swap.device[0] || p->swap.resume_param[0] ||
	    p->swap.has_resume_dev) {
		printf(ROW "%s", "Resume swap:", p->swap.device[0] ?
		    p->swap.device : p->swap.resume_param);
		if (p->swap.has_resume_dev)
			printf(" (%" PRIu32 ":%" PRIu32 ")",
			    p->swap.resume_major, p->swap.resume_minor);
		printf(" offset %" PRIu64, p->swap.resume_offset);
		if (p->swap.has_uuid) {
			xh_format_uuid(p->swap.uuid, uuid);
			printf(", UUID %s", uuid);
		}
		if (p->swap.is_image)
			printf(", holds a hibernation image");
		else if (p->swap.header_read && !p->swap.is_swap)
			printf(", no swap signature");
		if (p->swap.active)
			printf(", active, %" PRIu64 " KiB", p->swap.size_kib);
		printf("\n");
	} else {
		printf(ROW "none configured\n", "Resume swap:");
	}
	printf(ROW "%s, lockdown %s, kexec %s\n", "Hibernation:",
	    p->hibernation_available ? "available" : "unavailable",
	    lockdown_mode_to_string(p->lockdown),
	    p->kexec_supported && !p->kexec_load_disabled && p->kexec_tool ?
	    "available" : "unavailable");
	printf(ROW "%s%s%s (%s)\n", "Xen PM restore:",
	    p->xen_pm_restore == TRI_YES ? "yes" :
	    p->xen_pm_restore == TRI_NO ? "no" : "unknown",
	    p->xen_pm_signal[0] ? ", " : "", p->xen_pm_signal,
	    fact_source_to_string(p->xen_pm_src));
	if (!p->kmsg_readable)
		printf(ROW "unreadable\n", "Kernel log:");
	else
		printf(ROW "first record %llu%s\n", "Kernel log:",
		    p->kmsg.first_seq, p->kmsg.wrapped ?
		    " (wrapped: earlier records are gone)" : "");
}

static int
cmd_status(void)
{
	struct probe *p;
	int r;

	r = probe_guest(&p);
	if (r != EXIT_OK)
		return r;
	if (arg_json)
		status_json(p);
	else
		status_text(p);
	free(p);
	return EXIT_OK;
}

/* --- check ----------------------------------------------------------- */

static int
load_conf(struct conf *cfg)
{
	char err[512] = "";
	int r;

	conf_init(cfg);
	r = conf_load(cfg, arg_root, err, sizeof(err));
	if (r < 0)
		return log_error("configuration: %s", err[0] ? err :
		    strerror(-r)), r;
	if (err[0])
		log_warning("configuration: %s", err);
	return 0;
}

static int
cmd_check(void)
{
	struct blocker_list bl;
	struct probe *p;
	struct conf cfg;
	size_t i;
	int r, nblock;

	if (load_conf(&cfg) < 0)
		return EXIT_USAGE;
	r = probe_guest(&p);
	if (r != EXIT_OK)
		return r;
	nblock = check_run(p, &cfg, &bl);
	free(p);

	if (arg_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_bool(&j, "xen", true);
		json_bool(&j, "safe", nblock == 0);
		json_int(&j, "blockers", nblock);
		json_begin_array(&j, "problems");
		for (i = 0; i < bl.n; i++) {
			json_begin_object(&j, NULL);
			json_string(&j, "id", blocker_id_to_string(bl.b[i].id));
			json_string(&j, "level",
			    blocker_level_to_string(bl.b[i].level));
			json_string(&j, "what", bl.b[i].what);
			json_string(&j, "fix", bl.b[i].fix);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < bl.n; i++)
			printf("%s: %s: %s\n    fix: %s\n",
			    blocker_level_to_string(bl.b[i].level),
			    blocker_id_to_string(bl.b[i].id), bl.b[i].what,
			    bl.b[i].fix);
		if (nblock == 0)
			printf("Hibernation can be made safe on this guest"
			    "%s.\n", bl.n ? " (see the warnings above)" : "");
		else
			printf("Hibernation is not safe on this guest: %d "
			    "blocker%s.\n", nblock, nblock == 1 ? "" : "s");
	}
	return nblock ? EXIT_BLOCKED : EXIT_OK;
}

/* --- record ---------------------------------------------------------- */

static void
record_print_text(const struct record *r, FILE *f)
{
	char buf[128], buf2[32], uuid[37];

	fprintf(f, "  %-16s %u.%u, sequence %" PRIu64 "\n", "format:",
	    r->ver_major ? r->ver_major : RECORD_VERSION_MAJOR,
	    r->ver_major ? r->ver_minor : RECORD_VERSION_MINOR, r->seq);
	fmt_time(r->created, buf, sizeof(buf));
	fprintf(f, "  %-16s %s, state %s\n", "written:", buf,
	    record_state_to_string(r->state));
	fprintf(f, "  %-16s %s, Xen ", "guest:",
	    guest_type_to_string(r->guest_type));
	fmt_xen_version(r, buf, sizeof(buf));
	fprintf(f, "%s", buf);
	if (r->has_xen_features)
		fprintf(f, ", features %08" PRIx32, r->xen_features);
	fprintf(f, "\n");
	if (r->has_domain_uuid) {
		xh_format_uuid(r->domain_uuid, uuid);
		fprintf(f, "  %-16s %s\n", "domain UUID:", uuid);
	}
	fprintf(f, "  %-16s %s", "kernel:", r->kernel_release);
	if (r->build_id_len) {
		char hex[2 * RECORD_BUILD_ID_MAX + 1];

		xh_hex(r->build_id, r->build_id_len, hex);
		fprintf(f, ", build-id %s", hex);
	}
	fprintf(f, "\n");
	fmt_gnttab(r->gnttab_version, buf, sizeof(buf));
	fprintf(f, "  %-16s %s; grant tables %s\n", "event channels:",
	    evtchn_abi_to_string(r->evtchn), buf);
	fprintf(f, "  %-16s xen.fifo_events=%s grant_table.version=%s, %s\n",
	    "knobs:", knob_str(r->knob_fifo_events, buf, sizeof(buf)),
	    knob_str(r->knob_gnttab_version, buf2, sizeof(buf2)),
	    kaslr_state_to_string(r->kaslr));
	fprintf(f, "  %-16s %u vCPUs possible, %" PRIu64 " KiB RAM\n",
	    "size:", r->vcpus_possible, r->ram_kib);
	if (r->swap.has_uuid) {
		xh_format_uuid(r->swap.uuid, uuid);
		fprintf(f, "  %-16s UUID %s, %" PRIu32 ":%" PRIu32
		    ", offset %" PRIu64 "\n", "resume swap:", uuid,
		    r->swap.dev_major, r->swap.dev_minor, r->swap.offset);
	}
	if (r->has_cmdline)
		fprintf(f, "  %-16s %s\n", "command line:", r->cmdline);
}

static int
write_file(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	FILE *f;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "wbx");
	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		int e = errno ? errno : EIO;

		fclose(f);
		unlink(tmp);
		return -e;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

static int
record_to_store(struct probe *p)
{
	struct swap_target t;
	char uuid[37], configured[32];
	int r;

	r = swaptarget_find(p, arg_root, arg_device,
	    arg_has_offset ? &arg_offset : NULL, &t);
	if (r == -ENODEV)
		log_error("no resume swap area is configured: set "
		    "xen_handover.resume= (or resume=) on the kernel command "
		    "line, see xen-handover check");
	else if (r == -ENOMEDIUM)
		log_error("cannot identify the resume swap area %s: "
		    "no swap UUID in its header", p->swap.device[0] ?
		    p->swap.device : arg_device);
	if (r < 0)
		return r == -ENAMETOOLONG ? EXIT_USAGE : EXIT_BLOCKED;
	r = swaptarget_write(NULL, p, arg_root, &t, &p->rec, configured,
	    sizeof(configured));
	if (configured[0])
		log_notice("the kernel refuses writes to the active swap area "
		    "unless it is the configured resume device: set "
		    "/sys/power/resume to %s (the area holds no image, so "
		    "nothing resumes)", configured);
	if (r < 0) {
		log_error("not writing the record to %s (page %" PRIu64
		    "): %s", t.path, t.offset, store_strerror(r));
		return r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_BLOCKED;
	}
	xh_format_uuid(t.uuid, uuid);
	if (arg_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_string(&j, "device", t.path);
		json_uint(&j, "offset", t.offset);
		json_string(&j, "swap_uuid", uuid);
		json_string(&j, "slot", swapslot_name((unsigned)r));
		json_uint(&j, "seq", p->rec.seq);
		json_string(&j, "state", record_state_to_string(p->rec.state));
		json_end_object(&j);
		json_finish(&j);
	} else {
		printf("Recorded in slot %s of %s (swap UUID %s, page %" PRIu64
		    "): sequence %" PRIu64 ", state %s, event channels %s.\n",
		    swapslot_name((unsigned)r), t.path, uuid, t.offset,
		    p->rec.seq,
		    record_state_to_string(p->rec.state),
		    evtchn_abi_to_string(p->rec.evtchn));
	}
	return EXIT_OK;
}

static int
cmd_show_slots(const char *dev)
{
	struct store_state st;
	char path[4096], text[4096];
	uint64_t off = arg_has_offset ? arg_offset : 0;
	struct probe *p = NULL;
	int r;

	if (dev) {
		if (xh_strlcpy(path, dev, sizeof(path)) >= sizeof(path))
			return EXIT_USAGE;
	} else {
		p = calloc(1, sizeof(*p));
		if (!p)
			return log_error_errno(-ENOMEM, "%m"), EXIT_SYSTEM;
		if (probe_or_fail(p) < 0) {
			free(p);
			return EXIT_SYSTEM;
		}
		if (!p->swap.device[0]) {
			free(p);
			log_error("no resume swap area is configured; name one: "
			    "show-slots DEV");
			return EXIT_USAGE;
		}
		if (!arg_has_offset)
			off = p->swap.resume_offset;
		r = root_path(arg_root, p->swap.device, path, sizeof(path));
		free(p);
		if (r < 0)
			return EXIT_USAGE;
	}
	r = store_read(path, off, &st);
	if (r < 0 && r != -ENOMSG) {
		log_error("%s: %s", path, store_strerror(r));
		return EXIT_SYSTEM;
	}
	if (arg_json) {
		struct json j;
		unsigned i;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_string(&j, "device", path);
		json_uint(&j, "offset", off);
		json_string(&j, "signature", swap_sig_to_string(st.hdr.sig));
		json_bool(&j, "writable", st.writable == 0);
		if (st.writable)
			json_string(&j, "not_writable_because",
			    store_strerror(st.writable));
		json_begin_array(&j, "slots");
		for (i = 0; i < SWAPSLOT_COUNT; i++) {
			const struct swapslot *sl = &st.slots.slot[i];

			json_begin_object(&j, NULL);
			json_string(&j, "slot", swapslot_name(i));
			json_string(&j, "state",
			    swapslot_state_to_string(sl->state));
			if (sl->state == SWAPSLOT_INVALID)
				json_string(&j, "error",
				    record_strerror(sl->error));
			if (sl->state == SWAPSLOT_VALID) {
				json_uint(&j, "seq", sl->rec.seq);
				json_string(&j, "record_state",
				    record_state_to_string(sl->rec.state));
				json_string(&j, "kernel",
				    sl->rec.kernel_release);
				json_string(&j, "evtchn",
				    evtchn_abi_to_string(sl->rec.evtchn));
			}
			json_bool(&j, "current",
			    st.slots.current == (int)i);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
		return EXIT_OK;
	}
	if (store_format_slots(&st, text, sizeof(text)) < 0)
		log_warning("slot listing truncated");
	printf("%s:\n%s", path, text);
	return EXIT_OK;
}

static int
cmd_record(void)
{
	uint8_t buf[RECORD_MAX_SIZE];
	struct record check_rec;
	struct probe *p;
	int r, n;

	r = probe_guest(&p);
	if (r != EXIT_OK)
		return r;
	p->rec.seq = arg_seq;
	if (arg_state)
		p->rec.state = (enum record_state)
		    record_state_from_string(arg_state);
	n = record_encode(&p->rec, buf, sizeof(buf));
	if (n < 0) {
		log_error("cannot encode the record: %s", record_strerror(n));
		r = EXIT_SYSTEM;
		goto out;
	}
	/* What we write must read back: never store what we can't load. */
	r = record_decode(buf, (size_t)n, &check_rec);
	if (r < 0) {
		log_error("record does not decode: %s", record_strerror(r));
		r = EXIT_SYSTEM;
		goto out;
	}
	if (arg_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_uint(&j, "size", (unsigned)n);
		json_bool(&j, "has_cmdline", check_rec.has_cmdline);
		json_string(&j, "payload", (const char *)buf +
		    RECORD_HDR_SIZE);
		json_end_object(&j);
		json_finish(&j);
	} else if (arg_dry_run) {
		printf("Record (%d bytes%s):\n", n, check_rec.has_cmdline ?
		    "" : "; command line kept as digest only");
		record_print_text(&check_rec, stdout);
		printf("Payload:\n%.*s", n - RECORD_HDR_SIZE,
		    (const char *)buf + RECORD_HDR_SIZE);
	}
	if (arg_output && !arg_dry_run) {
		r = write_file(arg_output, buf, (size_t)n);
		if (r < 0) {
			log_error_errno(r, "cannot write %s: %m", arg_output);
			r = EXIT_SYSTEM;
			goto out;
		}
		if (!arg_json)
			printf("Wrote a %d-byte record (sequence %" PRIu64
			    ", state %s) to %s\n", n, p->rec.seq,
			    record_state_to_string(p->rec.state), arg_output);
	} else if (!arg_dry_run) {
		r = record_to_store(p);
		goto out;
	}
	r = EXIT_OK;
out:
	free(p);
	return r;
}

static int
load_record(const char *path, struct record *rec)
{
	uint8_t buf[RECORD_MAX_SIZE];
	ssize_t n;
	int r;

	n = read_bin_at(NULL, path, buf, sizeof(buf));
	if (n == -EFBIG) {
		log_error("%s: larger than a record (%d bytes)", path,
		    RECORD_MAX_SIZE);
		return EXIT_BAD_RECORD;
	}
	if (n < 0)
		return log_error_errno((int)n, "cannot read %s: %m", path),
		    EXIT_SYSTEM;
	r = record_decode(buf, (size_t)n, rec);
	if (r < 0) {
		log_error("%s: invalid record: %s", path, record_strerror(r));
		return EXIT_BAD_RECORD;
	}
	return EXIT_OK;
}

static int
cmd_show_record(const char *path)
{
	struct record rec;
	int r;

	r = load_record(path, &rec);
	if (r != EXIT_OK)
		return r;
	if (arg_json) {
		uint8_t buf[RECORD_MAX_SIZE];
		struct json j;
		int n = record_encode(&rec, buf, sizeof(buf));

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_uint(&j, "seq", rec.seq);
		json_string(&j, "version", rec.ver_minor ? "1.x" : "1.0");
		json_string(&j, "payload", n > 0 ?
		    (const char *)buf + RECORD_HDR_SIZE : "");
		json_end_object(&j);
		json_finish(&j);
	} else {
		printf("Record %s:\n", path);
		record_print_text(&rec, stdout);
	}
	return EXIT_OK;
}

/* --- verdict --------------------------------------------------------- */

/*
 * The image's record from the resume swap area's slots: 1 found, 0 no
 * valid record (an unknown image), -ENOMSG no image at all (said here).
 */
static int
load_store_record(const struct probe *p, struct record *rec)
{
	struct store_state st;
	const struct record *cur;
	char path[4096];
	uint64_t off;
	int r;

	if (arg_device) {
		if (xh_strlcpy(path, arg_device, sizeof(path)) >= sizeof(path))
			return -ENAMETOOLONG;
	} else if (!p->swap.device[0]) {
		log_error("no resume swap area is configured; name the record "
		    "with --record FILE or the area with --device DEV");
		return -ENODEV;
	} else if ((r = root_path(arg_root, p->swap.device, path,
	    sizeof(path))) < 0) {
		return r;
	}
	off = arg_has_offset ? arg_offset : p->swap.resume_offset;
	r = store_read(path, off, &st);
	if (r < 0 && r != -ENOMSG)
		return log_error("%s: %s", path, store_strerror(r));
	if (r == -ENOMSG || !st.hdr.is_image) {
		printf("No hibernation image on %s (%s): nothing to resume, "
		    "the gate does nothing.\n", path,
		    r == -ENOMSG ? "no swap signature" :
		    swap_sig_to_string(st.hdr.sig));
		return -ENOMSG;
	}
	cur = swapslot_current(&st.slots);
	if (!cur) {
		log_warning("%s holds a hibernation image but no valid "
		    "record (slot A: %s, slot B: %s)", path,
		    swapslot_state_to_string(st.slots.slot[0].state),
		    swapslot_state_to_string(st.slots.slot[1].state));
		return 0;
	}
	*rec = *cur;
	return 1;
}

static int
resolve_policy(const struct probe *p, struct policy *pol)
{
	struct conf cfg;
	char msg[GATE_IGNORED_TEXT_MAX];
	int r;

	if (load_conf(&cfg) < 0)
		return -EINVAL;
	r = gate_resolve_policy(&cfg, &p->cmdline, arg_policy, pol);
	if (r) {
		gate_ignored_text(r, &p->cmdline, msg, sizeof(msg));
		log_warning("%s", msg);
	}
	return 0;
}

static int
cmd_verdict(void)
{
	struct record image, *img = NULL;
	struct diff_list diffs = { 0 };
	struct capabilities caps;
	struct decision dec;
	struct policy pol;
	struct probe *p;
	char fixed[CMDLINE_MAX], kpath[256];
	int r;

	r = probe_guest(&p);
	if (r != EXIT_OK)
		return r;
	if (resolve_policy(p, &pol) < 0) {
		r = EXIT_USAGE;
		goto out;
	}
	if (arg_record) {
		r = load_record(arg_record, &image);
		if (r == EXIT_SYSTEM)
			goto out;
		/* An invalid record is an unknown image: never half-use it. */
		if (r == EXIT_OK)
			img = &image;
	} else {
		r = load_store_record(p, &image);
		if (r < 0) {
			r = r == -ENOMSG ? EXIT_OK : EXIT_SYSTEM;
			goto out;
		}
		if (r > 0)
			img = &image;
	}
	if (img)
		verdict_compare(img, &p->rec, &diffs);
	/* The gate finds the kernel in the initramfs; here, in /boot. */
	gate_build_caps(p, p->kexec_tool, gate_find_kernel(arg_root, img,
	    GATE_KERNEL_ALLOW_BOOT, kpath, sizeof(kpath)) == 0,
	    arg_dom0_soft_reset, &caps);
	r = gate_decide(&pol, img, &diffs, &caps, &dec);
	if (r < 0) {
		log_error_errno(r, "cannot decide: %m");
		r = EXIT_SYSTEM;
		goto out;
	}
	fixed[0] = '\0';
	if ((dec.verdict == VERDICT_REPAIR || dec.verdict == VERDICT_REFUSE) &&
	    gate_cmdline(p->cmdline_raw, img, &diffs, &dec, fixed,
	    sizeof(fixed)) < 0)
		fixed[0] = '\0';

	if (arg_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_string(&j, "verdict", verdict_to_string(dec.verdict));
		json_string(&j, "policy", policy_mode_to_string(pol.mode));
		json_string(&j, "reason", dec.reason);
		json_bool(&j, "record_valid", img != NULL);
		gate_json_differences(&j, &diffs);
		json_string(&j, "action", gate_action_text(dec.verdict));
		if (fixed[0])
			json_string(&j, "cmdline", fixed);
		json_end_object(&j);
		json_finish(&j);
	} else {
		if (img) {
			printf("Image record:\n");
			record_print_text(img, stdout);
		} else {
			printf("Image record: none valid%s\n", arg_record ?
			    "" : " (no --record given)");
		}
		if (img && diffs.n == 0)
			printf("Differences: none\n");
		gate_print_differences(stdout, &diffs, true);
		printf("Verdict: %s (policy %s)\n",
		    verdict_to_string(dec.verdict),
		    policy_mode_to_string(pol.mode));
		printf("Reason: %s\n", dec.reason);
		printf("Gate action: %s.\n", gate_action_text(dec.verdict));
		if (dec.verdict == VERDICT_REPAIR && fixed[0])
			printf("kexec command line: %s\n", fixed);
		else if (dec.verdict == VERDICT_REFUSE && fixed[0] &&
		    strcmp(fixed, p->cmdline_raw) != 0)
			printf("To resume this image, boot with:\n  %s\n",
			    fixed);
	}
	switch (dec.verdict) {
	case VERDICT_PROCEED:
		r = EXIT_OK;
		break;
	case VERDICT_REPAIR:
		r = EXIT_REPAIR;
		break;
	case VERDICT_FORCE:
		r = EXIT_FORCE;
		break;
	default:
		r = EXIT_BLOCKED;
	}
out:
	free(p);
	return r;
}

/* Options of the common parser that take a value (for the pre-scan). */
static bool
takes_value(const char *opt)
{
	static const char *const with_value[] = { "-r", "--root", "-p",
		"--policy", "-o", "--output", "-R", "--record", "--state",
		"--seq", "--now", "--device", "--offset", "--timeout",
		"--kexec", "--resume", "--resume-offset", NULL };
	size_t i;

	if (strchr(opt, '='))
		return false;
	for (i = 0; with_value[i]; i++)
		if (streq(opt, with_value[i]))
			return true;
	/* -rDIR and friends carry their value. */
	return false;
}

/*
 * Commands with options of their own get the argument vector without
 * the command word. Returns the handler or NULL.
 */
static int (*find_own_parser(int argc, char **argv, int *cmd_index))(int,
    char **)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (streq(argv[i], "--"))
			return NULL;
		if (argv[i][0] == '-') {
			if (takes_value(argv[i]))
				i++;
			continue;
		}
		*cmd_index = i;
		if (streq(argv[i], "gate"))
			return gate_main;
		if (streq(argv[i], "setup"))
			return setup_main;
		return NULL;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int (*own)(int, char **);
	const char *cmd;
	int r, ci = 0;

	log_init("xen-handover", LOG_INFO);
	own = find_own_parser(argc, argv, &ci);
	if (own) {
		memmove(&argv[ci], &argv[ci + 1],
		    (size_t)(argc - ci) * sizeof(argv[0]));
		return own(argc - 1, argv);
	}
	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_OK;
	if (optind >= argc) {
		help();
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	if (streq(cmd, "show-record")) {
		if (optind >= argc) {
			log_error("show-record needs a file");
			return EXIT_USAGE;
		}
		arg_record = argv[optind++];
	} else if (streq(cmd, "show-slots") && optind < argc) {
		arg_device = argv[optind++];
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (streq(cmd, "status"))
		r = cmd_status();
	else if (streq(cmd, "check"))
		r = cmd_check();
	else if (streq(cmd, "record"))
		r = cmd_record();
	else if (streq(cmd, "verdict"))
		r = cmd_verdict();
	else if (streq(cmd, "show-record"))
		r = cmd_show_record(arg_record);
	else if (streq(cmd, "show-slots"))
		r = cmd_show_slots(arg_device);
	else {
		log_error("unknown command '%s'; see --help", cmd);
		return EXIT_USAGE;
	}
	return r;
}
