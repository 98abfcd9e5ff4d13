// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handover-dom0: the operator's view of the dom0 companion's state
 * (xen-handover-dom0(8)). It reads the entries under --state-dir, asks
 * the hypervisor (libxenctrl, or --hv-fixture) for validate and
 * preflight, and writes nothing but its output and, with --prometheus,
 * a text file for node_exporter. It never writes xenstore.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dom0d-io.h"
#include "dom0d.h"
#include "hv.h"
#include "gate.h"
#include "json.h"
#include "log.h"
#include "util.h"

enum {
	XD_OK = 0,		/* safe, or nothing to judge */
	XD_UNSAFE = 1,
	XD_USAGE = 2,
	XD_NOT_FOUND = 3,
	XD_SYSTEM = 4,
	XD_UNKNOWN = 5,		/* a verdict could not be reached */
};

static const char usage[] =
"Usage: xen-handover-dom0 [OPTION]... COMMAND [ARG]\n"
"\n"
"Commands:\n"
"  list                         every domain UUID dom0 keeps an entry for\n"
"  show DOMAIN|UUID             one entry in full\n"
"  validate DOMAIN|UUID|--all   judge pending images against this host\n"
"  preflight --xen X.Y [--features HEX]\n"
"                               which pending images would be unsafe on\n"
"                               Xen X.Y (offering XENFEAT bits HEX)?\n"
"DOMAIN is a domain id or a toolstack name.\n"
"\n"
"Options:\n"
"  --state-dir DIR     entries under DIR/domains (" DOM0D_STATE_DIR ")\n"
"  --json              JSON output\n"
"  --prometheus FILE   also write a Prometheus text file\n"
"  --hv-fixture FILE   hypervisor facts from FILE instead of libxenctrl\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 safe or nothing to judge, 1 unsafe, 2 usage, 3 no such\n"
"domain, 4 system error, 5 a verdict could not be reached.\n";

static const char *arg_state_dir = DOM0D_STATE_DIR;
static const char *arg_prometheus;
static const char *arg_fixture;
static bool arg_json;
static bool arg_all;
static const char *arg_xen;
static const char *arg_features;

struct entries {
	struct dom0d_entry *e;
	size_t n, cap;
	size_t bad;
};

static int
collect_cb(const struct dom0d_entry *e, void *userdata)
{
	struct entries *es = userdata;

	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 64;
		struct dom0d_entry *g = realloc(es->e, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		es->e = g;
		es->cap = cap;
	}
	es->e[es->n++] = *e;
	return 0;
}

static void
bad_cb(const char *name, int err, void *userdata)
{
	struct entries *es = userdata;

	es->bad++;
	log_warning("%s/%s/%s: %s, skipped", arg_state_dir,
	    DOM0D_DOMAINS_SUBDIR, name, err == -EFBIG ? "too large" :
	    err == -ENOMEM ? "out of memory" : "not a valid entry");
}

static int
load_all(struct entries *es)
{
	struct dom0d_store *s;
	int r;

	memset(es, 0, sizeof(*es));
	r = dom0d_store_open(arg_state_dir, false, &s);
	if (r == -ENOENT)
		return 0;	/* no state yet: nothing kept */
	if (r < 0)
		return log_error_errno(r, "%s/%s: %m", arg_state_dir,
		    DOM0D_DOMAINS_SUBDIR);
	r = dom0d_store_foreach(s, collect_cb, bad_cb, es);
	dom0d_store_close(s);
	if (r == -E2BIG) {
		log_warning("more than %d entries: only the first were read",
		    DOM0D_STORE_MAX);
		r = 0;
	}
	if (r < 0)
		return log_error_errno(r, "reading the entries: %m");
	return 0;
}

static int
open_hv(struct hv **ret)
{
	char err[192];
	int r;

	if (arg_fixture) {
		r = hv_fixture_open(arg_fixture, ret, err, sizeof(err));
		if (r < 0)
			log_error("%s: %s", arg_fixture, err);
		return r;
	}
	r = hv_xenctrl_open(ret);
	if (r < 0)
		log_error_errno(r, "cannot reach the hypervisor (libxenctrl): "
		    "%m");
	return r;
}

/* Indexes of the entries DOMAIN|UUID names: -ENOENT, -ENOTUNIQ. */
static int
find(const struct entries *es, const char *what, struct hv *hv,
    size_t *ret)
{
	unsigned long long id;
	uint8_t uuid[16];
	size_t i, hits = 0;
	struct hv_domain dom;

	if (xh_parse_uuid(what, uuid) == 0) {
		for (i = 0; i < es->n; i++)
			if (memcmp(es->e[i].uuid, uuid, 16) == 0) {
				*ret = i;
				return 0;
			}
		return -ENOENT;
	}
	if (xh_parse_u64(what, 10, &id) == 0 && id < HV_DOMID_LIMIT) {
		/* A live domain's UUID first; else the last domid kept. */
		if (hv && hv_domain_get(hv, (uint32_t)id, &dom) == 0) {
			for (i = 0; i < es->n; i++)
				if (memcmp(es->e[i].uuid, dom.uuid, 16) == 0) {
					*ret = i;
					return 0;
				}
			return -ENOENT;
		}
		for (i = 0; i < es->n; i++)
			if (es->e[i].has_domid && es->e[i].domid == id) {
				*ret = i;
				hits++;
			}
	} else {
		for (i = 0; i < es->n; i++)
			if (streq(es->e[i].name, what)) {
				*ret = i;
				hits++;
			}
	}
	if (hits == 0)
		return -ENOENT;
	return hits == 1 ? 0 : -ENOTUNIQ;
}

static void
fmt_time(int64_t t, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, bufsz, "-");
}

static void
json_record(struct json *j, const char *key, const struct record *r)
{
	char hex[2 * RECORD_BUILD_ID_MAX + 1], xv[48];

	json_begin_object(j, key);
	json_uint(j, "seq", r->seq);
	json_string(j, "state", record_state_to_string(r->state));
	json_string(j, "guest_type", guest_type_to_string(r->guest_type));
	if (r->has_xen_version) {
		snprintf(xv, sizeof(xv), "%u.%u%s", r->xen_major, r->xen_minor,
		    r->xen_extra);
		json_string(j, "xen_version", xv);
	} else {
		json_null(j, "xen_version");
	}
	if (r->has_xen_features) {
		snprintf(xv, sizeof(xv), "%08x", r->xen_features);
		json_string(j, "xen_features", xv);
	} else {
		json_null(j, "xen_features");
	}
	json_string(j, "kernel_release", r->kernel_release);
	if (r->build_id_len) {
		xh_hex(r->build_id, r->build_id_len, hex);
		json_string(j, "build_id", hex);
	}
	json_string(j, "evtchn", evtchn_abi_to_string(r->evtchn));
	json_int(j, "gnttab_version", r->gnttab_version);
	json_uint(j, "vcpus", r->vcpus_possible);
	json_uint(j, "ram_kib", r->ram_kib);
	json_int(j, "created", r->created);
	json_end_object(j);
}

static void
json_check(struct json *j, const char *key, const struct dom0d_check *c)
{
	json_begin_object(j, key);
	json_string(j, "verdict", host_verdict_to_string(c->verdict));
	json_string(j, "scope", c->scope == SCOPE_DOMAIN ? "domain" : "host");
	json_bool(j, "pending", c->pending);
	json_bool(j, "repairable", c->repairable);
	json_string(j, "reason", c->reason);
	gate_json_differences(j, &c->diffs);
	json_end_object(j);
}

static void
json_entry(struct json *j, const struct dom0d_entry *e, bool full)
{
	char uuid[37], fields[DOM0D_FIELDS_TEXT_MAX];

	xh_format_uuid(e->uuid, uuid);
	json_string(j, "uuid", uuid);
	json_string(j, "name", e->name);
	if (e->has_domid)
		json_uint(j, "domid", e->domid);
	else
		json_null(j, "domid");
	json_string(j, "phase", dom0d_phase_to_string(e->phase));
	json_bool(j, "image_pending", dom0d_entry_pending(e));
	json_string(j, "verdict", host_verdict_to_string(e->verdict));
	json_string(j, "verdict_reason", e->verdict_reason);
	json_int(j, "updated", e->updated);
	json_string(j, "outcome", dom0d_outcome_to_string(e->outcome));
	if (e->has_record)
		json_uint(j, "record_seq", e->rec.seq);
	else
		json_null(j, "record_seq");
	if (!full)
		return;
	dom0d_fields_to_string(e->verdict_fields, fields, sizeof(fields));
	json_string(j, "verdict_fields", fields);
	json_int(j, "verdict_time", e->verdict_time);
	if (e->has_report) {
		json_begin_object(j, "report");
		json_string(j, "state", guest_state_to_string(e->report_state));
		json_uint(j, "seq", e->report_seq);
		json_int(j, "updated", e->report_updated);
		json_string(j, "gate", e->gate);
		json_end_object(j);
	}
	if (e->has_record)
		json_record(j, "record", &e->rec);
	if (e->has_snapshot) {
		char xv[48];

		json_begin_object(j, "snapshot");
		json_int(j, "taken", e->snap.taken);
		json_uint(j, "max_pages", e->snap.max_pages);
		json_uint(j, "tot_pages", e->snap.tot_pages);
		json_uint(j, "max_vcpus", e->snap.max_vcpus);
		json_string(j, "guest_type",
		    guest_type_to_string(e->snap.type));
		json_int(j, "gnttab_version", e->snap.gnttab);
		snprintf(xv, sizeof(xv), "%u.%u%s", e->snap.xen_major,
		    e->snap.xen_minor, e->snap.xen_extra);
		json_string(j, "xen_version", xv);
		if (e->snap.has_features) {
			snprintf(xv, sizeof(xv), "%08x", e->snap.features);
			json_string(j, "xen_features", xv);
		}
		json_end_object(j);
	}
	json_int(j, "closed", e->closed);
	dom0d_fields_to_string(e->cross_fields, fields, sizeof(fields));
	json_string(j, "cross_fields", fields);
	if (e->last_shutdown >= 0 &&
	    hv_shutdown_to_string((unsigned int)e->last_shutdown))
		json_string(j, "last_shutdown",
		    hv_shutdown_to_string((unsigned int)e->last_shutdown));
	else if (e->last_shutdown >= 0)
		json_int(j, "last_shutdown", e->last_shutdown);
	else
		json_null(j, "last_shutdown");
	json_uint(j, "hibernations", e->hibernations);
	json_uint(j, "resumes", e->resumes);
	json_uint(j, "soft_resets", e->soft_resets);
	json_uint(j, "refusals", e->refusals);
}

static int
export(const struct entries *es, const struct dom0d_check *checks,
    const struct dom0d_check *pre, const char *target)
{
	struct dom0d_prom_row *rows;
	size_t i;
	int r;

	if (!arg_prometheus)
		return 0;
	rows = calloc(es->n ? es->n : 1, sizeof(*rows));
	if (!rows)
		return log_error_errno(ENOMEM, "out of memory");
	for (i = 0; i < es->n; i++) {
		rows[i].e = &es->e[i];
		rows[i].check = checks ? &checks[i] : NULL;
		rows[i].preflight = pre ? &pre[i] : NULL;
	}
	r = dom0d_prom_write(arg_prometheus, rows, es->n, target, NULL,
	    (int64_t)time(NULL));
	free(rows);
	if (r < 0)
		return log_error_errno(r, "%s: %m", arg_prometheus);
	return 0;
}

static int
cmd_list(const struct entries *es)
{
	char uuid[37], when[32], domid[12];
	struct json j;
	size_t i;

	if (arg_json) {
		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "domains");
		for (i = 0; i < es->n; i++) {
			json_begin_object(&j, NULL);
			json_entry(&j, &es->e[i], false);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	} else {
		printf("%-36s  %-16s %5s  %-11s %-7s  %s\n", "UUID", "NAME",
		    "DOMID", "PHASE", "VERDICT", "UPDATED");
		for (i = 0; i < es->n; i++) {
			const struct dom0d_entry *e = &es->e[i];

			xh_format_uuid(e->uuid, uuid);
			fmt_time(e->updated, when, sizeof(when));
			if (e->has_domid)
				snprintf(domid, sizeof(domid), "%" PRIu32,
				    e->domid);
			else
				snprintf(domid, sizeof(domid), "-");
			printf("%-36s  %-16s %5s  %-11s %-7s  %s\n", uuid,
			    e->name[0] ? e->name : "-", domid,
			    dom0d_phase_to_string(e->phase),
			    host_verdict_to_string(e->verdict), when);
		}
	}
	return export(es, NULL, NULL, NULL) < 0 ? XD_SYSTEM : XD_OK;
}

static int
cmd_show(const struct entries *es, size_t k)
{
	const struct dom0d_entry *e = &es->e[k];
	char uuid[37], when[32], fields[DOM0D_FIELDS_TEXT_MAX];
	struct json j;

	if (arg_json) {
		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_entry(&j, e, true);
		json_end_object(&j);
		json_finish(&j);
		return export(es, NULL, NULL, NULL) < 0 ? XD_SYSTEM : XD_OK;
	}
	xh_format_uuid(e->uuid, uuid);
	printf("uuid:          %s\n", uuid);
	printf("name:          %s\n", e->name[0] ? e->name : "-");
	if (e->has_domid)
		printf("domid:         %" PRIu32 "\n", e->domid);
	printf("phase:         %s%s\n", dom0d_phase_to_string(e->phase),
	    dom0d_entry_pending(e) ? " (image pending)" : "");
	fmt_time(e->updated, when, sizeof(when));
	printf("updated:       %s\n", when);
	printf("verdict:       %s\n", host_verdict_to_string(e->verdict));
	if (e->verdict_reason[0])
		printf("reason:        %s\n", e->verdict_reason);
	if (e->has_report)
		printf("report:        %s, seq %" PRIu64 "%s%s\n",
		    guest_state_to_string(e->report_state), e->report_seq,
		    e->gate[0] ? ", gate " : "", e->gate);
	if (e->has_record) {
		const struct record *r = &e->rec;

		printf("record:        seq %" PRIu64 ", %s, %s\n", r->seq,
		    record_state_to_string(r->state),
		    guest_type_to_string(r->guest_type));
		printf("  kernel:      %s\n", r->kernel_release);
		if (r->has_xen_version)
			printf("  xen:         %u.%u%s\n", r->xen_major,
			    r->xen_minor, r->xen_extra);
		printf("  evtchn:      %s\n", evtchn_abi_to_string(r->evtchn));
		printf("  gnttab:      %d\n", r->gnttab_version);
		printf("  vcpus:       %u\n", r->vcpus_possible);
		printf("  ram:         %" PRIu64 " KiB\n", r->ram_kib);
	}
	if (e->has_snapshot) {
		fmt_time(e->snap.taken, when, sizeof(when));
		printf("snapshot:      %s: %s, %u vCPUs, maxmem %" PRIu64
		    " KiB, grant v%d, Xen %u.%u%s\n", when,
		    guest_type_to_string(e->snap.type), e->snap.max_vcpus,
		    e->snap.max_pages * 4, e->snap.gnttab, e->snap.xen_major,
		    e->snap.xen_minor, e->snap.xen_extra);
	}
	if (e->outcome != OUTCOME_NONE) {
		fmt_time(e->closed, when, sizeof(when));
		dom0d_fields_to_string(e->cross_fields, fields,
		    sizeof(fields));
		printf("outcome:       %s at %s%s%s\n",
		    dom0d_outcome_to_string(e->outcome), when,
		    fields[0] ? ", differing: " : "", fields);
	}
	printf("counts:        %u hibernations, %u resumes, %u soft resets, "
	    "%u refusals\n", e->hibernations, e->resumes, e->soft_resets,
	    e->refusals);
	return export(es, NULL, NULL, NULL) < 0 ? XD_SYSTEM : XD_OK;
}

static int
worst(int acc, int verdict)
{
	if (verdict == HOST_VERDICT_UNSAFE)
		return XD_UNSAFE;
	if (verdict == HOST_VERDICT_UNKNOWN && acc == XD_OK)
		return XD_UNKNOWN;
	return acc;
}

static void
print_check(const struct dom0d_entry *e, const struct dom0d_check *c)
{
	char uuid[37];
	size_t i;

	xh_format_uuid(e->uuid, uuid);
	printf("%s %s: %s (%s)%s\n", uuid, e->name[0] ? e->name : "-",
	    host_verdict_to_string(c->verdict),
	    c->scope == SCOPE_DOMAIN ? "domain" : "host",
	    c->repairable ? ", repairable" : "");
	printf("  %s\n", c->reason);
	for (i = 0; i < c->diffs.n; i++) {
		const struct difference *d = &c->diffs.d[i];

		if (d->severity == SEV_INFO)
			continue;
		printf("  - %s [%s]: %s\n", field_to_string(d->field),
		    severity_to_string(d->severity), d->detail);
	}
}

/* Is the live domain's grant table settled? The CLI cannot know when its
 * kernel started: an entry resuming for under 30 s is not. */
static bool
cli_settled(const struct dom0d_entry *e)
{
	return e->phase != PHASE_RESUMING ||
	    (int64_t)time(NULL) - e->updated >= 30;
}

static int
cmd_validate(const struct entries *es, const char *what)
{
	struct dom0d_check *checks = NULL;
	struct hv_domain *doms = NULL;
	struct hv_host host;
	struct hv *hv = NULL;
	struct json j;
	size_t i, k = 0, from, to;
	int n, r, ret = XD_OK;

	if (open_hv(&hv) < 0)
		return XD_SYSTEM;
	r = hv_host(hv, &host);
	if (r < 0) {
		log_error_errno(r, "cannot read the host's Xen facts: %m");
		ret = XD_SYSTEM;
		goto out;
	}
	n = hv_list_all(hv, HV_DOMID_LIMIT, &doms);
	if (n < 0) {
		log_error_errno(n, "cannot list the domains: %m");
		ret = XD_SYSTEM;
		goto out;
	}
	if (!arg_all) {
		r = find(es, what, hv, &k);
		if (r < 0) {
			log_error("%s: %s", what, r == -ENOTUNIQ ?
			    "names more than one entry; use its UUID" :
			    "no entry for that domain");
			ret = XD_NOT_FOUND;
			goto out;
		}
	}
	from = arg_all ? 0 : k;
	to = arg_all ? es->n : k + 1;
	checks = calloc(es->n ? es->n : 1, sizeof(*checks));
	if (!checks) {
		ret = XD_SYSTEM;
		goto out;
	}
	for (i = 0; i < es->n; i++)
		checks[i].verdict = es->e[i].verdict;
	if (arg_json) {
		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "domains");
	}
	for (i = from; i < to; i++) {
		const struct dom0d_entry *e = &es->e[i];
		const struct hv_domain *dom = NULL;
		struct dom0d_view v;
		int m;

		for (m = 0; m < n; m++)
			if (memcmp(doms[m].uuid, e->uuid, 16) == 0)
				dom = &doms[m];
		v.host = &host;
		v.dom = dom;
		v.gnttab = dom ? hv_gnttab_version(hv, dom->domid) : -1;
		v.settled = cli_settled(e);
		dom0d_validate(e, &v, &checks[i]);
		if (dom0d_entry_pending(e))
			ret = worst(ret, checks[i].verdict);
		if (arg_json) {
			json_begin_object(&j, NULL);
			json_entry(&j, e, false);
			json_check(&j, "check", &checks[i]);
			json_end_object(&j);
		} else if (dom0d_entry_pending(e) || !arg_all) {
			print_check(e, &checks[i]);
		}
	}
	if (arg_json) {
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	}
	if (export(es, checks, NULL, NULL) < 0)
		ret = XD_SYSTEM;
out:
	free(checks);
	free(doms);
	hv_free(hv);
	return ret;
}

static int
cmd_preflight(const struct entries *es)
{
	struct dom0d_check *pre;
	unsigned long long f = 0;
	unsigned int major, minor;
	char target[16];
	struct json j;
	size_t i, unsafe = 0, pending = 0;
	int ret = XD_OK;

	if (!arg_xen || dom0d_parse_xen_version(arg_xen, &major, &minor) < 0) {
		log_error("preflight needs --xen X.Y (e.g. 4.19)");
		return XD_USAGE;
	}
	if (arg_features && (xh_parse_u64(arg_features,
	    startswith(arg_features, "0x") ? 0 : 16, &f) < 0 ||
	    f > UINT32_MAX)) {
		log_error("--features: 8 hex digits expected, got \"%s\"",
		    arg_features);
		return XD_USAGE;
	}
	snprintf(target, sizeof(target), "%u.%u", major, minor);
	pre = calloc(es->n ? es->n : 1, sizeof(*pre));
	if (!pre)
		return XD_SYSTEM;
	if (arg_json) {
		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_string(&j, "target", target);
		if (arg_features)
			json_uint(&j, "features", f);
		json_begin_array(&j, "domains");
	}
	for (i = 0; i < es->n; i++) {
		const struct dom0d_entry *e = &es->e[i];

		dom0d_preflight(e, major, minor, arg_features != NULL,
		    (uint32_t)f, &pre[i]);
		if (!dom0d_entry_pending(e))
			continue;
		pending++;
		ret = worst(ret, pre[i].verdict);
		if (pre[i].verdict == HOST_VERDICT_UNSAFE)
			unsafe++;
		if (arg_json) {
			json_begin_object(&j, NULL);
			json_entry(&j, e, false);
			json_check(&j, "preflight", &pre[i]);
			json_end_object(&j);
		} else {
			print_check(e, &pre[i]);
		}
	}
	if (arg_json) {
		json_end_array(&j);
		json_uint(&j, "pending", pending);
		json_uint(&j, "unsafe", unsafe);
		json_end_object(&j);
		json_finish(&j);
	} else {
		printf("Xen %s: %zu of %zu pending images unsafe\n", target,
		    unsafe, pending);
	}
	if (export(es, NULL, pre, target) < 0)
		ret = XD_SYSTEM;
	free(pre);
	return ret;
}

int
main(int argc, char **argv)
{
	enum { O_STATE = 256, O_JSON, O_PROM, O_FIX, O_ALL, O_XEN, O_FEAT };
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "json", no_argument, NULL, O_JSON },
		{ "prometheus", required_argument, NULL, O_PROM },
		{ "hv-fixture", required_argument, NULL, O_FIX },
		{ "all", no_argument, NULL, O_ALL },
		{ "xen", required_argument, NULL, O_XEN },
		{ "features", required_argument, NULL, O_FEAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct entries es;
	const char *cmd;
	size_t k;
	int c, r, ret;

	log_init("xen-handover-dom0", LOG_INFO);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_STATE:
			arg_state_dir = optarg;
			break;
		case O_JSON:
			arg_json = true;
			break;
		case O_PROM:
			arg_prometheus = optarg;
			break;
		case O_FIX:
			arg_fixture = optarg;
			break;
		case O_ALL:
			arg_all = true;
			break;
		case O_XEN:
			arg_xen = optarg;
			break;
		case O_FEAT:
			arg_features = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return XD_OK;
		default:
			fputs(usage, stderr);
			return XD_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return XD_USAGE;
	}
	cmd = argv[optind++];
	if (streq(cmd, "list") || streq(cmd, "preflight")) {
		if (optind != argc || arg_all ||
		    (streq(cmd, "list") && (arg_xen || arg_features))) {
			fputs(usage, stderr);
			return XD_USAGE;
		}
	} else if (streq(cmd, "show") || streq(cmd, "validate")) {
		bool all_ok = streq(cmd, "validate") && arg_all;

		if (arg_xen || arg_features || (arg_all && !all_ok) ||
		    (all_ok ? optind != argc : optind + 1 != argc)) {
			fputs(usage, stderr);
			return XD_USAGE;
		}
	} else {
		log_error("unknown command \"%s\"", cmd);
		fputs(usage, stderr);
		return XD_USAGE;
	}

	if (load_all(&es) < 0)
		return XD_SYSTEM;
	if (streq(cmd, "list")) {
		ret = cmd_list(&es);
	} else if (streq(cmd, "preflight")) {
		ret = cmd_preflight(&es);
	} else if (streq(cmd, "validate")) {
		ret = cmd_validate(&es, arg_all ? NULL : argv[optind]);
	} else {
		struct hv *hv = NULL;
		char err[8];

		/* A domain id is resolved through the hypervisor when it
		 * can be reached; otherwise by the last domid kept. */
		if (arg_fixture)
			(void)hv_fixture_open(arg_fixture, &hv, err,
			    sizeof(err));
		else
			(void)hv_xenctrl_open(&hv);
		r = find(&es, argv[optind], hv, &k);
		hv_free(hv);
		if (r < 0) {
			log_error("%s: %s", argv[optind], r == -ENOTUNIQ ?
			    "names more than one entry; use its UUID" :
			    "no entry for that domain");
			ret = XD_NOT_FOUND;
		} else {
			ret = cmd_show(&es, k);
		}
	}
	free(es.e);
	return ret;
}
