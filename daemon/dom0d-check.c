// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side validation of a hibernation record (xen-handover-dom0d(8)).
 * Dom0 cannot see the boot kernel's event-channel ABI, knobs or build
 * (xen.md 7.1): it judges only what the hypervisor tells it. Where a fact
 * maps onto a record field the comparison is verdict_compare()'s, run on
 * a "boot" record built from host facts (every other field copied from
 * the image, so it cannot differ); the rest is here:
 *   - Xen version (information) and the host-wide XENFEAT bits;
 *   - event-channel ABI availability: FIFO needs Xen 4.4; a 2-level image
 *     from Xen < 4.4 without xen.fifo_events=0 meets a boot kernel that
 *     picks FIFO on a newer Xen (references/seeds/001);
 *   - guest type, vCPUs (the snapshot's max vCPUs, else the record's),
 *     memory (the snapshot's maxmem exactly, else the record's RAM as a
 *     lower bound of maxmem), grant-table version (xc_gnttab_get_version,
 *     only once the guest kernel set its table up).
 * Pure: no I/O.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dom0d.h"
#include "util.h"

/* Fields verdict_compare() may report that dom0 has facts for. */
#define HOST_FIELDS \
	((1u << FIELD_GUEST_TYPE) | (1u << FIELD_GNTTAB) | \
	 (1u << FIELD_VCPUS) | (1u << FIELD_RAM) | (1u << FIELD_XEN_VERSION) | \
	 (1u << FIELD_XEN_FEATURES))

/* Without a live domain: the host alone. */
#define HOST_SCOPE_FIELDS \
	((1u << FIELD_XEN_VERSION) | (1u << FIELD_XEN_FEATURES))

/* What a resumed guest's own record can contradict. */
#define CROSS_FIELDS \
	((1u << FIELD_GUEST_TYPE) | (1u << FIELD_EVTCHN) | \
	 (1u << FIELD_GNTTAB) | (1u << FIELD_BUILD_ID) | \
	 (1u << FIELD_KERNEL_RELEASE) | (1u << FIELD_VCPUS) | \
	 (1u << FIELD_RAM) | (1u << FIELD_MEMMAP))

struct text {
	char *buf;
	size_t size, len;
	bool full;
};

static void text_printf(struct text *t, const char *fmt, ...) _printf_(2, 3);

static void
text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (t->full || t->size == 0)
		return;
	room = t->size - t->len;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		t->len += (size_t)n;
		return;
	}
	t->full = true;
	t->len = t->size - 1;
	if (t->size > 4)
		memcpy(t->buf + t->size - 4, "...", 4);
}

/* Whatever went into the reason: printable ASCII only. */
static void
sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static bool
at_least(unsigned int major, unsigned int minor, unsigned int want_major,
    unsigned int want_minor)
{
	return major > want_major ||
	    (major == want_major && minor >= want_minor);
}

static void
add_diff(struct dom0d_check *c, enum field f, enum severity sev, bool fix,
    const char *expected, const char *found, const char *detail)
{
	struct difference *d;
	size_t i;

	/* One entry per field: a later one replaces an earlier one. */
	for (i = 0; i < c->diffs.n; i++)
		if (c->diffs.d[i].field == f)
			break;
	if (i == c->diffs.n) {
		if (c->diffs.n >= ARRAY_SIZE(c->diffs.d))
			return;
		c->diffs.n++;
	}
	d = &c->diffs.d[i];
	memset(d, 0, sizeof(*d));
	d->field = f;
	d->severity = sev;
	d->fixable = fix;
	xh_strlcpy(d->expected, expected, sizeof(d->expected));
	xh_strlcpy(d->found, found, sizeof(d->found));
	xh_strlcpy(d->detail, detail, sizeof(d->detail));
}

static void
fmt_version(bool known, unsigned int major, unsigned int minor,
    const char *extra, char *out, size_t outsz)
{
	if (!known)
		snprintf(out, outsz, "unknown");
	else
		snprintf(out, outsz, "%u.%u%s", major, minor,
		    extra ? extra : "");
}

/*
 * The event-channel ABI a boot kernel gets from Xen major.minor, against
 * what the image uses. Dom0 knows the Xen side only.
 */
static void
check_evtchn(const struct record *img, unsigned int major,
    unsigned int minor, const char *extra, bool version_changed,
    struct dom0d_check *c)
{
	char host[48], imgv[48], detail[256];

	fmt_version(true, major, minor, extra, host, sizeof(host));
	fmt_version(img->has_xen_version, img->xen_major, img->xen_minor,
	    img->xen_extra, imgv, sizeof(imgv));
	if (img->evtchn == EVTCHN_FIFO && !at_least(major, minor, 4, 4)) {
		snprintf(detail, sizeof(detail), "The image uses FIFO event "
		    "channels; Xen %s cannot provide them: resume on Xen 4.4 "
		    "or later.", host);
		add_diff(c, FIELD_EVTCHN, SEV_CRITICAL, false, "fifo", host,
		    detail);
		return;
	}
	if (img->evtchn != EVTCHN_2L || img->knob_fifo_events != KNOB_UNSET ||
	    !at_least(major, minor, 4, 4))
		return;
	if (img->has_xen_version &&
	    !at_least(img->xen_major, img->xen_minor, 4, 4)) {
		snprintf(detail, sizeof(detail), "The image got 2-level event "
		    "channels from Xen %s; on Xen %s a boot kernel without "
		    "xen.fifo_events=0 picks FIFO: boot with "
		    "xen.fifo_events=0.", imgv, host);
		add_diff(c, FIELD_EVTCHN, SEV_CRITICAL, true,
		    "2l without xen.fifo_events", host, detail);
	} else if (!img->has_xen_version || version_changed) {
		snprintf(detail, sizeof(detail), "The image uses 2-level event "
		    "channels without xen.fifo_events=0: if Xen %s offers "
		    "FIFO the boot kernel picks it; pin xen.fifo_events=0.",
		    host);
		add_diff(c, FIELD_EVTCHN, SEV_WARN, true,
		    "2l without xen.fifo_events", host, detail);
	}
}

/* The image's host-wide feature bits that Xen (features) lacks. */
static void
check_features(const struct record *img, bool has_features, uint32_t features,
    struct dom0d_check *c)
{
	char e[16], f[16], detail[256];
	uint32_t lost;

	if (!img->has_xen_features || !has_features)
		return;
	lost = img->xen_features & HV_FEATURES_HOST_MASK & ~features;
	if (!lost)
		return;
	snprintf(e, sizeof(e), "0x%08x", img->xen_features);
	snprintf(f, sizeof(f), "0x%08x", features);
	snprintf(detail, sizeof(detail), "Xen lacks host features the image "
	    "kernel uses (bits 0x%08x); resume on a host that offers them.",
	    lost);
	add_diff(c, FIELD_XEN_FEATURES, SEV_CRITICAL, false, e, f, detail);
}

static void
reason_for(const struct dom0d_entry *e, char *out, size_t outsz)
{
	switch (e->phase) {
	case PHASE_RUNNING:
		snprintf(out, outsz, "no hibernation image pending");
		break;
	case PHASE_CLOSED:
		snprintf(out, outsz, "no image pending: the last one ended %s",
		    dom0d_outcome_to_string(e->outcome));
		break;
	case PHASE_NONE:
		snprintf(out, outsz, "no record to judge");
		break;
	default:
		snprintf(out, outsz, "the guest published no record with its "
		    "image");
		break;
	}
}

/* Verdict, fields and reason from the differences. */
static void
conclude(struct dom0d_check *c, bool soft_reset_ok)
{
	struct text t = { .buf = c->reason, .size = sizeof(c->reason) };
	const char *sep = "";
	bool critical = false, warn = false, all_fixable = true;
	size_t i;

	c->fields = c->unknown = 0;
	for (i = 0; i < c->diffs.n; i++) {
		const struct difference *d = &c->diffs.d[i];

		if (d->severity == SEV_CRITICAL) {
			critical = true;
			c->fields |= 1u << d->field;
			if (!d->fixable)
				all_fixable = false;
		} else if (d->severity == SEV_WARN) {
			warn = true;
			c->unknown |= 1u << d->field;
		}
	}
	c->repairable = critical && all_fixable && soft_reset_ok;
	c->reason[0] = '\0';
	if (critical) {
		c->verdict = HOST_VERDICT_UNSAFE;
		for (i = 0; i < c->diffs.n; i++) {
			const struct difference *d = &c->diffs.d[i];

			if (d->severity != SEV_CRITICAL)
				continue;
			text_printf(&t, "%s%s: image %s, here %s", sep,
			    field_to_string(d->field), d->expected, d->found);
			sep = "; ";
		}
		if (c->repairable)
			text_printf(&t, "; the guest's gate can repair this");
	} else if (warn || c->pending) {
		c->verdict = HOST_VERDICT_UNKNOWN;
		text_printf(&t, "cannot verify:");
		sep = " ";
		if (c->pending) {
			text_printf(&t, " gnttab (waiting for the guest "
			    "kernel)");
			sep = ", ";
		}
		for (i = 0; i < c->diffs.n; i++) {
			const struct difference *d = &c->diffs.d[i];

			if (d->severity != SEV_WARN)
				continue;
			text_printf(&t, "%s%s", sep, field_to_string(d->field));
			sep = ", ";
		}
	} else {
		c->verdict = HOST_VERDICT_SAFE;
		text_printf(&t, c->scope == SCOPE_HOST ? "host matches the "
		    "record (domain checks wait for its creation)" :
		    "host matches the record");
	}
	sanitize(c->reason);
}

static void
check_init(struct dom0d_check *c, enum dom0d_scope scope)
{
	memset(c, 0, sizeof(*c));
	c->verdict = HOST_VERDICT_UNKNOWN;
	c->scope = scope;
}

int
dom0d_validate(const struct dom0d_entry *e, const struct dom0d_view *v,
    struct dom0d_check *out)
{
	static const enum field host_order[] = {
		FIELD_GUEST_TYPE, FIELD_GNTTAB, FIELD_VCPUS, FIELD_RAM,
		FIELD_XEN_VERSION, FIELD_XEN_FEATURES,
	};
	struct record img, boot;
	struct diff_list all;
	const struct hv_host *h = v ? v->host : NULL;
	const struct hv_domain *dom = v ? v->dom : NULL;
	enum guest_type type;
	bool changed;
	size_t i, k;

	if (!e || !h)
		return -EINVAL;
	check_init(out, dom ? SCOPE_DOMAIN : SCOPE_HOST);
	if (!dom0d_entry_pending(e)) {
		reason_for(e, out->reason, sizeof(out->reason));
		return 0;
	}
	img = e->rec;
	boot = e->rec;

	/* Xen version and the host-wide feature bits. */
	boot.has_xen_version = true;
	boot.xen_major = h->xen_major;
	boot.xen_minor = h->xen_minor;
	xh_strlcpy(boot.xen_extra, h->xen_extra, sizeof(boot.xen_extra));
	if (img.has_xen_features && h->has_features)
		boot.xen_features =
		    (img.xen_features & ~HV_FEATURES_HOST_MASK) |
		    (h->features & HV_FEATURES_HOST_MASK);
	else
		boot.has_xen_features = false;

	if (dom) {
		/* Guest type: the hypervisor's, when it can tell. */
		type = dom->type;
		if (type == GUEST_UNKNOWN && e->has_snapshot)
			type = e->snap.type;
		boot.guest_type = type;

		/* vCPUs: what dom0 saw then, else what the guest said. */
		if (e->has_snapshot && e->snap.max_vcpus)
			img.vcpus_possible = e->snap.max_vcpus;
		boot.vcpus_possible = dom->max_vcpus;

		/* Memory: maxmem then and now; else a lower bound. */
		if (e->has_snapshot && e->snap.max_pages) {
			img.ram_kib = e->snap.max_pages * 4;
			boot.ram_kib = dom->max_pages * 4;
		} else if (img.ram_kib && dom->max_pages * 4 < img.ram_kib) {
			boot.ram_kib = dom->max_pages * 4;
		} else {
			boot.ram_kib = 0;	/* cannot prove it equal */
		}

		/* Grant-table version, once the guest kernel set it. */
		if (v->gnttab < 0) {
			boot.gnttab_version = 0;
		} else if (v->gnttab == img.gnttab_version) {
			boot.gnttab_version = v->gnttab;
		} else if (!v->settled && (v->gnttab == 0 ||
		    (v->gnttab == 1 && img.gnttab_version == 2))) {
			/* Xen's initial value: not the kernel's choice yet. */
			boot.gnttab_version = img.gnttab_version;
			out->pending = img.gnttab_version > 0;
		} else {
			boot.gnttab_version = v->gnttab;
		}
		/* Dom0 cannot see the boot kernel's knobs. */
		boot.knob_gnttab_version = img.knob_gnttab_version;
	}

	verdict_compare(&img, &boot, &all);
	for (k = 0; k < ARRAY_SIZE(host_order); k++)
		for (i = 0; i < all.n; i++) {
			const struct difference *d = &all.d[i];

			if (d->field != host_order[k] ||
			    !((dom ? HOST_FIELDS : HOST_SCOPE_FIELDS) &
			    (1u << d->field)))
				continue;
			add_diff(out, d->field, d->severity, d->fixable,
			    d->expected, d->found, d->detail);
		}
	changed = img.has_xen_version && (img.xen_major != h->xen_major ||
	    img.xen_minor != h->xen_minor);
	check_evtchn(&img, h->xen_major, h->xen_minor, h->xen_extra, changed,
	    out);
	check_features(&img, h->has_features, h->features, out);
	type = dom ? dom->type : img.guest_type;
	conclude(out, type == GUEST_HVM && at_least(h->xen_major,
	    h->xen_minor, 4, 7));
	return 0;
}

int
dom0d_preflight(const struct dom0d_entry *e, unsigned int major,
    unsigned int minor, bool has_features, uint32_t features,
    struct dom0d_check *out)
{
	char a[48], b[48];
	bool changed;

	if (!e || major > 65535 || minor > 65535)
		return -EINVAL;
	check_init(out, SCOPE_HOST);
	if (!dom0d_entry_pending(e)) {
		reason_for(e, out->reason, sizeof(out->reason));
		return 0;
	}
	changed = !e->rec.has_xen_version || e->rec.xen_major != major ||
	    e->rec.xen_minor != minor;
	if (e->rec.has_xen_version && changed) {
		fmt_version(true, e->rec.xen_major, e->rec.xen_minor,
		    e->rec.xen_extra, a, sizeof(a));
		fmt_version(true, major, minor, "", b, sizeof(b));
		add_diff(out, FIELD_XEN_VERSION, SEV_INFO, false, a, b,
		    "Xen changes version; what that can break is checked "
		    "separately.");
	}
	check_evtchn(&e->rec, major, minor, "", changed, out);
	check_features(&e->rec, has_features, features, out);
	conclude(out, e->rec.guest_type == GUEST_HVM &&
	    at_least(major, minor, 4, 7));
	return 0;
}

uint32_t
dom0d_crosscheck(const struct record *image, const struct record *resumed,
    int gnttab)
{
	struct diff_list d;
	uint32_t fields = 0;
	size_t i;

	if (gnttab > 0 && image->gnttab_version > 0 &&
	    gnttab != image->gnttab_version)
		fields |= 1u << FIELD_GNTTAB;
	if (!resumed)
		return fields;
	verdict_compare(image, resumed, &d);
	for (i = 0; i < d.n; i++)
		if (d.d[i].severity == SEV_CRITICAL &&
		    (CROSS_FIELDS & (1u << d.d[i].field)))
			fields |= 1u << d.d[i].field;
	return fields;
}

int
dom0d_parse_xen_version(const char *s, unsigned int *major,
    unsigned int *minor)
{
	unsigned long long a, b;
	const char *dot = s ? strchr(s, '.') : NULL;
	char buf[8];
	size_t len;

	if (!dot)
		return -EINVAL;
	len = (size_t)(dot - s);
	if (len == 0 || len >= sizeof(buf) || (s[0] == '0' && len > 1))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (xh_parse_u64(buf, 10, &a) < 0 || a > 65535)
		return -EINVAL;
	if (!dot[1] || (dot[1] == '0' && dot[2]) ||
	    xh_parse_u64(dot + 1, 10, &b) < 0 || b > 65535)
		return -EINVAL;
	*major = (unsigned int)a;
	*minor = (unsigned int)b;
	return 0;
}
