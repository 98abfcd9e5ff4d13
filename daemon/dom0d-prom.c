// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Prometheus text exposition (format 0.0.4) of the dom0 companion's
 * entries, for node_exporter's textfile collector: one file per host,
 * written atomically so the collector never reads half of it. Label
 * values are escaped (\\, \", \n); names are sanitized toolstack names.
 * Logs nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0d-io.h"
#include "util.h"

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) _printf_(2, 3);

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap * 2 : 16384;
			char *g;

			while (cap - b->len <= (size_t)n)
				cap *= 2;
			g = realloc(b->p, cap);
			if (!g) {
				b->oom = true;
				return;
			}
			b->p = g;
			b->cap = cap;
		}
	}
}

/* A label value: escape backslash, quote and newline. */
static void
escape(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *in && o + 3 < outsz; in++) {
		if (*in == '\\' || *in == '"') {
			out[o++] = '\\';
			out[o++] = *in;
		} else if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

static void
labels(const struct dom0d_entry *e, char *out, size_t outsz)
{
	char uuid[37], name[2 * DOM0D_NAME_MAX + 4];

	xh_format_uuid(e->uuid, uuid);
	escape(e->name, name, sizeof(name));
	snprintf(out, outsz, "uuid=\"%s\",name=\"%s\"", uuid, name);
}

static void
help(struct buf *b, const char *metric, const char *type, const char *text)
{
	bprintf(b, "# HELP %s %s\n# TYPE %s %s\n", metric, text, metric,
	    type);
}

static void
per_domain(struct buf *b, const struct dom0d_prom_row *rows, size_t n,
    const char *target)
{
	char l[256];
	size_t i;

	help(b, "xen_handover_domain_phase", "gauge",
	    "Phase of the entry dom0 keeps per domain UUID (1 = current).");
	for (i = 0; i < n; i++) {
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_phase{%s,phase=\"%s\"} 1\n", l,
		    dom0d_phase_to_string(rows[i].e->phase));
	}
	help(b, "xen_handover_domain_image_pending", "gauge",
	    "1 when a hibernation image waits to be resumed.");
	for (i = 0; i < n; i++) {
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_image_pending{%s} %d\n", l,
		    dom0d_entry_pending(rows[i].e) ? 1 : 0);
	}
	help(b, "xen_handover_domain_verdict", "gauge",
	    "Host verdict for the domain's image on this host (1 = current).");
	for (i = 0; i < n; i++) {
		int v = rows[i].check ? rows[i].check->verdict :
		    rows[i].e->verdict;

		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_verdict{%s,verdict=\"%s\"} 1\n",
		    l, host_verdict_to_string(v));
	}
	help(b, "xen_handover_domain_updated_seconds", "gauge",
	    "When the entry last changed (Unix time).");
	for (i = 0; i < n; i++) {
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_updated_seconds{%s} %" PRId64
		    "\n", l, rows[i].e->updated);
	}
	help(b, "xen_handover_domain_hibernations_total", "counter",
	    "Hibernations dom0 saw the domain start.");
	for (i = 0; i < n; i++) {
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_hibernations_total{%s} %u\n",
		    l, rows[i].e->hibernations);
	}
	help(b, "xen_handover_domain_resumes_total", "counter",
	    "Resumes the domain reported.");
	for (i = 0; i < n; i++) {
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_domain_resumes_total{%s} %u\n", l,
		    rows[i].e->resumes);
	}
	if (!target)
		return;
	help(b, "xen_handover_preflight_unsafe", "gauge",
	    "1 when the pending image would be unsafe on the target Xen.");
	for (i = 0; i < n; i++) {
		if (!rows[i].preflight || !dom0d_entry_pending(rows[i].e))
			continue;
		labels(rows[i].e, l, sizeof(l));
		bprintf(b, "xen_handover_preflight_unsafe{%s,target=\"%s\"} "
		    "%d\n", l, target, rows[i].preflight->verdict ==
		    HOST_VERDICT_UNSAFE ? 1 : 0);
	}
}

static void
totals(struct buf *b, const struct dom0d_prom_row *rows, size_t n,
    const char *target)
{
	uint64_t phases[_PHASE_MAX] = { 0 }, verdicts[3] = { 0 };
	uint64_t pre[3] = { 0 };
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		const struct dom0d_entry *e = rows[i].e;
		int v = rows[i].check ? rows[i].check->verdict : e->verdict;

		if ((unsigned int)e->phase < _PHASE_MAX)
			phases[e->phase]++;
		if (dom0d_entry_pending(e) && v >= 0 && v < 3)
			verdicts[v]++;
		if (rows[i].preflight && dom0d_entry_pending(e) &&
		    rows[i].preflight->verdict >= 0 &&
		    rows[i].preflight->verdict < 3)
			pre[rows[i].preflight->verdict]++;
	}
	help(b, "xen_handover_domains", "gauge",
	    "Entries dom0 keeps, by phase.");
	for (k = 0; k < _PHASE_MAX; k++)
		bprintf(b, "xen_handover_domains{phase=\"%s\"} %" PRIu64 "\n",
		    dom0d_phase_to_string((enum dom0d_phase)k), phases[k]);
	help(b, "xen_handover_pending_images", "gauge",
	    "Pending hibernation images, by host verdict.");
	for (k = 0; k < 3; k++)
		bprintf(b, "xen_handover_pending_images{verdict=\"%s\"} %"
		    PRIu64 "\n", host_verdict_to_string(k), verdicts[k]);
	if (!target)
		return;
	help(b, "xen_handover_preflight_images", "gauge",
	    "Pending images by their verdict on the target Xen.");
	for (k = 0; k < 3; k++)
		bprintf(b, "xen_handover_preflight_images{target=\"%s\","
		    "verdict=\"%s\"} %" PRIu64 "\n", target,
		    host_verdict_to_string(k), pre[k]);
}

static void
counter(struct buf *b, const char *name, const char *text, uint64_t v)
{
	help(b, name, "counter", text);
	bprintf(b, "%s %" PRIu64 "\n", name, v);
}

static void
daemon_counters(struct buf *b, const struct dom0d_counters *c)
{
	counter(b, "xen_handover_dom0d_events_total",
	    "Xenstore watch events taken.", c->events);
	counter(b, "xen_handover_dom0d_dropped_events_total",
	    "Watch events ignored (throttled or unknown domains).",
	    c->dropped_events);
	counter(b, "xen_handover_dom0d_reads_total",
	    "Guest report reads.", c->reads);
	counter(b, "xen_handover_dom0d_rejected_reports_total",
	    "Guest reports that failed validation.", c->rejected);
	counter(b, "xen_handover_dom0d_throttled_total",
	    "Times a domain was throttled for flooding its directory.",
	    c->throttled);
	counter(b, "xen_handover_dom0d_publish_errors_total",
	    "Verdicts that could not be published.", c->publish_errors);
	counter(b, "xen_handover_dom0d_save_errors_total",
	    "Entries that could not be saved.", c->save_errors);
	counter(b, "xen_handover_dom0d_reconnects_total",
	    "Reconnections to xenstored.", c->reconnects);
	help(b, "xen_handover_dom0d_domains", "gauge",
	    "Live domains dom0d tracks.");
	bprintf(b, "xen_handover_dom0d_domains %" PRIu64 "\n", c->domains);
}

int
dom0d_prom_write(const char *path, const struct dom0d_prom_row *rows,
    size_t n, const char *target, const struct dom0d_counters *counters,
    int64_t now)
{
	struct buf b = { 0 };
	char t[64];
	int r;

	if (target) {
		escape(target, t, sizeof(t));
		target = t;
	}
	per_domain(&b, rows, n, target);
	totals(&b, rows, n, target);
	if (counters)
		daemon_counters(&b, counters);
	help(&b, "xen_handover_export_timestamp_seconds", "gauge",
	    "When this file was written (Unix time).");
	bprintf(&b, "xen_handover_export_timestamp_seconds %" PRId64 "\n",
	    now);
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	r = dom0d_write_atomic(path, b.p, b.len, 0644);
	free(b.p);
	return r;
}
