// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion's per-UUID entry as text (xen-handover-dom0d(8),
 * FILES): a header line "xen-handover-dom0d-entry 1", then one key=value
 * line per field, printable ASCII only. The hibernation record travels as
 * the hex of record_encode(), envelope and CRC32C included, so a damaged
 * file cannot pass a damaged record. Pure: no I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dom0d.h"
#include "util.h"

#define ENTRY_HEADER "xen-handover-dom0d-entry 1"
#define RECORD_HEX_MAX (2 * RECORD_MAX_SIZE)

static const char *const phase_names[_PHASE_MAX] = {
	[PHASE_NONE] = "none",
	[PHASE_RUNNING] = "running",
	[PHASE_HIBERNATING] = "hibernating",
	[PHASE_HIBERNATED] = "hibernated",
	[PHASE_RESUMING] = "resuming",
	[PHASE_CLOSED] = "closed",
};

static const char *const outcome_names[_OUTCOME_MAX] = {
	[OUTCOME_NONE] = "none",
	[OUTCOME_RESUMED] = "resumed",
	[OUTCOME_RESUMED_MISMATCH] = "resumed-mismatch",
	[OUTCOME_DEGRADED] = "degraded",
	[OUTCOME_NOT_RESUMED] = "not-resumed",
	[OUTCOME_ABORTED] = "aborted",
};

/* Keys, in the order they are written. */
enum key {
	K_UUID, K_NAME, K_DOMID, K_PHASE, K_UPDATED,
	K_REPORT_STATE, K_REPORT_SEQ, K_REPORT_UPDATED, K_GATE,
	K_RECORD,
	K_SNAP_TAKEN, K_SNAP_MAX_PAGES, K_SNAP_TOT_PAGES, K_SNAP_VCPUS,
	K_SNAP_TYPE, K_SNAP_GNTTAB, K_SNAP_XEN, K_SNAP_FEATURES,
	K_VERDICT, K_VERDICT_SEQ, K_VERDICT_TIME, K_VERDICT_FIELDS,
	K_VERDICT_REASON,
	K_OUTCOME, K_CLOSED, K_CROSS_FIELDS, K_LAST_SHUTDOWN,
	K_HIBERNATIONS, K_RESUMES, K_SOFT_RESETS, K_REFUSALS,
	_K_MAX,
};

static const char *const key_names[_K_MAX] = {
	[K_UUID] = "uuid",
	[K_NAME] = "name",
	[K_DOMID] = "domid",
	[K_PHASE] = "phase",
	[K_UPDATED] = "updated",
	[K_REPORT_STATE] = "report-state",
	[K_REPORT_SEQ] = "report-seq",
	[K_REPORT_UPDATED] = "report-updated",
	[K_GATE] = "gate",
	[K_RECORD] = "record",
	[K_SNAP_TAKEN] = "snap-taken",
	[K_SNAP_MAX_PAGES] = "snap-max-pages",
	[K_SNAP_TOT_PAGES] = "snap-tot-pages",
	[K_SNAP_VCPUS] = "snap-vcpus",
	[K_SNAP_TYPE] = "snap-type",
	[K_SNAP_GNTTAB] = "snap-gnttab",
	[K_SNAP_XEN] = "snap-xen",
	[K_SNAP_FEATURES] = "snap-features",
	[K_VERDICT] = "verdict",
	[K_VERDICT_SEQ] = "verdict-seq",
	[K_VERDICT_TIME] = "verdict-time",
	[K_VERDICT_FIELDS] = "verdict-fields",
	[K_VERDICT_REASON] = "verdict-reason",
	[K_OUTCOME] = "outcome",
	[K_CLOSED] = "closed",
	[K_CROSS_FIELDS] = "cross-fields",
	[K_LAST_SHUTDOWN] = "last-shutdown",
	[K_HIBERNATIONS] = "hibernations",
	[K_RESUMES] = "resumes",
	[K_SOFT_RESETS] = "soft-resets",
	[K_REFUSALS] = "refusals",
};

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void out_printf(struct out *o, const char *fmt, ...) _printf_(2, 3);

static void
out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

static const char *
name_or(const char *const *names, size_t n, int i, const char *dflt)
{
	return i >= 0 && (size_t)i < n && names[i] ? names[i] : dflt;
}

static int
index_in(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && streq(names[i], s))
			return (int)i;
	return -EINVAL;
}

const char *
dom0d_phase_to_string(enum dom0d_phase p)
{
	return name_or(phase_names, _PHASE_MAX, (int)p, "invalid");
}

int
dom0d_phase_from_string(const char *s)
{
	return index_in(phase_names, _PHASE_MAX, s);
}

const char *
dom0d_outcome_to_string(enum dom0d_outcome o)
{
	return name_or(outcome_names, _OUTCOME_MAX, (int)o, "invalid");
}

int
dom0d_outcome_from_string(const char *s)
{
	return index_in(outcome_names, _OUTCOME_MAX, s);
}

void
dom0d_fields_to_string(uint32_t fields, char *buf, size_t bufsz)
{
	struct out o = { .buf = buf, .size = bufsz };
	const char *sep = "";
	int f;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	for (f = 0; f < _FIELD_MAX; f++) {
		if (!(fields & (UINT32_C(1) << f)))
			continue;
		out_printf(&o, "%s%s", sep, field_to_string((enum field)f));
		sep = ",";
	}
	if (o.full)
		buf[o.len] = '\0';
}

int
dom0d_fields_from_string(const char *s, uint32_t *ret)
{
	uint32_t fields = 0;
	const char *p = s;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int f, found = -1;

		for (f = 0; f < _FIELD_MAX; f++) {
			const char *name = field_to_string((enum field)f);

			if (strlen(name) == len && memcmp(name, p, len) == 0)
				found = f;
		}
		if (found < 0 || (fields & (UINT32_C(1) << found)))
			return -EINVAL;
		fields |= UINT32_C(1) << found;
		if (!comma)
			break;
		p = comma + 1;
		if (!*p)
			return -EINVAL;
	}
	*ret = fields;
	return 0;
}

bool
dom0d_entry_pending(const struct dom0d_entry *e)
{
	return e->has_record && (e->phase == PHASE_HIBERNATING ||
	    e->phase == PHASE_HIBERNATED || e->phase == PHASE_RESUMING);
}

void
dom0d_sanitize_name(const char *in, size_t len, char *out, size_t outsz)
{
	size_t i, max = outsz ? outsz - 1 : 0;

	if (outsz == 0)
		return;
	if (max > DOM0D_NAME_MAX)
		max = DOM0D_NAME_MAX;
	for (i = 0; i < len && i < max; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

void
dom0d_entry_init(struct dom0d_entry *e, const uint8_t uuid[16])
{
	memset(e, 0, sizeof(*e));
	if (uuid)
		memcpy(e->uuid, uuid, sizeof(e->uuid));
	record_init(&e->rec);
	e->verdict = HOST_VERDICT_UNKNOWN;
	e->last_shutdown = -1;
	e->snap.type = GUEST_UNKNOWN;
}


int
dom0d_entry_encode(const struct dom0d_entry *e, char *buf, size_t bufsz)
{
	struct out o = { .buf = buf, .size = bufsz };
	char uuid[37], fields[DOM0D_FIELDS_TEXT_MAX];

	if (bufsz == 0)
		return -ENOBUFS;
	if ((unsigned int)e->phase >= _PHASE_MAX ||
	    (unsigned int)e->outcome >= _OUTCOME_MAX ||
	    e->verdict < HOST_VERDICT_UNKNOWN ||
	    e->verdict > HOST_VERDICT_UNSAFE || !xh_printable(e->name) ||
	    !xh_printable(e->verdict_reason) || !xh_printable(e->gate) ||
	    strlen(e->name) > DOM0D_NAME_MAX ||
	    strlen(e->verdict_reason) > DOM0D_REASON_MAX ||
	    (e->has_report &&
	    (unsigned int)e->report_state >= _GUEST_STATE_MAX) ||
	    !xh_printable(e->snap.xen_extra))
		return -EINVAL;
	buf[0] = '\0';
	xh_format_uuid(e->uuid, uuid);
	out_printf(&o, "%s\n", ENTRY_HEADER);
	out_printf(&o, "uuid=%s\n", uuid);
	if (e->name[0])
		out_printf(&o, "name=%s\n", e->name);
	if (e->has_domid)
		out_printf(&o, "domid=%" PRIu32 "\n", e->domid);
	out_printf(&o, "phase=%s\n", phase_names[e->phase]);
	out_printf(&o, "updated=%" PRId64 "\n", e->updated);
	if (e->has_report) {
		out_printf(&o, "report-state=%s\n",
		    guest_state_to_string(e->report_state));
		out_printf(&o, "report-seq=%" PRIu64 "\n", e->report_seq);
		out_printf(&o, "report-updated=%" PRId64 "\n",
		    e->report_updated);
		if (e->gate[0])
			out_printf(&o, "gate=%s\n", e->gate);
	}
	if (e->has_record) {
		uint8_t bin[RECORD_MAX_SIZE];
		char hex[RECORD_HEX_MAX + 1];
		int n = record_encode(&e->rec, bin, sizeof(bin));

		if (n < 0)
			return n == -ENOBUFS ? -EINVAL : n;
		xh_hex(bin, (size_t)n, hex);
		out_printf(&o, "record=%s\n", hex);
	}
	if (e->has_snapshot) {
		const struct dom0d_snapshot *s = &e->snap;

		out_printf(&o, "snap-taken=%" PRId64 "\n", s->taken);
		out_printf(&o, "snap-max-pages=%" PRIu64 "\n", s->max_pages);
		out_printf(&o, "snap-tot-pages=%" PRIu64 "\n", s->tot_pages);
		out_printf(&o, "snap-vcpus=%u\n", s->max_vcpus);
		out_printf(&o, "snap-type=%s\n", guest_type_to_string(s->type));
		out_printf(&o, "snap-gnttab=%d\n", s->gnttab);
		out_printf(&o, "snap-xen=%u.%u%s\n", s->xen_major, s->xen_minor,
		    s->xen_extra);
		if (s->has_features)
			out_printf(&o, "snap-features=%08" PRIx32 "\n",
			    s->features);
	}
	out_printf(&o, "verdict=%s\n", host_verdict_to_string(e->verdict));
	if (e->verdict_time) {
		out_printf(&o, "verdict-seq=%" PRIu64 "\n", e->verdict_seq);
		out_printf(&o, "verdict-time=%" PRId64 "\n", e->verdict_time);
	}
	if (e->verdict_fields) {
		dom0d_fields_to_string(e->verdict_fields, fields,
		    sizeof(fields));
		out_printf(&o, "verdict-fields=%s\n", fields);
	}
	if (e->verdict_reason[0])
		out_printf(&o, "verdict-reason=%s\n", e->verdict_reason);
	out_printf(&o, "outcome=%s\n", outcome_names[e->outcome]);
	if (e->closed)
		out_printf(&o, "closed=%" PRId64 "\n", e->closed);
	if (e->cross_fields) {
		dom0d_fields_to_string(e->cross_fields, fields,
		    sizeof(fields));
		out_printf(&o, "cross-fields=%s\n", fields);
	}
	if (e->last_shutdown >= 0) {
		const char *s = hv_shutdown_to_string(
		    (unsigned int)e->last_shutdown);

		if (s)
			out_printf(&o, "last-shutdown=%s\n", s);
		else
			out_printf(&o, "last-shutdown=%d\n", e->last_shutdown);
	}
	out_printf(&o, "hibernations=%u\n", e->hibernations);
	out_printf(&o, "resumes=%u\n", e->resumes);
	out_printf(&o, "soft-resets=%u\n", e->soft_resets);
	out_printf(&o, "refusals=%u\n", e->refusals);
	if (o.full)
		return -ENOBUFS;
	return (int)o.len;
}

static int
parse_num(const char *s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;

	/* Canonical decimal only: no sign, no leading zero. */
	if (!*s || (s[0] == '0' && s[1]) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	if (xh_parse_u64(s, 10, &v) < 0 || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int
parse_uint(const char *s, unsigned int *ret)
{
	unsigned long long v;

	if (parse_num(s, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*ret = (unsigned int)v;
	return 0;
}

static int
parse_i64(const char *s, int64_t *ret)
{
	unsigned long long v;

	if (parse_num(s, INT64_MAX, &v) < 0)
		return -EINVAL;
	*ret = (int64_t)v;
	return 0;
}

static int
parse_u64(const char *s, uint64_t *ret)
{
	unsigned long long v;

	if (parse_num(s, UINT64_MAX, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "4.17.3": major.minor then an extra of printable characters. */
static int
parse_snap_xen(const char *s, struct dom0d_snapshot *snap)
{
	char num[16];
	const char *dot = strchr(s, '.'), *p;
	size_t len;

	if (!dot)
		return -EINVAL;
	p = dot + 1;
	while (*p >= '0' && *p <= '9')
		p++;
	len = (size_t)(p - s);
	if (len >= sizeof(num) || strlen(p) > RECORD_XEN_EXTRA_MAX ||
	    (*p >= '0' && *p <= '9'))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (dom0d_parse_xen_version(num, &snap->xen_major,
	    &snap->xen_minor) < 0)
		return -EINVAL;
	xh_strlcpy(snap->xen_extra, p, sizeof(snap->xen_extra));
	return 0;
}

static int
parse_record(const char *hex, struct record *rec)
{
	uint8_t bin[RECORD_MAX_SIZE];
	size_t n = strlen(hex);
	int r;

	if (n == 0 || n % 2 || n > RECORD_HEX_MAX)
		return -EINVAL;
	if (xh_unhex(hex, bin, n / 2) < 0)
		return -EINVAL;
	r = record_decode(bin, n / 2, rec);
	if (r < 0 || (size_t)r != n / 2)
		return -EINVAL;
	return 0;
}

static int
set_key(struct dom0d_entry *e, enum key k, const char *v)
{
	unsigned long long u;
	int i;

	switch (k) {
	case K_UUID:
		if (strlen(v) != 36 || xh_parse_uuid(v, e->uuid) < 0)
			return -EINVAL;
		return 0;
	case K_NAME:
		if (strlen(v) > DOM0D_NAME_MAX)
			return -EINVAL;
		xh_strlcpy(e->name, v, sizeof(e->name));
		return 0;
	case K_DOMID:
		if (parse_num(v, HV_DOMID_LIMIT - 1, &u) < 0)
			return -EINVAL;
		e->domid = (uint32_t)u;
		e->has_domid = true;
		return 0;
	case K_PHASE:
		if ((i = dom0d_phase_from_string(v)) < 0)
			return -EINVAL;
		e->phase = (enum dom0d_phase)i;
		return 0;
	case K_UPDATED:
		return parse_i64(v, &e->updated);
	case K_REPORT_STATE:
		if ((i = guest_state_from_string(v)) < 0)
			return -EINVAL;
		e->report_state = (enum guest_state)i;
		e->has_report = true;
		return 0;
	case K_REPORT_SEQ:
		return parse_u64(v, &e->report_seq);
	case K_REPORT_UPDATED:
		return parse_i64(v, &e->report_updated);
	case K_GATE:
		if (strlen(v) >= sizeof(e->gate))
			return -EINVAL;
		xh_strlcpy(e->gate, v, sizeof(e->gate));
		return 0;
	case K_RECORD:
		if (parse_record(v, &e->rec) < 0)
			return -EINVAL;
		e->has_record = true;
		return 0;
	case K_SNAP_TAKEN:
		e->has_snapshot = true;
		return parse_i64(v, &e->snap.taken);
	case K_SNAP_MAX_PAGES:
		return parse_u64(v, &e->snap.max_pages);
	case K_SNAP_TOT_PAGES:
		return parse_u64(v, &e->snap.tot_pages);
	case K_SNAP_VCPUS:
		return parse_uint(v, &e->snap.max_vcpus);
	case K_SNAP_TYPE:
		e->snap.type = guest_type_from_string(v);
		if (e->snap.type == GUEST_UNKNOWN && !streq(v, "unknown"))
			return -EINVAL;
		return 0;
	case K_SNAP_GNTTAB:
		if (!streq(v, "0") && !streq(v, "1") && !streq(v, "2"))
			return -EINVAL;
		e->snap.gnttab = v[0] - '0';
		return 0;
	case K_SNAP_XEN:
		return parse_snap_xen(v, &e->snap);
	case K_SNAP_FEATURES:
		if (strlen(v) != 8 || xh_parse_u64(v, 16, &u) < 0)
			return -EINVAL;
		e->snap.features = (uint32_t)u;
		e->snap.has_features = true;
		return 0;
	case K_VERDICT:
		for (i = HOST_VERDICT_UNKNOWN; i <= HOST_VERDICT_UNSAFE; i++)
			if (streq(v, host_verdict_to_string(i))) {
				e->verdict = i;
				return 0;
			}
		return -EINVAL;
	case K_VERDICT_SEQ:
		return parse_u64(v, &e->verdict_seq);
	case K_VERDICT_TIME:
		return parse_i64(v, &e->verdict_time);
	case K_VERDICT_FIELDS:
		return dom0d_fields_from_string(v, &e->verdict_fields);
	case K_VERDICT_REASON:
		if (strlen(v) > DOM0D_REASON_MAX)
			return -EINVAL;
		xh_strlcpy(e->verdict_reason, v, sizeof(e->verdict_reason));
		return 0;
	case K_OUTCOME:
		if ((i = dom0d_outcome_from_string(v)) < 0)
			return -EINVAL;
		e->outcome = (enum dom0d_outcome)i;
		return 0;
	case K_CLOSED:
		return parse_i64(v, &e->closed);
	case K_CROSS_FIELDS:
		return dom0d_fields_from_string(v, &e->cross_fields);
	case K_LAST_SHUTDOWN:
		if ((i = hv_shutdown_from_string(v)) >= 0) {
			e->last_shutdown = i;
			return 0;
		}
		if (parse_num(v, 255, &u) < 0)
			return -EINVAL;
		e->last_shutdown = (int)u;
		return 0;
	case K_HIBERNATIONS:
		return parse_uint(v, &e->hibernations);
	case K_RESUMES:
		return parse_uint(v, &e->resumes);
	case K_SOFT_RESETS:
		return parse_uint(v, &e->soft_resets);
	case K_REFUSALS:
		return parse_uint(v, &e->refusals);
	case _K_MAX:
		break;
	}
	return -EINVAL;
}

int
dom0d_entry_decode(const char *text, size_t len, struct dom0d_entry *e)
{
	bool seen[_K_MAX] = { false };
	char line[2 * RECORD_MAX_SIZE + 64];
	size_t off = 0, hlen = strlen(ENTRY_HEADER);
	int r = 0;

	dom0d_entry_init(e, NULL);
	if (len > DOM0D_ENTRY_MAX_SIZE)
		return -EMSGSIZE;
	if (len < hlen + 1 || memcmp(text, ENTRY_HEADER, hlen) != 0 ||
	    text[hlen] != '\n')
		return -EBADMSG;
	off = hlen + 1;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off), *eq;
		size_t llen, i;
		int k;

		if (!nl) {
			r = -EILSEQ;
			goto fail;
		}
		llen = (size_t)(nl - (text + off));
		for (i = 0; i < llen; i++)
			if (text[off + i] < 0x20 || text[off + i] > 0x7e) {
				r = -EILSEQ;
				goto fail;
			}
		if (llen >= sizeof(line)) {
			r = -EINVAL;
			goto fail;
		}
		memcpy(line, text + off, llen);
		line[llen] = '\0';
		off += llen + 1;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			r = -EBADMSG;
			goto fail;
		}
		line[eq - line] = '\0';
		k = index_in(key_names, _K_MAX, line);
		if (k < 0)
			continue;	/* a newer writer's key */
		if (seen[k]) {
			r = -ENOTUNIQ;
			goto fail;
		}
		seen[k] = true;
		if (set_key(e, (enum key)k, eq + 1) < 0) {
			r = -EINVAL;
			goto fail;
		}
	}
	if (!seen[K_UUID] || !seen[K_PHASE]) {
		r = -ENOKEY;
		goto fail;
	}
	/* The record's envelope seq is the report's seq it came with. */
	return 0;
fail:
	dom0d_entry_init(e, NULL);
	return r;
}
